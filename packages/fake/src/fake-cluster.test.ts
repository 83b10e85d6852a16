import { describe, expect, it } from 'vitest';
import { FakeCluster } from './fake-cluster.js';
import { DIR, GiB, fileAt, lvAt, ok, pathOf, rbdAt, standardHosts } from './testing/run-command.js';

const disk = `${DIR}/disk`;

describe('FakeCluster', () => {
  describe('when listing disks', () => {
    it('lists image files, logical volumes and RBD images with format, size, location and markers', async () => {
      const c = new FakeCluster(standardHosts);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', disk, String(GiB)]);
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'vm1_eph0', 'vg0']);
      await ok(c, 'h2', ['rbd', 'create', '--size', `${GiB}B`, 'pool0/vm1_swap']);
      await c.files('h1').writeTextAtomic(pathOf(`${DIR}/disk.info`), '{}')();
      const w = c.guestWrite('h1', fileAt(disk, 'qcow2'), 'qcow2', { kind: 'benign' });
      const summary = c.disks().map((d) => [d.host, d.location, d.containerFormat, d.virtualSize, d.markers]);
      expect(summary).toEqual([
        ['h1', disk, 'qcow2', GiB, [w.ok ? w.marker : '']],
        ['h1', 'vg0/vm1_eph0', 'raw', GiB, []],
        [null, 'pool0/vm1_swap', 'raw', GiB, []],
      ]);
    });

    it('shows the planted header of a raw disk without calling it qcow2, and reads nothing into the logs', async () => {
      const c = new FakeCluster(standardHosts);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      c.guestWrite('h1', fileAt(disk), 'raw', { kind: 'qcow2-backing-host-file', target: '/etc/shadow' });
      expect(c.diskAt('h1', fileAt(disk))).toMatchObject({ containerFormat: 'raw', backing: null, secrets: [], plantedHeader: { kind: 'qcow2-backing-host-file', target: '/etc/shadow' } });
      expect([c.probes(), c.leaks()]).toEqual([[], []]);
    });
  });

  describe('when a guest writes through a container', () => {
    it('puts a planted header in the qcow2 clusters, where -f qcow2 readers keep it as data', async () => {
      const c = new FakeCluster(standardHosts);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', disk, String(GiB)]);
      c.guestWrite('h1', fileAt(disk, 'qcow2'), 'qcow2', { kind: 'qcow2-data-file', target: '/etc/shadow' });
      expect(c.diskAt('h1', fileAt(disk, 'qcow2'))).toMatchObject({ containerFormat: 'qcow2', dataFile: null, plantedHeader: { kind: 'qcow2-data-file' } });
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', disk, `${DIR}/flat`]);
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', `${DIR}/flat`, `${DIR}/again`]);
      expect(c.leaks()).toEqual([]);
      expect(c.diskAt('h1', fileAt(`${DIR}/again`))?.plantedHeader).toEqual({ kind: 'qcow2-data-file', target: '/etc/shadow' });
    });

    it('refuses a write or a view through a format the bytes do not have', async () => {
      const c = new FakeCluster(standardHosts);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      expect(c.guestWrite('h1', fileAt(disk), 'qcow2', { kind: 'benign' })).toMatchObject({ ok: false });
      expect(c.guestView('h1', fileAt(disk), 'qcow2')).toEqual({ ok: false, message: `Could not open '${disk}': Image is not in qcow2 format` });
      expect(c.guestView('h1', fileAt(`${DIR}/none`), 'raw')).toMatchObject({ ok: false });
    });

    it('writes into LVs and RBD images', async () => {
      const c = new FakeCluster(standardHosts);
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'lv', 'vg0']);
      await ok(c, 'h1', ['rbd', 'create', '--size', `${GiB}B`, 'pool0/img']);
      const a = c.guestWrite('h1', lvAt('vg0', 'lv'), 'raw', { kind: 'benign' });
      const b = c.guestWrite('h2', rbdAt('pool0', 'img'), 'raw', { kind: 'benign' });
      expect(c.diskAt('h1', lvAt('vg0', 'lv'))?.markers).toEqual([a.ok ? a.marker : '']);
      expect(c.diskAt('h1', rbdAt('pool0', 'img'))?.markers).toEqual([b.ok ? b.marker : '']);
    });
  });

  describe('when set up', () => {
    it('plants secrets with unique markers and lists them', () => {
      const c = new FakeCluster(standardHosts);
      const m = c.plantSecret('h2', '/root/.ssh/id_rsa');
      expect(c.secrets().map((s) => [s.host, s.path])).toEqual([
        ['h1', '/etc/shadow'],
        ['h2', '/root/.ssh/id_rsa'],
      ]);
      expect(m).toMatch(/^SECRET:h2:\/root\/\.ssh\/id_rsa:[0-9]+$/);
    });

    it('fails loudly on a duplicate host, an unknown host and a hostile image without a target', () => {
      const c = new FakeCluster(standardHosts);
      expect(() => c.addHost({ name: 'h1' })).toThrow(/already exists/);
      expect(() => c.executor('h9')).toThrow(/no host/);
      expect(() => c.addImage({ id: 'x', diskFormat: 'raw', virtualSize: GiB, content: 'vmdk-flat-extent' })).toThrow(/needs a target/);
      expect(() => c.addImage({ id: '../x', diskFormat: 'raw', virtualSize: GiB })).toThrow(/invalid image id/);
    });
  });
});
