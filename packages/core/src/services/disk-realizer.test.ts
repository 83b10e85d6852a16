import type { Argv, DiskMetadata, HostPath } from '@disk-ledger/domain';
import { imageMarker, InjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { GiB, IMAGES, MiB } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { formatProblems, persistBeforeCreateProblems } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { img, vm } from '../testing/names.js';

const VM = vm('vm1');
const ROOT = { kind: 'image', imageId: img(IMAGES.qcow2), imageFormat: 'qcow2' } as const;

const booted = async (name: OptionsName, image: string = IMAGES.qcow2, root = 2 * GiB): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
  const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(image), flavor: { root, ephemeral: GiB, swap: 0 } })();
  if (E.isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  return f;
};

const writesSince = (f: FakeFleet, mark: number) => f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null || /remove|rm$/.test(c.argv[0] ?? ''));

const ROOT_AT = ['/var/lib/nova/instances/vm1/disk', '/var/lib/nova/instances/vm1/disk/root.hds', 'vg0/vm1_disk', 'pool0/vm1_disk'];

/** Whether an argv writes vm1's root disk, on any backend. */
const writesRoot = (argv: Argv): boolean => {
  const t = writeTargetOf(argv);
  return t !== null && ROOT_AT.includes(t.kind === 'file' ? t.path : t.location);
};

const rootRecord = async (f: FakeFleet): Promise<DiskMetadata> => {
  const meta = (await f.records(VM)).get('root');
  if (meta === undefined || meta === null) throw new Error('no root record');
  return meta;
};

describe('DiskRealizer', () => {
  describe('when it makes disks from templates and a config drive', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`states their size to the driver, so none of them is read before the copy, on ${name}`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
        const mark = f.cluster.commands().length;
        const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: { root: 2 * GiB, ephemeral: GiB, swap: 512 * MiB }, configDrive: true })();
        expect(E.isRight(r)).toBe(true);
        const reads = f.commandsSince(mark).map((c) => c.argv).filter((a) => a[1] === 'info' && /\/_base\/(ephemeral|swap)_|\.build$/.test(a.at(-1) ?? ''));
        expect(reads).toEqual([]);
        expect((await f.records(VM)).size).toBe(4);
      });
    }
  });

  describe('when the host holds another size than the record', () => {
    it('answers DISK_SIZE_MISMATCH for an lvm record whose volume was resized, and changes nothing', async () => {
      const f = await booted('lvm');
      const { location } = await f.location(VM, 'root');
      if (location.backend !== 'lvm') throw new Error('expected an lvm root');
      const vg = f.cluster.host('a').volumeGroups.get(location.vg);
      const lv = vg?.get(location.lv);
      if (vg === undefined || lv === undefined) throw new Error('no volume');
      vg.set(location.lv, { ...lv, length: 3 * GiB });
      const before = await f.records(VM);
      const mark = f.mark();
      const r = await f.host('a').realizer.realize(VM, 'root', await rootRecord(f), ROOT)();
      expect(E.isLeft(r) && r.left.code).toBe('DISK_SIZE_MISMATCH');
      const reboot = await f.lifecycle().hardReboot(VM)();
      expect(E.isLeft(reboot) && reboot.left.code).toBe('DISK_SIZE_MISMATCH');
      expect(writesSince(f, mark)).toEqual([]);
      expect(await f.records(VM)).toEqual(before);
      expect(vg.get(location.lv)?.length).toBe(3 * GiB);
    });
  });

  describe('when the host holds another format than the record', () => {
    it('answers DISK_FORMAT_MISMATCH for a qcow2 record whose file is raw, and changes nothing', async () => {
      const f = await booted('qcow2/default');
      const { location } = await f.location(VM, 'root');
      if (location.backend !== 'qcow2') throw new Error('expected a qcow2 root');
      f.cluster.writeFixture('a', location.path, { format: 'raw', virtualSize: 2 * GiB });
      const mark = f.mark();
      const r = await f.host('a').realizer.check(VM, 'root', await rootRecord(f))();
      expect(E.isLeft(r) && r.left.code).toBe('DISK_FORMAT_MISMATCH');
      expect(writesSince(f, mark)).toEqual([]);
      expect(f.cluster.probes()).toEqual([]);
    });
  });

  describe('when a guest planted a header in a raw disk', () => {
    it('still reads it as raw, with the recorded size and without a probe', async () => {
      const f = await booted('flat/raw');
      const { location } = await f.location(VM, 'root');
      expect(f.cluster.guestWrite('a', location, 'raw', { kind: 'qcow2-backing-host-file', target: '/etc/shadow' }).ok).toBe(true);
      const r = await f.host('a').realizer.check(VM, 'root', await rootRecord(f))();
      expect(r).toEqual(E.right('present'));
      expect(f.cluster.probes()).toEqual([]);
      expect(f.cluster.leaks()).toEqual([]);
    });
  });

  describe('when a size is not a whole number of allocation units', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`records the size ${name} allocates, so later checks agree with the host`, async () => {
        const f = await booted(name, IMAGES.odd, 0);
        const meta = await rootRecord(f);
        // Whole sectors for files and rbd, whole KiB for ploop, whole 4 MiB extents for the fake's volume group.
        expect(meta.size).toBe(meta.backend === 'lvm' ? 12 * MiB : meta.backend === 'ploop' ? 10 * MiB + 1024 : 10 * MiB + 512);
        expect(await f.violations()).toEqual([]);
        const again = await f.lifecycle().hardReboot(VM)();
        expect(E.isRight(again)).toBe(true);
      });
    }
    it('accepts an lvm volume rounded up to whole extents for a record that names the size asked for', async () => {
      const f = await booted('lvm');
      const asked = 2 * GiB - 1024 * 1024;
      const r = await f.host('a').realizer.check(VM, 'root', { ...(await rootRecord(f)), size: asked })();
      expect(r).toEqual(E.right('present'));
    });
  });

  describe('when the volume group has extents other than 4 MiB', () => {
    const bigExtents = (): FakeFleet => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      f.cluster.addVolumeGroup('a', { name: 'vg32', extentSize: 32 * MiB });
      f.reconfigure('a', { ...OPTIONS.lvm, imagesVolumeGroup: 'vg32' });
      return f;
    };

    it('records the sizes the group allocates, read from the host once, so checks and reboots agree with it', async () => {
      const f = bigExtents();
      const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.odd), flavor: { root: 0, ephemeral: 100 * MiB, swap: 40 * MiB } })();
      expect(E.isRight(r)).toBe(true);
      const records = await f.records(VM);
      expect([...records].map(([d, m]) => [d, m?.size])).toEqual([['root', 32 * MiB], ['ephemeral0', 128 * MiB], ['swap', 64 * MiB]]);
      expect(f.commandsSince(0).filter((c) => c.argv[0] === 'vgs')).toHaveLength(1);
      expect(await f.violations()).toEqual([]);
      expect(E.isRight(await f.lifecycle().hardReboot(VM)())).toBe(true);
    });

    it('grows a disk resized on its own host to whole extents, and records that size', async () => {
      const f = bigExtents();
      expect(E.isRight(await f.lifecycle().spawn({ instance: VM, host: 'a', image: null, flavor: { root: 0, ephemeral: 0, swap: 32 * MiB } })())).toBe(true);
      const r = await f.lifecycle().move(VM, 'a', 'resize', { root: 0, ephemeral: 0, swap: 40 * MiB })();
      expect(E.isRight(r)).toBe(true);
      expect((await f.records(VM)).get('swap')?.size).toBe(64 * MiB);
      expect(await f.violations()).toEqual([]);
    });

    it('converts a file disk into whole extents', async () => {
      const f = bigExtents();
      f.reconfigure('a', OPTIONS['flat/raw']);
      expect(E.isRight(await f.lifecycle().spawn({ instance: VM, host: 'a', image: null, flavor: { root: 0, ephemeral: 0, swap: 40 * MiB } })())).toBe(true);
      f.reconfigure('a', { ...OPTIONS.lvm, imagesVolumeGroup: 'vg32' });
      const r = await f.lifecycle().convert(VM, 'swap', 'lvm', 'raw')();
      expect(E.isRight(r)).toBe(true);
      expect((await f.records(VM)).get('swap')).toMatchObject({ backend: 'lvm', size: 64 * MiB });
      expect(await f.violations()).toEqual([]);
    });
  });

  describe('when it makes a new volume', () => {
    for (const [name, lookup] of [['lvm', 'lvs'], ['rbd/shared', 'rbd']] as const) {
      it(`looks the ${name} volume up once before creating it, not once per step`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
        const mark = f.cluster.commands().length;
        const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.raw), flavor: { root: 2 * GiB, ephemeral: 0, swap: 0 } })();
        expect(E.isRight(r)).toBe(true);
        const ran = f.commandsSince(mark).map((c) => c.argv);
        const made = ran.findIndex((a) => a[0] === 'lvcreate' || (a[0] === 'rbd' && a[1] === 'import'));
        const before = ran.slice(0, made).filter((a) => a[0] === lookup && a.some((x) => x.endsWith('vm1_disk')));
        expect(made).toBeGreaterThan(0);
        expect(before).toHaveLength(1);
        expect(await f.violations()).toEqual([]);
      });
    }
  });

  describe('when a crash left a creating record and part of its disk', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`removes the leftovers and makes the disk again, on ${name}`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
        // The first command that writes the root disk runs, then the process dies.
        f.cluster.injectFault({ match: writesRoot, effect: 'crash-after' });
        const spawn = f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.raw), flavor: { root: 2 * GiB, ephemeral: 0, swap: 0 } });
        await expect(spawn()).rejects.toBeInstanceOf(InjectedCrash);
        expect((await rootRecord(f)).state).toBe('creating');
        const r = await f.lifecycle().hardReboot(VM)();
        expect(E.isRight(r)).toBe(true);
        expect((await rootRecord(f)).state).toBe('ready');
        expect(persistBeforeCreateProblems(f)).toEqual([]);
        expect(formatProblems(f.cluster.commands())).toEqual([]);
        expect(await f.violations()).toEqual([]);
      });
    }
  });

  describe('when building a template', () => {
    it('builds it once and shares it between instances', async () => {
      const f = await booted('qcow2/default');
      const other = await f.lifecycle().spawn({ instance: vm('vm2'), host: 'a', image: img(IMAGES.qcow2), flavor: { root: 2 * GiB, ephemeral: GiB, swap: 0 } })();
      expect(E.isRight(other)).toBe(true);
      expect(f.cluster.commands().filter((c) => c.argv[0] === 'mkfs')).toHaveLength(1);
      expect(await f.violations()).toEqual([]);
    });
    it('rebuilds a template whose build a crash cut short, leaving no part file', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      f.cluster.injectFault({ match: (argv) => argv[0] === 'mkfs', effect: 'crash-after' });
      const spawn = f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.raw), flavor: { root: 2 * GiB, ephemeral: GiB, swap: 0 } });
      await expect(spawn()).rejects.toBeInstanceOf(InjectedCrash);
      const part = f.cluster.disks().filter((d) => d.address.kind === 'file' && d.address.path.endsWith('.part'));
      expect(part).toHaveLength(1);
      const r = await f.lifecycle().hardReboot(VM)();
      expect(E.isRight(r)).toBe(true);
      expect(f.cluster.commands().filter((c) => c.argv[0] === 'mkfs')).toHaveLength(2);
      expect(await f.violations()).toEqual([]);
      expect(await f.host('a').files.exists('/var/lib/nova/instances/_base/ephemeral_1073741824_ext4_ephemeral0' as HostPath)()).toEqual(E.right(true));
    });
  });

  describe('when a crash interrupts the re-creation of a lost disk', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`leaves a creating record, and the next call makes the whole disk from its source, on ${name}`, async () => {
        const f = await booted(name);
        await f.lose(VM, 'root');
        f.cluster.injectFault({ match: writesRoot, effect: 'crash-after' });
        await expect(f.lifecycle().hardReboot(VM)()).rejects.toBeInstanceOf(InjectedCrash);
        expect((await rootRecord(f)).state).toBe('creating');
        expect(E.isRight(await f.lifecycle().hardReboot(VM)())).toBe(true);
        const { host, location, meta } = await f.location(VM, 'root');
        const view = f.cluster.guestView(host, location, meta.format);
        expect(view.ok && view.view.markers).toContain(imageMarker(IMAGES.qcow2));
        expect(await f.violations()).toEqual([]);
      });
    }
  });
});
