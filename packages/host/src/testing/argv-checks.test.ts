import { describe, expect, it } from 'vitest';
import { formatViolations, qemuImgViolations } from './argv-checks.js';

describe('qemuImgViolations', () => {
  it('flags every probing variant the emulator records as a probe', () => {
    const probes = [
      ['qemu-img', 'info', '/i/disk'],
      ['qemu-img', 'info', '--output=json', '/i/disk'],
      ['qemu-img', 'convert', '-O', 'raw', '/i/disk', '/e/snap'],
      ['qemu-img', 'resize', '/i/disk', '10'],
      ['qemu-img', 'create', '-f', 'qcow2', '-b', '/b/base', '/i/disk', '10'],
      ['prlimit', '--cpu=30', '--as=1', '--', 'qemu-img', 'info', '/i/disk'],
    ] as const;
    for (const argv of probes) expect(qemuImgViolations(argv), argv.join(' ')).not.toEqual([]);
  });
  it('flags subcommands outside docs/commands.md and unknown format names', () => {
    expect(qemuImgViolations(['qemu-img', 'rebase', '-u', '-b', 'x', '/i/disk'])).not.toEqual([]);
    expect(qemuImgViolations(['qemu-img', 'info', '-f', 'auto', '--output=json', '/i/disk'])).not.toEqual([]);
  });
  it('accepts the argvs of docs/commands.md and ignores other tools', () => {
    expect(
      formatViolations([
        ['qemu-img', 'create', '-f', 'qcow2', '-b', '/b/base', '-F', 'raw', '/i/disk', '10'],
        ['qemu-img', 'convert', '-n', '-f', 'qcow2', '-O', 'parallels', '/b/base', '/p/root.hds'],
        ['prlimit', '--cpu=30', '--as=1', '--', 'qemu-img', 'info', '-f', 'vmdk', '--output=json', '/c/x.part'],
        ['lvcreate', '-y', '-L', '10b', '-n', 'lv', 'vg'],
      ]),
    ).toEqual([]);
  });
});
