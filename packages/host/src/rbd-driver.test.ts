/**
 * RBD at argv level: the `rbd` tool cannot run here, so a scripted executor
 * answers and the test checks the exact argvs of docs/commands.md.
 */
import { describe, expect, it } from 'vitest';
import type { BaseImage, ByteSize, DiskImage, HostPath, VolumeName } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { HostDiskDrivers } from './drivers.js';
import { DEFAULT_RBD_CLIENT, rbdClient, type RbdClient } from './qemu-path.js';
import { RbdDriver } from './rbd-driver.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { formatViolations } from './testing/argv-checks.js';
import { MemoryFiles } from './testing/memory-files.js';
import { RecordingExecutor, failed, inOrder, ok, type Answer } from './testing/recording-executor.js';

const MiB = 1024 * 1024;
const disk: DiskImage = { location: { backend: 'rbd', pool: 'vms' as VolumeName, image: 'i1_disk' as VolumeName }, format: 'raw' };
const info = (size: number) => ok(JSON.stringify({ name: 'i1_disk', size, objects: 2, order: 22, format: 2 }));
const missing: Answer = failed(['rbd'], 2, "rbd: error opening image i1_disk: (2) No such file or directory");
const qinfo = (size: number, format: string) => ok(JSON.stringify({ 'virtual-size': size, format, filename: 'x' }));
const rawBase: BaseImage = { path: '/var/lib/nova/instances/_base/abc' as HostPath, format: 'raw' };
const qcowBase: BaseImage = { path: '/var/lib/nova/instances/_base/def' as HostPath, format: 'qcow2' };

const setup = (...answers: Answer[]) => {
  const exec = new RecordingExecutor(inOrder(...answers));
  const driver = new RbdDriver(exec, new MemoryFiles([rawBase.path, qcowBase.path]));
  return { exec, driver };
};

describe('RbdDriver', () => {
  describe('when creating a blank disk', () => {
    it('checks the image is absent, then runs rbd create with a byte size', async () => {
      const { exec, driver } = setup(missing, ok());
      await expectRight(driver.createBlank(disk, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([
        ['rbd', 'info', '--format', 'json', 'vms/i1_disk'],
        ['rbd', 'create', '--size', `${8 * MiB}B`, 'vms/i1_disk'],
      ]);
    });
    it('refuses an existing image with DISK_EXISTS', async () => {
      const { exec, driver } = setup(info(MiB));
      await expectLeft(driver.createBlank(disk, (8 * MiB) as ByteSize), 'DISK_EXISTS');
      expect(exec.argvs).toHaveLength(1);
    });
  });

  describe('when creating from a base', () => {
    it('imports a raw base with rbd import and grows it', async () => {
      const { exec, driver } = setup(qinfo(4 * MiB, 'raw'), missing, ok(), ok());
      await expectRight(driver.createFromBase(disk, rawBase, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([
        ['qemu-img', 'info', '-f', 'raw', '--output=json', rawBase.path],
        ['rbd', 'info', '--format', 'json', 'vms/i1_disk'],
        ['rbd', 'import', '--image-format', '2', rawBase.path, 'vms/i1_disk'],
        ['rbd', 'resize', '--size', `${8 * MiB}B`, 'vms/i1_disk'],
      ]);
    });
    it('converts a qcow2 base into rbd: with both formats named, and does not grow a base of the right size', async () => {
      const { exec, driver } = setup(qinfo(8 * MiB, 'qcow2'), missing, ok());
      await expectRight(driver.createFromBase(disk, qcowBase, (8 * MiB) as ByteSize));
      expect(exec.argvs.at(-1)).toEqual(['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', qcowBase.path, 'rbd:vms/i1_disk']);
      expect(exec.argvs).toHaveLength(3);
      expect(formatViolations(exec.argvs)).toEqual([]);
    });
    it('removes a half-made image when the import fails, and reports the import failure', async () => {
      const { exec, driver } = setup(qinfo(4 * MiB, 'raw'), missing, failed(['rbd'], 1, 'import failed'), info(MiB), ok());
      const e = await expectLeft(driver.createFromBase(disk, rawBase, (8 * MiB) as ByteSize), 'COMMAND_FAILED');
      expect(e).toMatchObject({ stderr: 'import failed' });
      expect(exec.argvs.slice(-2)).toEqual([
        ['rbd', 'info', '--format', 'json', 'vms/i1_disk'],
        ['rbd', 'rm', 'vms/i1_disk'],
      ]);
    });
  });

  describe('when copying', () => {
    it('imports a raw LV directly (a local block device)', async () => {
      const { exec, driver } = setup(qinfo(8 * MiB, 'raw'), missing, ok());
      const lv: DiskImage = { location: { backend: 'lvm', vg: 'vg0' as VolumeName, lv: 'i1_disk' as VolumeName }, format: 'raw' };
      await expectRight(driver.copyFrom(disk, lv, (8 * MiB) as ByteSize));
      expect(exec.argvs).toEqual([
        ['qemu-img', 'info', '-f', 'raw', '--output=json', '/dev/vg0/i1_disk'],
        ['rbd', 'info', '--format', 'json', 'vms/i1_disk'],
        ['rbd', 'import', '--image-format', '2', '/dev/vg0/i1_disk', 'vms/i1_disk'],
      ]);
    });
    it('copies another RBD image through qemu-img convert', async () => {
      const { exec, driver } = setup(qinfo(8 * MiB, 'raw'), missing, ok());
      const src: DiskImage = { location: { backend: 'rbd', pool: 'vms' as VolumeName, image: 'i0_disk' as VolumeName }, format: 'raw' };
      await expectRight(driver.copyFrom(disk, src, (8 * MiB) as ByteSize));
      expect(exec.argvs.at(-1)).toEqual(['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', 'rbd:vms/i0_disk', 'rbd:vms/i1_disk']);
    });
  });

  describe('when resizing', () => {
    it('reads the size with rbd info and grows with rbd resize', async () => {
      const { exec, driver } = setup(info(4 * MiB), ok());
      await expectRight(driver.resize(disk, (8 * MiB) as ByteSize));
      expect(exec.argvs[1]).toEqual(['rbd', 'resize', '--size', `${8 * MiB}B`, 'vms/i1_disk']);
    });
    it('refuses to shrink after reading the size, running nothing else', async () => {
      const { exec, driver } = setup(info(8 * MiB));
      await expectLeft(driver.resize(disk, (4 * MiB) as ByteSize), 'UNSUPPORTED_OPERATION');
      expect(exec.argvs).toHaveLength(1);
    });
  });

  describe('when inspecting', () => {
    it('reads size from rbd info', async () => {
      const { driver } = setup(info(3 * MiB));
      expect(await expectRight(driver.inspect(disk))).toEqual({ exists: true, virtualSize: 3 * MiB });
    });
    it('reads a missing image (exit 2, ENOENT) as not existing', async () => {
      const { driver } = setup(missing);
      expect(await expectRight(driver.inspect(disk))).toEqual({ exists: false });
    });
    it("reads a missing pool (exit 2, rbd's \"error opening pool\") as not existing", async () => {
      const { driver } = setup(failed(['rbd'], 2, "rbd: error opening pool 'vms': (2) No such file or directory"));
      expect(await expectRight(driver.inspect(disk))).toEqual({ exists: false });
    });
    it('reports exit 2 from a client that cannot read its ceph.conf as a failure, not as a missing image (real rbd 16.2)', async () => {
      // What rbd prints with CEPH_CONF naming a missing file, or with no ceph.conf anywhere.
      const noConf = failed(
        ['rbd'],
        2,
        'did not load config file, using default settings.\n2026-11-26T16:14:16.452+0000 7f1c824aa380 -1 Errors while parsing config file!\n\n' +
          '2026-11-26T16:14:16.452+0000 7f1c824aa380 -1 can\'t open /etc/ceph/ceph.conf: (2) No such file or directory\n',
      );
      const inspected = setup(noConf);
      await expectLeft(inspected.driver.inspect(disk), 'COMMAND_FAILED');
      const removed = setup(noConf);
      await expectLeft(removed.driver.remove(disk.location), 'COMMAND_FAILED');
      expect(removed.exec.argvs).toHaveLength(1);
      const created = setup(noConf);
      await expectLeft(created.driver.createBlank(disk, (8 * MiB) as ByteSize), 'COMMAND_FAILED');
      expect(created.exec.argvs).toHaveLength(1);
    });
    it('reports other rbd failures as they are', async () => {
      const { driver } = setup(failed(['rbd'], 13, 'rbd: error opening pool: (13) Permission denied'));
      await expectLeft(driver.inspect(disk), 'COMMAND_FAILED');
    });
    it('refuses output its codec does not accept', async () => {
      for (const out of ['not json', '{"name":"i1_disk"}', '{"name":"i1_disk","size":"1"}', '{"name":"other","size":1}', '{"name":"i1_disk","size":1.5}']) {
        const { driver } = setup(ok(out));
        await expectLeft(driver.inspect(disk), 'TOOL_OUTPUT_INVALID');
      }
    });
  });

  describe('when removing and exporting', () => {
    it('removes an image with rbd rm, and only checks when it is absent', async () => {
      const present = setup(info(MiB), ok());
      await expectRight(present.driver.remove(disk.location));
      expect(present.exec.argvs[1]).toEqual(['rbd', 'rm', 'vms/i1_disk']);
      const absent = setup(missing);
      await expectRight(absent.driver.remove(disk.location));
      expect(absent.exec.argvs).toHaveLength(1);
    });
    it('exports through qemu-img convert naming both formats', async () => {
      const { exec, driver } = setup(info(MiB), ok());
      await expectRight(driver.exportTo(disk, '/tmp/snap.qcow2' as HostPath, 'qcow2'));
      expect(exec.argvs[1]).toEqual(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', 'rbd:vms/i1_disk', '/tmp/snap.qcow2']);
    });
  });

  describe('with a client of its own (nova\'s rbd_user and images_rbd_ceph_conf)', () => {
    it('refuses to be made with a client no check made, before any argv could carry it', () => {
      const files = new MemoryFiles([]);
      const exec = new RecordingExecutor(inOrder());
      for (const forged of [{ user: 'admin:log_file=/tmp/x', cephConf: null }, { user: null, cephConf: '/etc/c@x/ceph.conf' }, { user: 42, cephConf: null }]) {
        expect(() => new RbdDriver(exec, files, forged as unknown as RbdClient), JSON.stringify(forged)).toThrow(TypeError);
        expect(() => new HostDiskDrivers(exec, files, { backends: ['flat'], rbd: forged as unknown as RbdClient }), JSON.stringify(forged)).toThrow(/rbd client: invalid/);
      }
      expect(exec.argvs).toEqual([]);
    });

    const client = E.getOrElseW(() => { throw new Error('not a client'); })(rbdClient({ user: 'nova', cephConf: '/etc/ceph/nova.conf' }));
    const withClient = (...answers: Answer[]) => {
      const exec = new RecordingExecutor(inOrder(...answers));
      return { exec, driver: new RbdDriver(exec, new MemoryFiles([rawBase.path, qcowBase.path]), client) };
    };

    it('names the client in every rbd argv, as global options, and in every qemu rbd: address', async () => {
      const { exec, driver } = withClient(qinfo(8 * MiB, 'qcow2'), missing, ok(), info(8 * MiB), ok(), info(8 * MiB), ok());
      await expectRight(driver.createFromBase(disk, qcowBase, (8 * MiB) as ByteSize));
      await expectRight(driver.exportTo(disk, '/tmp/out.raw' as HostPath, 'raw'));
      await expectRight(driver.remove(disk.location));
      const who = ['--id', 'nova', '--conf', '/etc/ceph/nova.conf'];
      expect(exec.argvs).toEqual([
        ['qemu-img', 'info', '-f', 'qcow2', '--output=json', qcowBase.path],
        ['rbd', ...who, 'info', '--format', 'json', 'vms/i1_disk'],
        ['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', qcowBase.path, 'rbd:vms/i1_disk:id=nova:conf=/etc/ceph/nova.conf'],
        ['rbd', ...who, 'info', '--format', 'json', 'vms/i1_disk'],
        ['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', 'rbd:vms/i1_disk:id=nova:conf=/etc/ceph/nova.conf', '/tmp/out.raw'],
        ['rbd', ...who, 'info', '--format', 'json', 'vms/i1_disk'],
        ['rbd', ...who, 'rm', 'vms/i1_disk'],
      ]);
      expect(formatViolations(exec.argvs)).toEqual([]);
    });

    it('reads nova\'s options: empty is the default, a client id must be a plain name, the file a checked path', () => {
      expect(rbdClient({ user: '', cephConf: '' })).toEqual(E.right(DEFAULT_RBD_CLIENT));
      expect(rbdClient({ user: 'cinder.nova-1' })).toEqual(E.right({ user: 'cinder.nova-1', cephConf: null }));
      for (const user of ['a:conf=/etc/shadow', 'a=b', '-x', 'a b', 'x'.repeat(65)]) {
        const r = rbdClient({ user });
        expect(E.isLeft(r) && [r.left.code, r.left.path], user).toEqual(['INVALID_NAME', 'rbd_user']);
      }
      for (const cephConf of ['ceph.conf', '/etc/ceph/../shadow', '/etc/ceph/a:b', '/etc/ceph/c@x/ceph.conf']) {
        const r = rbdClient({ cephConf });
        expect(E.isLeft(r) && [r.left.code, r.left.path], cephConf).toEqual(['INVALID_NAME', 'images_rbd_ceph_conf']);
      }
    });
  });
});
