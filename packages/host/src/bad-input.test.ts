/**
 * Bad input to every driver, including rbd and ploop whose tools cannot run
 * here: each case is a typed error, with no command run and nothing written.
 */
import { describe, expect, it } from 'vitest';
import { DISK_FORMATS, isAllowedPair, type BaseImage, type ByteSize, type DiskDriver, type DiskImage, type DiskLocation, type HostPath, type VolumeName } from '@disk-ledger/domain';
import { FlatDriver } from './flat-driver.js';
import { LvmDriver } from './lvm-driver.js';
import { PloopDriver } from './ploop-driver.js';
import { Qcow2Driver } from './qcow2-driver.js';
import { RbdDriver } from './rbd-driver.js';
import { BAD_SIZES, badLocations } from './testing/bad-inputs.js';
import { expectLeft } from './testing/expect-result.js';
import { MemoryFiles } from './testing/memory-files.js';
import { RecordingExecutor, RecordingFiles, ok } from './testing/recording-executor.js';

const good: Record<string, DiskImage> = {
  flat: { location: { backend: 'flat', path: '/i/disk' as HostPath }, format: 'raw' },
  qcow2: { location: { backend: 'qcow2', path: '/i/disk' as HostPath }, format: 'qcow2' },
  lvm: { location: { backend: 'lvm', vg: 'vg' as VolumeName, lv: 'lv' as VolumeName }, format: 'raw' },
  rbd: { location: { backend: 'rbd', pool: 'p' as VolumeName, image: 'img' as VolumeName }, format: 'raw' },
  ploop: { location: { backend: 'ploop', path: '/i/disk' as HostPath }, format: 'ploop' },
};
const base: BaseImage = { path: '/b/base' as HostPath, format: 'raw' };
const MiB = (1024 * 1024) as ByteSize;

const makers: [string, (e: RecordingExecutor, f: RecordingFiles) => DiskDriver][] = [
  ['flat', (e, f) => new FlatDriver(e, f)],
  ['qcow2', (e, f) => new Qcow2Driver(e, f)],
  ['lvm', (e, f) => new LvmDriver(e, f, { metadataOnly: false })],
  ['rbd', (e, f) => new RbdDriver(e, f)],
  ['ploop', (e, f) => new PloopDriver(e, f)],
];

describe.each(makers)('%s driver', (name, make) => {
  const exec = new RecordingExecutor(() => ok());
  const files = new RecordingFiles(new MemoryFiles([base.path]));
  const driver = make(exec, files);
  const disk = good[name]!;

  const refused = async (task: Parameters<typeof expectLeft>[0], code: Parameters<typeof expectLeft>[1]) => {
    exec.clear();
    files.clear();
    await expectLeft(task, code);
    expect(exec.argvs).toEqual([]);
    expect(files.writes).toEqual([]);
  };

  describe('when a size is bad', () => {
    it('is INVALID_SIZE for 0, negative, fractional, huge and non-numbers', async () => {
      for (const s of BAD_SIZES as ByteSize[]) {
        await refused(driver.createBlank(disk, s), 'INVALID_SIZE');
        await refused(driver.createFromBase(disk, base, s), 'INVALID_SIZE');
        await refused(driver.copyFrom(disk, good.flat!, s), 'INVALID_SIZE');
        await refused(driver.resize(disk, s), 'INVALID_SIZE');
      }
    });
  });

  describe('when a name is bad', () => {
    it('is INVALID_NAME for "/", "..", NUL, metacharacters and overlong names', async () => {
      for (const location of badLocations(disk.location)) {
        const bad = { ...disk, location };
        await refused(driver.createBlank(bad, MiB), 'INVALID_NAME');
        await refused(driver.createFromBase(bad, base, MiB), 'INVALID_NAME');
        await refused(driver.copyFrom(bad, good.flat!, MiB), 'INVALID_NAME');
        await refused(driver.resize(bad, MiB), 'INVALID_NAME');
        await refused(driver.inspect(bad), 'INVALID_NAME');
        await refused(driver.exportTo(bad, '/e/x' as HostPath, 'raw'), 'INVALID_NAME');
        await refused(driver.remove(location), 'INVALID_NAME');
      }
    });
  });

  describe('when a format or backend is wrong', () => {
    it('is UNSUPPORTED_OPERATION for unknown formats and formats the backend cannot hold', async () => {
      for (const format of ['vmdk', 'qed', 'auto', '', ...DISK_FORMATS.filter((f) => !isAllowedPair(disk.location.backend, f))]) {
        await refused(driver.createBlank({ ...disk, format: format as 'raw' }, MiB), 'UNSUPPORTED_OPERATION');
      }
    });
    it('is UNSUPPORTED_OPERATION for another backend\'s location', async () => {
      const other: DiskLocation = name === 'rbd' ? good.lvm!.location : good.rbd!.location;
      await refused(driver.createBlank({ location: other, format: 'raw' }, MiB), 'UNSUPPORTED_OPERATION');
    });
  });
});
