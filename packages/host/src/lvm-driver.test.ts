/**
 * LVM at argv level, including the data path this machine cannot run
 * (writing into /dev/<vg>/<lv> needs device-mapper).
 */
import { describe, expect, it } from 'vitest';
import type { BaseImage, ByteSize, DiskImage, HostPath, VolumeName } from '@disk-ledger/domain';
import { LvmDriver } from './lvm-driver.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { MemoryFiles } from './testing/memory-files.js';
import { RecordingExecutor, failed, inOrder, ok, type Answer } from './testing/recording-executor.js';

const MiB = 1024 * 1024;
const disk: DiskImage = { location: { backend: 'lvm', vg: 'vg0' as VolumeName, lv: 'i1_disk' as VolumeName }, format: 'raw' };
const base: BaseImage = { path: '/var/lib/nova/instances/_base/abc' as HostPath, format: 'qcow2' };
const lvs = (size: number) => ok(JSON.stringify({ report: [{ lv: [{ lv_name: 'i1_disk', vg_name: 'vg0', lv_size: String(size) }] }] }));
const missing: Answer = failed(['lvs'], 5, '  Failed to find logical volume "vg0/i1_disk"');
const LVS = ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,vg_name,lv_size', 'vg0/i1_disk'];
const CONF = ['--config', 'global { activation = 0 }'];

const setup = (metadataOnly: boolean, ...answers: Answer[]) => {
  const exec = new RecordingExecutor(inOrder(...answers));
  return { exec, driver: new LvmDriver(exec, new MemoryFiles([base.path]), { metadataOnly }) };
};

describe('LvmDriver', () => {
  describe('when creating', () => {
    it('checks with lvs, then lvcreate with a byte size', async () => {
      const { exec, driver } = setup(false, missing, ok());
      await expectRight(driver.createBlank(disk, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([LVS, ['lvcreate', '-y', '-L', `${8 * MiB}b`, '-n', 'i1_disk', 'vg0']]);
    });
    it('adds the activation = 0 config to every LVM argv when metadata-only', async () => {
      const { exec, driver } = setup(true, missing, ok());
      await expectRight(driver.createBlank(disk, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([
        [LVS[0], ...CONF, ...LVS.slice(1)],
        ['lvcreate', ...CONF, '-y', '-L', `${8 * MiB}b`, '-n', 'i1_disk', 'vg0'],
      ]);
    });
    it('fills from a base: lvcreate at full size, then qemu-img convert -n -f <fmt> -O raw into the LV', async () => {
      const { exec, driver } = setup(false, ok(JSON.stringify({ 'virtual-size': 4 * MiB, format: 'qcow2' })), missing, ok(), ok());
      await expectRight(driver.createFromBase(disk, base, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([
        ['qemu-img', 'info', '-f', 'qcow2', '--output=json', base.path],
        LVS,
        ['lvcreate', '-y', '-L', `${8 * MiB}b`, '-n', 'i1_disk', 'vg0'],
        ['qemu-img', 'convert', '-n', '-f', 'qcow2', '-O', 'raw', base.path, '/dev/vg0/i1_disk'],
      ]);
    });
    it('copies a flat qcow2 disk into a new LV', async () => {
      const src: DiskImage = { location: { backend: 'flat', path: '/var/lib/nova/instances/i0/disk' as HostPath }, format: 'qcow2' };
      const exec = new RecordingExecutor(inOrder(ok(JSON.stringify({ 'virtual-size': 8 * MiB, format: 'qcow2' })), missing, ok(), ok()));
      const driver = new LvmDriver(exec, new MemoryFiles([src.location.backend === 'flat' ? src.location.path : '']), { metadataOnly: false });
      await expectRight(driver.copyFrom(disk, src, (8 * MiB) as ByteSize));
      expect(exec.argvs.at(-1)).toEqual(['qemu-img', 'convert', '-n', '-f', 'qcow2', '-O', 'raw', '/var/lib/nova/instances/i0/disk', '/dev/vg0/i1_disk']);
    });
  });

  describe('when inspecting', () => {
    it('reads lv_size from the lvs JSON report', async () => {
      const { driver } = setup(false, lvs(12 * MiB));
      expect(await expectRight(driver.inspect(disk))).toEqual({ exists: true, virtualSize: 12 * MiB });
    });
    it('reads exit 5 with "Failed to find logical volume" as not existing', async () => {
      const { driver } = setup(false, missing);
      expect(await expectRight(driver.inspect(disk))).toEqual({ exists: false });
    });
    it('reports exit 5 with another message as the failure it is', async () => {
      const { driver } = setup(false, failed(['lvs'], 5, '  Reading VG vg0 failed: locking'));
      await expectLeft(driver.inspect(disk), 'COMMAND_FAILED');
    });
    it('refuses output its codec does not accept', async () => {
      for (const out of ['', '{}', '{"report":[{"lv":[{"lv_name":"i1_disk","vg_name":"vg0","lv_size":"12.5"}]}]}', '{"report":[{"lv":[{"lv_name":"i1_disk","vg_name":"vg0","lv_size":12}]}]}']) {
        const { driver } = setup(false, ok(out));
        await expectLeft(driver.inspect(disk), 'TOOL_OUTPUT_INVALID');
      }
    });
  });

  describe('when resizing and removing', () => {
    it('grows with lvextend to a byte size', async () => {
      const { exec, driver } = setup(false, lvs(4 * MiB), ok());
      await expectRight(driver.resize(disk, (8 * MiB) as ByteSize));
      expect(exec.argvs[1]).toEqual(['lvextend', '-L', `${8 * MiB}b`, 'vg0/i1_disk']);
    });
    it('removes with lvremove -f, and runs only lvs when the LV is absent', async () => {
      const present = setup(false, lvs(4 * MiB), ok());
      await expectRight(present.driver.remove(disk.location));
      expect(present.exec.argvs[1]).toEqual(['lvremove', '-f', 'vg0/i1_disk']);
      const absent = setup(false, missing);
      await expectRight(absent.driver.remove(disk.location));
      expect(absent.exec.argvs).toEqual([LVS]);
    });
  });

  describe('when asked for its allocation unit', () => {
    const VGS = ['vgs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'vg_name,vg_extent_size', 'vg0'];
    const vgs = (extent: string, vg = 'vg0') => ok(JSON.stringify({ report: [{ vg: [{ vg_name: vg, vg_extent_size: extent }] }] }));

    it("reads the group's extent with vgs once, and answers from memory after", async () => {
      const { exec, driver } = setup(false, vgs(String(32 * MiB)));
      expect(await expectRight(driver.allocationUnit(disk.location))).toBe(32 * MiB);
      expect(await expectRight(driver.allocationUnit({ backend: 'lvm', vg: 'vg0' as VolumeName, lv: 'i2_disk' as VolumeName }))).toBe(32 * MiB);
      expect(exec.argvs).toEqual([VGS]);
    });
    it('adds the activation = 0 config when metadata-only', async () => {
      const { exec, driver } = setup(true, vgs(String(4 * MiB)));
      await expectRight(driver.allocationUnit(disk.location));
      expect(exec.argvs).toEqual([[VGS[0], ...CONF, ...VGS.slice(1)]]);
    });
    for (const [what, answer] of [
      ['a report without the group', vgs(String(4 * MiB), 'other')],
      ['an extent that is not whole sectors', vgs('1000')],
      ['a zero extent', vgs('0')],
      ['an extent with a unit', vgs('4.00m')],
      ['output that is not JSON', ok('  Volume group vg0')],
    ] as const) {
      it(`refuses ${what} as invalid output, and asks again next time`, async () => {
        const { exec, driver } = setup(false, answer, vgs(String(4 * MiB)));
        await expectLeft(driver.allocationUnit(disk.location), 'TOOL_OUTPUT_INVALID');
        expect(await expectRight(driver.allocationUnit(disk.location))).toBe(4 * MiB);
        expect(exec.argvs).toEqual([VGS, VGS]);
      });
    }
    it('reports a missing group as the failed command', async () => {
      const { driver } = setup(false, failed(['vgs'], 5, '  Volume group "vg0" not found'));
      await expectLeft(driver.allocationUnit(disk.location), 'COMMAND_FAILED');
    });
    it('refuses a location of another backend before running anything', async () => {
      const { exec, driver } = setup(false);
      await expectLeft(driver.allocationUnit({ backend: 'flat', path: '/x' as HostPath }), 'UNSUPPORTED_OPERATION');
      expect(exec.argvs).toEqual([]);
    });
  });
});
