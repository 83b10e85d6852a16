/**
 * ploop at argv level: Debian's ploop cannot run here, so a scripted
 * executor answers and the test checks the exact argvs of docs/commands.md.
 */
import { describe, expect, it } from 'vitest';
import type { BaseImage, ByteSize, DiskImage, HostPath } from '@disk-ledger/domain';
import { PloopDriver } from './ploop-driver.js';
import { formatViolations } from './testing/argv-checks.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { MemoryFiles } from './testing/memory-files.js';
import { RecordingExecutor, inOrder, ok, type Answer } from './testing/recording-executor.js';

const MiB = 1024 * 1024;
const dir = '/var/lib/vz/i1/disk' as HostPath;
const hds = `${dir}/root.hds`;
const ploopDisk: DiskImage = { location: { backend: 'ploop', path: dir }, format: 'ploop' };
const rawDisk: DiskImage = { location: { backend: 'ploop', path: dir }, format: 'raw' };
const base: BaseImage = { path: '/var/lib/vz/_base/abc' as HostPath, format: 'qcow2' };
const qinfo = (size: number, format: string) => ok(JSON.stringify({ 'virtual-size': size, format }));

const setup = (present: readonly string[], ...answers: Answer[]) => {
  const exec = new RecordingExecutor(inOrder(...answers));
  const files = new MemoryFiles([base.path, ...present]);
  return { exec, files, driver: new PloopDriver(exec, files) };
};

describe('PloopDriver', () => {
  describe('when the format is ploop', () => {
    it('creates a blank disk with ploop init in KiB, no file system', async () => {
      const { exec, files, driver } = setup([], ok());
      await expectRight(driver.createBlank(ploopDisk, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([['ploop', 'init', '-s', '8192K', '-f', 'ploop1', '-t', 'none', hds]]);
      expect(files.entries.has(dir)).toBe(true);
    });
    it('fills from a base: init, then qemu-img convert -n into root.hds as parallels', async () => {
      const { exec, driver } = setup([], qinfo(4 * MiB, 'qcow2'), ok(), ok());
      await expectRight(driver.createFromBase(ploopDisk, base, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([
        ['qemu-img', 'info', '-f', 'qcow2', '--output=json', base.path],
        ['ploop', 'init', '-s', '8192K', '-f', 'ploop1', '-t', 'none', hds],
        ['qemu-img', 'convert', '-n', '-f', 'qcow2', '-O', 'parallels', base.path, hds],
      ]);
    });
    it('inspects root.hds as parallels', async () => {
      const { exec, driver } = setup([hds], qinfo(8 * MiB, 'parallels'));
      expect(await expectRight(driver.inspect(ploopDisk))).toEqual({ exists: true, virtualSize: 8 * MiB });
      expect(exec.argvs).toEqual([['qemu-img', 'info', '-f', 'parallels', '--output=json', hds]]);
    });
    it('grows with ploop resize on the descriptor', async () => {
      const { exec, driver } = setup([hds], qinfo(8 * MiB, 'parallels'), ok());
      await expectRight(driver.resize(ploopDisk, (16 * MiB) as ByteSize));
      expect(exec.argvs[1]).toEqual(['ploop', 'resize', '-s', '16384K', `${dir}/DiskDescriptor.xml`]);
    });
  });

  describe('when the format is raw', () => {
    it('creates a raw root.hds, then a raw descriptor', async () => {
      const { exec, driver } = setup([], ok(), ok());
      await expectRight(driver.createBlank(rawDisk, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([
        ['qemu-img', 'create', '-f', 'raw', hds, String(8 * MiB)],
        ['ploop', 'restore-descriptor', '-f', 'raw', dir, hds],
      ]);
    });
    it('fills from a base with convert -O raw, grows, then writes the descriptor', async () => {
      const { exec, driver } = setup([], qinfo(4 * MiB, 'qcow2'), ok(), ok(), ok());
      await expectRight(driver.createFromBase(rawDisk, base, (8 * MiB) as ByteSize));
      expect(exec.argvs.slice(1)).toEqual([
        ['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', base.path, hds],
        ['qemu-img', 'resize', '-f', 'raw', hds, String(8 * MiB)],
        ['ploop', 'restore-descriptor', '-f', 'raw', dir, hds],
      ]);
      expect(formatViolations(exec.argvs)).toEqual([]);
    });
  });

  describe('when the input is bad', () => {
    it('refuses sizes that are not whole KiB before any command', async () => {
      const { exec, driver } = setup([]);
      await expectLeft(driver.createBlank(ploopDisk, (8 * MiB + 1) as ByteSize), 'UNSUPPORTED_OPERATION');
      await expectLeft(driver.resize(ploopDisk, 1000 as ByteSize), 'UNSUPPORTED_OPERATION');
      expect(exec.argvs).toEqual([]);
    });
    it('refuses qcow2, which a ploop disk cannot have', async () => {
      const { exec, driver } = setup([]);
      await expectLeft(driver.createBlank({ ...ploopDisk, format: 'qcow2' }, (8 * MiB) as ByteSize), 'UNSUPPORTED_OPERATION');
      expect(exec.argvs).toEqual([]);
    });
  });

  describe('when removing', () => {
    it('removes the whole directory without a command', async () => {
      const { exec, files, driver } = setup([hds, `${dir}/DiskDescriptor.xml`]);
      await expectRight(driver.remove(ploopDisk.location));
      expect(exec.argvs).toEqual([]);
      expect(await expectRight(files.exists(dir))).toBe(false);
    });
    it('removes the directory when a creation fails', async () => {
      const { files, driver } = setup([], qinfo(4 * MiB, 'qcow2'), ok());
      await expectLeft(driver.createFromBase(ploopDisk, base, (8 * MiB) as ByteSize), 'COMMAND_FAILED');
      expect(await expectRight(files.exists(dir))).toBe(false);
    });
  });
});
