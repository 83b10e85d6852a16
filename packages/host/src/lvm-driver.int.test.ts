/**
 * The DiskDriver contract for LVM on real lvm2 tools: a volume group on a
 * loop device, changed in metadata only (`activation = 0`), because this
 * machine has no device-mapper. Content cannot flow (there is no
 * /dev/<vg>/<lv>), so the content cases are skipped and the data path is
 * covered at argv level in lvm-driver.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { HostPath, VolumeName } from '@disk-ledger/domain';
import { ExecaCommandExecutor } from './execa-command-executor.js';
import { LvmDriver } from './lvm-driver.js';
import { NodeHostFiles } from './node-host-files.js';
import { describeDiskDriverContract } from './testing/disk-driver-contract.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { RecordingExecutor } from './testing/recording-executor.js';
import { lvmHarness, setUpLvm, writeBase } from './testing/real-host.js';

const fixture = await setUpLvm();

if (fixture === null) {
  describe.skip('LvmDriver on a loop device (needs root, loop devices and lvm2)', () => {
    it('runs the contract', () => undefined);
  });
} else {
  afterAll(() => fixture.teardown());

  describeDiskDriverContract('lvm metadata-only on a loop device', lvmHarness(fixture));

  describe('LvmDriver on a loop device', () => {
    const exec = new RecordingExecutor(new ExecaCommandExecutor());
    const driver = new LvmDriver(exec, new NodeHostFiles(), { metadataOnly: true });
    const lv = (name: string) => ({ location: { backend: 'lvm' as const, vg: fixture.vg, lv: name as VolumeName }, format: 'raw' as const });

    describe('when the data copy fails after lvcreate', () => {
      it('removes the new LV and reports the copy failure', async () => {
        const base = await writeBase(fixture.dir, 'b', 'raw', 4 * 1024 * 1024, new Uint8Array([1, 2, 3]));
        const disk = lv('undo');
        exec.clear();
        await expectLeft(driver.createFromBase(disk, base, (8 * 1024 * 1024) as never), 'COMMAND_FAILED');
        const tools = exec.argvs.map((a) => `${a[0]} ${a[1] ?? ''}`);
        expect(tools).toContain('lvcreate --config');
        expect(tools).toContain('qemu-img convert');
        expect(tools).toContain('lvremove --config');
        expect(await expectRight(driver.inspect(disk))).toEqual({ exists: false });
      });
    });

    it("reads its volume group's extent from real vgs output (vgcreate's default, 4 MiB)", async () => {
      exec.clear();
      expect(await expectRight(driver.allocationUnit(lv('unit').location))).toBe(4 * 1024 * 1024);
      expect(exec.argvs.map((a) => a[0])).toEqual(['vgs']);
    });

    it('reads a 32 MiB extent from real vgs, and lvcreate really allocates whole ones of it', async () => {
      const big = await setUpLvm(32);
      expect(big).not.toBeNull();
      if (big === null) return;
      try {
        const d = new LvmDriver(new ExecaCommandExecutor(), new NodeHostFiles(), { metadataOnly: true });
        const disk = { location: { backend: 'lvm' as const, vg: big.vg, lv: 'odd' as VolumeName }, format: 'raw' as const };
        expect(await expectRight(d.allocationUnit(disk.location))).toBe(32 * 1024 * 1024);
        await expectRight(d.createBlank(disk, (40 * 1024 * 1024) as never));
        expect(await expectRight(d.inspect(disk))).toEqual({ exists: true, virtualSize: 64 * 1024 * 1024 });
      } finally {
        await big.teardown();
      }
    });

    describe('when metadata-only', () => {
      it('passes activation = 0 to every LVM tool', async () => {
        exec.clear();
        const disk = lv('conf');
        await expectRight(driver.createBlank(disk, (4 * 1024 * 1024) as never));
        await expectRight(driver.remove(disk.location));
        const lvm = exec.argvs.filter((a) => a[0].startsWith('lv'));
        expect(lvm.length).toBeGreaterThanOrEqual(4);
        for (const argv of lvm) expect(argv.slice(1, 3)).toEqual(['--config', 'global { activation = 0 }']);
      });
    });

    it('exports nothing when the LV cannot be read, leaving no file', async () => {
      const disk = lv('export');
      await expectRight(driver.createBlank(disk, (4 * 1024 * 1024) as never));
      const dest = `${fixture.dir}/export-fail.raw` as HostPath;
      await expectLeft(driver.exportTo(disk, dest, 'raw'), 'COMMAND_FAILED');
      expect(await expectRight(new NodeHostFiles().exists(dest))).toBe(false);
      await expectRight(driver.remove(disk.location));
    });
  });
}
