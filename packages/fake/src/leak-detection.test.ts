import { HOSTILE_KINDS, type HostileKind } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { FakeCluster } from './fake-cluster.js';
import { BASE_DIR, DIR, GiB, fails, failure, fileAt, imageIdOf, ok, pathOf, standardHosts } from './testing/run-command.js';

const disk = `${DIR}/disk`;
const out = `${DIR}/out`;

/** h1 with a raw guest disk into which the guest wrote `kind` pointing at /etc/shadow. */
const plantedDisk = async (kind: HostileKind): Promise<FakeCluster> => {
  const c = new FakeCluster(standardHosts);
  await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
  const w = c.guestWrite('h1', fileAt(disk), 'raw', { kind, target: '/etc/shadow' });
  if (!w.ok) throw new Error(w.message);
  c.setStep('attack');
  return c;
};

/** h1 with an image of `kind` declared as `declared`, downloaded to the base cache. */
const downloadedImage = async (kind: HostileKind, declared: 'qcow2' | 'vmdk' | 'raw'): Promise<{ c: FakeCluster; path: string }> => {
  const c = new FakeCluster(standardHosts);
  c.addImage({ id: 'evil', diskFormat: declared, virtualSize: GiB, content: kind, target: '/etc/shadow' });
  const path = `${BASE_DIR}/evil`;
  const r = await c.imageService('h1').download(imageIdOf('evil'), pathOf(path))();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { c, path };
};

describe('leak detection', () => {
  describe.each(HOSTILE_KINDS)('when a guest wrote %s into its raw disk', (kind) => {
    it('copies the header as data, probing nothing, when the disk is opened with -f raw', async () => {
      const c = await plantedDisk(kind);
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', disk, out]);
      await ok(c, 'h1', ['qemu-img', 'resize', '-f', 'raw', disk, String(2 * GiB)]);
      await ok(c, 'h1', ['qemu-img', 'info', '-f', 'raw', '--output=json', disk]);
      expect(c.probes()).toEqual([]);
      expect(c.leaks()).toEqual([]);
      expect(c.diskAt('h1', fileAt(out))).toMatchObject({ containerFormat: 'raw', secrets: [], plantedHeader: { kind, target: '/etc/shadow' } });
      expect(c.diskAt('h1', fileAt(disk))).toMatchObject({ virtualSize: 2 * GiB });
    });

    it('leaks /etc/shadow into the copy when convert probes the format, and records both', async () => {
      const c = await plantedDisk(kind);
      const argv = ['qemu-img', 'convert', '-O', 'raw', disk, out] as const;
      await ok(c, 'h1', argv);
      expect(c.probes()[0]).toMatchObject({ host: 'h1', step: 'attack', argv, image: disk, detected: kind === 'vmdk-flat-extent' ? 'vmdk' : 'qcow2' });
      expect(c.leaks()).toEqual([
        expect.objectContaining({ host: 'h1', step: 'attack', argv, secret: '/etc/shadow', secretHost: 'h1', into: out, via: kind === 'qcow2-data-file' ? 'data-file' : kind === 'vmdk-flat-extent' ? 'extent' : 'backing' }),
      ]);
      expect(c.diskAt('h1', fileAt(out))?.secrets).toHaveLength(1);
    });

    it('records the probe of qemu-img info, which copies nothing', async () => {
      const c = await plantedDisk(kind);
      const info: unknown = JSON.parse(await ok(c, 'h1', ['qemu-img', 'info', '--output=json', disk]));
      expect(info).toMatchObject({ format: kind === 'vmdk-flat-extent' ? 'vmdk' : 'qcow2' });
      expect(c.probes()).toHaveLength(1);
      expect(c.leaks()).toEqual([]);
    });

    it('shows the secret to a guest whose disk is attached with a probed format', async () => {
      const c = await plantedDisk(kind);
      const fmt = kind === 'vmdk-flat-extent' ? 'vmdk' : 'qcow2';
      const view = c.guestView('h1', fileAt(disk), fmt);
      expect(view.ok && view.view.secrets.length).toBe(1);
      expect(c.leaks()).toEqual([expect.objectContaining({ secret: '/etc/shadow', into: `guest h1:${disk}`, via: 'guest-follow' })]);
      c.guestView('h1', fileAt(disk), fmt);
      expect(c.leaks()).toHaveLength(1);
    });
  });

  describe('when a guest plants a qcow2 header and the disk is resized without -f (CVE-2026-24708)', () => {
    it('records the probe, grows the planted header instead of the disk', async () => {
      const c = await plantedDisk('qcow2-backing-host-file-fmt');
      await ok(c, 'h1', ['qemu-img', 'resize', disk, String(2 * GiB)]);
      expect(c.probes()).toHaveLength(1);
      expect(c.diskAt('h1', fileAt(disk))).toMatchObject({ length: GiB, containerFormat: 'raw' });
      const view = c.guestView('h1', fileAt(disk), 'qcow2');
      expect(view.ok && view.view.virtualSize).toBe(2 * GiB);
    });
  });

  describe('when an image is genuinely qcow2 with a data file or vmdk with a flat extent', () => {
    it.each([
      ['qcow2-data-file', 'qcow2', 'data-file'],
      ['vmdk-flat-extent', 'vmdk', 'extent'],
    ] as const)('%s leaks even when converted with its format named (-f %s)', async (kind, fmt, via) => {
      const { c, path } = await downloadedImage(kind, fmt);
      const argv = ['qemu-img', 'convert', '-f', fmt, '-O', 'raw', path, out] as const;
      await ok(c, 'h1', argv);
      expect(c.probes()).toEqual([]);
      expect(c.leaks()).toEqual([expect.objectContaining({ argv, secret: '/etc/shadow', into: out, via })]);
    });

    it('a qcow2 with a backing file but no backing format probes and leaks even with -f qcow2', async () => {
      const { c, path } = await downloadedImage('qcow2-backing-host-file', 'qcow2');
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', path, out]);
      expect(c.probes()).toEqual([expect.objectContaining({ image: '/etc/shadow', detected: 'raw' })]);
      expect(c.leaks()).toHaveLength(1);
    });

    it('an image declared raw that is really qcow2 is copied safely as raw, header kept', async () => {
      const { c, path } = await downloadedImage('raw-with-qcow2-header', 'raw');
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', path, out]);
      expect(c.leaks()).toEqual([]);
      expect(c.diskAt('h1', fileAt(out))?.plantedHeader).toEqual({ kind: 'raw-with-qcow2-header', target: '/etc/shadow' });
    });
  });

  describe('when reading a backing chain', () => {
    const base = `${BASE_DIR}/base`;

    it('reads the backing file with the format stored in the overlay, without probing', async () => {
      const c = new FakeCluster(standardHosts);
      c.addImage({ id: 'cirros', diskFormat: 'raw', virtualSize: GiB });
      await c.imageService('h1').download(imageIdOf('cirros'), pathOf(base))();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', base, '-F', 'raw', disk, String(GiB)]);
      const w = c.guestWrite('h1', fileAt(disk, 'qcow2'), 'qcow2', { kind: 'benign' });
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', disk, out]);
      expect(c.probes()).toEqual([]);
      expect(c.diskAt('h1', fileAt(out))?.markers).toEqual(['image:cirros', w.ok ? w.marker : ''].sort());
    });

    it('probes the backing file on every read when the overlay stores no backing format', async () => {
      const c = new FakeCluster(standardHosts);
      c.addImage({ id: 'cirros', diskFormat: 'qcow2', virtualSize: GiB });
      await c.imageService('h1').download(imageIdOf('cirros'), pathOf(base))();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', base, disk]);
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', disk, out]);
      await ok(c, 'h1', ['qemu-img', 'resize', '-f', 'qcow2', disk, String(2 * GiB)]);
      expect(c.probes().map((p) => [p.argv?.[1], p.image, p.detected])).toEqual([
        ['create', base, 'qcow2'],
        ['convert', base, 'qcow2'],
        ['resize', base, 'qcow2'],
      ]);
      expect(c.leaks()).toEqual([]);
    });

    it('follows a chain of overlays, each by its stored format', async () => {
      const c = new FakeCluster(standardHosts);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', base, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', base, '-F', 'raw', `${DIR}/mid`, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', `${DIR}/mid`, '-F', 'qcow2', disk, String(GiB)]);
      const marks = [c.guestWrite('h1', fileAt(base), 'raw', { kind: 'benign' }), c.guestWrite('h1', fileAt(`${DIR}/mid`), 'qcow2', { kind: 'benign' })];
      const view = c.guestView('h1', fileAt(disk, 'qcow2'), 'qcow2');
      expect(view.ok && view.view.markers).toEqual(marks.map((m) => (m.ok ? m.marker : '')).sort());
      expect(c.probes()).toEqual([]);
    });

    it('fails like qemu-img when a backing file is missing', async () => {
      const c = new FakeCluster(standardHosts);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', base, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', base, '-F', 'raw', disk, String(GiB)]);
      c.host('h1').fs.remove(base);
      expect(failure(await fails(c, 'h1', ['qemu-img', 'convert', '-f', 'qcow2', '-O', 'raw', disk, out])).stderr).toBe(
        `qemu-img: Could not open '${disk}': Could not open backing file: Could not open '${base}': No such file or directory\n`,
      );
    });

    it('stops a backing loop', async () => {
      const c = await plantedDisk('qcow2-backing-host-file');
      c.guestWrite('h1', fileAt(disk), 'raw', { kind: 'qcow2-backing-host-file', target: disk });
      expect(failure(await fails(c, 'h1', ['qemu-img', 'convert', '-O', 'raw', disk, out])).stderr).toContain('backing chain too deep');
    });
  });

  describe("when a secret is another tenant's logical volume", () => {
    it('plants it in its volume group (made if missing), where a probed backing file reaches it', async () => {
      const c = new FakeCluster({ hosts: [{ name: 'h1', volumeGroups: ['vg0'], secrets: ['/dev/vg0/tenant_b', '/dev/vg9/other'], directories: [DIR] }] });
      expect(c.host('h1').volumeGroups.get('vg9')?.get('other')).toBeDefined();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      c.guestWrite('h1', fileAt(disk), 'raw', { kind: 'qcow2-backing-host-file', target: '/dev/vg0/tenant_b' });
      c.setStep('attack');
      await ok(c, 'h1', ['qemu-img', 'convert', '-O', 'raw', disk, out]);
      expect(c.leaks()).toContainEqual(expect.objectContaining({ secret: '/dev/vg0/tenant_b', host: 'h1', into: out }));
    });
  });
});
