/** Template argvs exactly as docs/commands.md states them, with a scripted executor. */
import { describe, expect, it } from 'vitest';
import type { ByteSize, HostPath } from '@disk-ledger/domain';
import { HostTemplateBuilder } from './template-builder.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { MemoryFiles } from './testing/memory-files.js';
import { RecordingExecutor, failed, ok, type Answer } from './testing/recording-executor.js';

const dest = '/var/lib/nova/instances/i1/disk.eph0' as HostPath;
const size = (64 * 1024 * 1024) as ByteSize;

const setup = (answer: (argv: readonly string[], files: MemoryFiles) => Answer = () => ok()) => {
  const files = new MemoryFiles();
  const exec = new RecordingExecutor((spec) => answer(spec.argv, files));
  return { exec, files, builder: new HostTemplateBuilder(exec, files) };
};

describe('HostTemplateBuilder argvs', () => {
  it('formats vfat with -n and ext with -F -L, after a raw create', async () => {
    const vfat = setup();
    await expectRight(vfat.builder.build({ kind: 'filesystem', fsType: 'vfat', label: 'EPH0' }, dest, size));
    expect(vfat.exec.argvs).toEqual([
      ['qemu-img', 'create', '-f', 'raw', dest, String(size)],
      ['mkfs', '-t', 'vfat', '-n', 'EPH0', dest],
    ]);
    const ext = setup();
    await expectRight(ext.builder.build({ kind: 'filesystem', fsType: 'ext3', label: 'eph0' }, dest, size));
    expect(ext.exec.argvs[1]).toEqual(['mkfs', '-t', 'ext3', '-F', '-L', 'eph0', dest]);
  });
  it('makes swap with mkswap', async () => {
    const { exec, builder } = setup();
    await expectRight(builder.build({ kind: 'swap' }, dest, size));
    expect(exec.argvs[1]).toEqual(['mkswap', dest]);
  });
  it('stages config-drive files, runs genisoimage without a create, pads with resize -f raw, and removes the staging directory', async () => {
    const { exec, files, builder } = setup();
    await expectRight(builder.build({ kind: 'config-drive', files: [{ path: 'openstack/latest/meta_data.json', content: '{}' }] }, dest, size));
    expect(exec.argvs).toEqual([
      ['genisoimage', '-o', dest, '-ldots', '-allow-lowercase', '-allow-multidot', '-l', '-publisher', 'disk-ledger', '-quiet', '-J', '-r', '-V', 'config-2', `${dest}.d`],
      ['qemu-img', 'resize', '-f', 'raw', dest, String(size)],
    ]);
    expect([...files.entries.keys()].filter((k) => k.startsWith(`${dest}.d`))).toEqual([]);
  });
  it('removes the destination when a tool fails', async () => {
    const { exec, files, builder } = setup((argv, fs) => {
      if (argv[0] === 'mkswap') return failed(['mkswap'], 1, 'mkswap: error');
      fs.put(dest, new Uint8Array(16));
      return ok();
    });
    files.put(`${dest}.unrelated`, 'x');
    await expectLeft(builder.build({ kind: 'swap' }, dest, size), 'COMMAND_FAILED');
    expect(exec.argvs.map((a) => a[0])).toEqual(['qemu-img', 'mkswap']);
    expect(files.entries.has(dest)).toBe(false);
    expect(files.entries.has(`${dest}.unrelated`)).toBe(true);
  });
});
