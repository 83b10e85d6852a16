import { imageId, type DiskFormat, type DiskLocation, type DiskMetadata, type HostPath, type ImageId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it, vi } from 'vitest';
import { GiB, IMAGES, MiB, SECRET } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { seedLegacy, type LegacySeed } from '../composition/testing/legacy.js';
import { sees } from '../composition/testing/markers.js';
import { formatProblems, outcome } from '../composition/testing/observe.js';
import { OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { vm } from '../testing/names.js';
import { classicEntryName } from './backing-chain.js';

const VM = vm('old1');
const INSTANCES = '/var/lib/nova/instances';

const imageIdOf = (s: string): ImageId => E.getOrElseW(() => { throw new Error(`not an image id: ${s}`); })(imageId(s));

/** A host's backend for new disks, and the format the classic driver gave them there. */
const CASES: readonly (readonly [OptionsName, string, DiskFormat])[] = [
  ['flat/raw', 'flat', 'raw'],
  ['qcow2/default', 'qcow2', 'qcow2'],
  ['lvm', 'lvm', 'raw'],
  ['rbd/shared', 'rbd', 'raw'],
  ['ploop', 'ploop', 'ploop'],
];

const legacyFleet = async (name: OptionsName, seed: Partial<LegacySeed> = {}): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
  const format = CASES.find(([n]) => n === name)?.[2] ?? 'raw';
  await seedLegacy(f, {
    instance: VM,
    host: 'a',
    disks: [
      { disk: 'root', format, size: 2 * GiB },
      // Older instances name their first ephemeral disk.local; disk.info tells (file backends only).
      { disk: 'ephemeral0', format, size: GiB, ...(name === 'lvm' || name.startsWith('rbd') ? {} : { file: 'disk.local' }) },
      { disk: 'swap', format, size: 512 * MiB },
    ],
    ...seed,
  });
  return f;
};

/** A legacy qcow2 root that is an overlay of the cache entry of `baseOf`, on an instance whose image_ref is `imageRef`. */
const overlayFleet = async (baseOf: string, imageRef: string | null): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'] }] });
  await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB, base: classicEntryName(baseOf) }], imageRef });
  return f;
};

/** A legacy flat raw root (no base) on an instance booted from cirros. */
const overlayFleetFlat = async (): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
  await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }], imageRef: 'cirros', diskInfo: 'absent' });
  return f;
};

describe('LegacyAdoption', () => {
  describe("when a legacy root is an overlay of the base-image cache", () => {
    it("looks for its own image's entry in the directory nova's [image_cache] subdirectory_name names, and only there", async () => {
      for (const [sub, outcome] of [['_images', 'qcow2/cirros'], ['_base', 'LEGACY_BACKING_REFUSED']] as const) {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'], imageCacheSubdirectory: '_images' }] });
        await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB, base: classicEntryName('cirros') }], imageRef: 'cirros' });
        // The host as the library is told it is: with the setting, or (wrongly) without.
        f.reconfigure('a', OPTIONS['qcow2/default'], sub);
        const r = await f.host('a').adoption.ensure(VM, 'root')();
        expect(E.isRight(r) ? `${r.right.format}/${r.right.imageId ?? ''}` : r.left.code, String(sub)).toBe(outcome);
      }
    });

    it("checks a root recorded before records named images against nova's image_ref at each read", async () => {
      for (const [ref, expected] of [['cirros', 'present'], ['private', 'LEGACY_BACKING_REFUSED']] as const) {
        const f = await overlayFleet('cirros', ref);
        const meta: DiskMetadata = { backend: 'qcow2', format: 'qcow2', size: 2 * GiB, location: null, imageId: null, imageFormat: null, provenance: 'derived', state: 'ready' };
        const r = await f.host('a').realizer.check(VM, 'root', meta)();
        expect(E.isRight(r) ? r.right : r.left.code, ref).toBe(expected);
      }
    });

    it("follows it to its own image's entry, and names that image in the record", async () => {
      const f = await overlayFleet('cirros', 'cirros');
      const r = await f.host('a').adoption.ensure(VM, 'root')();
      expect(E.isRight(r) && [r.right.backend, r.right.format, r.right.imageId, r.right.imageFormat, r.right.provenance]).toEqual(['qcow2', 'qcow2', 'cirros', null, 'derived']);
      expect(f.cluster.probes()).toEqual([]);
      expect(await f.violations()).toEqual([]);
    });

    for (const [what, imageRef, pattern] of [
      ["another image's entry", 'cirros', /not the cache entry of its image "cirros"/],
      ['any entry, when the instance names no image', null, /no image is known for the instance/],
      ['any entry, when image_ref is not an image id (a link)', 'http://glance:9292/v2/images/private', /image_ref "http:\/\/glance.*" is not an image id/],
    ] as const) {
      it(`refuses ${what}, writing nothing`, async () => {
        const f = await overlayFleet('private', imageRef);
        const r = await f.host('a').adoption.ensure(VM, 'root')();
        expect(E.isLeft(r) && r.left.code).toBe('LEGACY_BACKING_REFUSED');
        expect(E.isLeft(r) && r.left.message).toMatch(pattern);
        expect(f.repository.events).toEqual([]);
        expect(f.cluster.probes()).toEqual([]);
      });
    }

    it('refuses its own entry when that entry, opened as the qcow2 the overlay names, names a backing file itself', async () => {
      const outcomes: string[] = [];
      for (const planted of [false, true]) {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'] }] });
        const base = classicEntryName('cirros');
        await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB, base, baseFormat: 'qcow2' }], imageRef: 'cirros' });
        // Someone with write access to the cache rewrote the entry as a qcow2 whose backing file is a host secret.
        const entry: DiskLocation = { backend: 'flat', path: `${INSTANCES}/_base/${base}` as HostPath };
        if (planted) expect(f.cluster.guestWrite('a', entry, 'raw', { kind: 'qcow2-backing-host-file-fmt', target: SECRET }).ok).toBe(true);
        const r = await f.host('a').adoption.ensure(VM, 'root')();
        outcomes.push(E.isRight(r) ? `${r.right.format}/${r.right.imageId ?? ''}` : r.left.code);
        if (planted) expect(f.repository.events).toEqual([]);
        expect(f.cluster.leaks()).toEqual([]);
        expect(f.cluster.probes()).toEqual([]);
      }
      expect(outcomes).toEqual(['qcow2/cirros', 'LEGACY_BACKING_REFUSED']);
    });

    it('takes the image an operator states for it (an unshelved root is made from the shelved snapshot), and only for a root', async () => {
      const f = await overlayFleet('vm-shelved', 'cirros');
      expect(E.isLeft(await f.host('a').adoption.ensure(VM, 'root')())).toBe(true);
      const layout = { backend: 'qcow2', format: 'qcow2', location: null } as const;
      const wrong = await f.host('a').adoption.supply(VM, 'root', layout)();
      expect(E.isLeft(wrong) && wrong.left.code).toBe('LEGACY_BACKING_REFUSED');
      const swap = await f.host('a').adoption.supply(VM, 'swap', { ...layout, imageId: imageIdOf('vm-shelved') })();
      expect(E.isLeft(swap) && [swap.left.code, swap.left.path]).toEqual(['OPTIONS_INCONSISTENT', 'imageId']);
      const r = await f.host('a').adoption.supply(VM, 'root', { ...layout, imageId: imageIdOf('vm-shelved') })();
      expect(E.isRight(r) && [r.right.provenance, r.right.imageId]).toEqual(['operator', 'vm-shelved']);
      // A disk that is no overlay has no base to check a stated image against.
      const flat = await overlayFleetFlat();
      const noBase = await flat.host('a').adoption.supply(VM, 'root', { backend: 'flat', format: 'raw', location: null, imageId: imageIdOf('cirros') })();
      expect(E.isLeft(noBase) && [noBase.left.code, noBase.left.path]).toEqual(['OPTIONS_INCONSISTENT', 'imageId']);
      expect(flat.repository.events).toEqual([]);
      // Read again before use: the record's image still decides.
      const meta = E.getOrElseW(() => { throw new Error('no record'); })(r);
      const present = await f.host('a').realizer.check(VM, 'root', meta)();
      expect(E.isRight(present) && present.right).toBe('present');
      const other = await f.host('a').realizer.check(VM, 'root', { ...meta, imageId: 'cirros' })();
      expect(E.isLeft(other) && other.left.code).toBe('LEGACY_BACKING_REFUSED');
    });
  });

  describe('when a legacy disk is first touched', () => {
    for (const [name, backend, format] of CASES) {
      it(`derives ${backend}/${format} on a ${name} host from options and disk.info, sized by the host, never by its bytes`, async () => {
        const f = await legacyFleet(name);
        const mark = f.mark();
        const adoption = f.host('a').adoption;
        const metas = [await adoption.ensure(VM, 'root')(), await adoption.ensure(VM, 'ephemeral0')(), await adoption.ensure(VM, 'swap')()];
        expect(metas.map((m) => (E.isRight(m) ? `${m.right.backend}/${m.right.format}/${m.right.size}/${m.right.provenance}` : m.left.code))).toEqual([
          `${backend}/${format}/${2 * GiB}/derived`,
          `${backend}/${format}/${GiB}/derived`,
          `${backend}/${format}/${512 * MiB}/derived`,
        ]);
        const during = f.commandsSince(mark);
        expect(during.map((c) => writeTargetOf(c.argv))).toEqual(during.map(() => null));
        expect(formatProblems(during)).toEqual([]);
        expect(f.headReads).toEqual([]);
        const infos = during.filter((c) => c.argv[0] === 'qemu-img');
        expect(infos.every((c) => c.argv[1] === 'info' && c.argv[2] === '-f')).toBe(true);
        expect(f.repository.events.filter((e) => e.op === 'compareAndSetRecord')).toHaveLength(3);
        expect(await f.violations()).toEqual([]);
      });
    }

    it('reads a raw legacy disk whose guest planted a qcow2 header as raw: no probe, no leak', async () => {
      const f = await legacyFleet('flat/raw', {
        disks: [{ disk: 'root', format: 'raw', size: GiB, content: { kind: 'qcow2-backing-host-file', target: '/etc/shadow' } }],
      });
      const r = await f.host('a').adoption.ensure(VM, 'root')();
      expect(E.isRight(r) && `${r.right.format}/${r.right.size}`).toBe(`raw/${GiB}`);
      expect(f.cluster.probes()).toEqual([]);
      expect(f.cluster.leaks()).toEqual([]);
      expect(await f.violations()).toEqual([]);
    });

    const planted = [
      ['an external data file', { kind: 'qcow2-data-file', target: '/etc/shadow' }],
      ['a base still being downloaded', { kind: 'qcow2-backing-host-file-fmt', target: '/var/lib/nova/instances/_base/0123abcd.part' }],
    ] as const;
    for (const [what, content] of planted) {
      it(`refuses a disk that opens as qcow2 naming ${what}, writing nothing and following nothing`, async () => {
        // The classic driver probed the planted header and wrote qcow2 into disk.info.
        const f = await legacyFleet('flat/raw', {
          disks: [{ disk: 'root', format: 'raw', size: GiB, content }],
          diskInfo: { '/var/lib/nova/instances/old1/disk': 'qcow2' },
        });
        const mark = f.mark();
        const r = await f.host('a').adoption.ensure(VM, 'root')();
        expect(E.isLeft(r) && r.left.code).toBe('LEGACY_BACKING_REFUSED');
        expect(E.isLeft(r) && r.left.message).toContain(content.target);
        expect(f.repository.events.filter((e) => e.op === 'compareAndSetRecord')).toEqual([]);
        expect(f.commandsSince(mark).map((c) => writeTargetOf(c.argv)).filter((t) => t !== null)).toEqual([]);
        expect(f.cluster.probes()).toEqual([]);
        expect(f.cluster.leaks()).toEqual([]);
      });
    }

    it('gives two racing writers the same record, written once', async () => {
      const f = await legacyFleet('flat/raw');
      const adoption = f.host('a').adoption;
      const [a, b] = await Promise.all([adoption.ensure(VM, 'root')(), adoption.ensure(VM, 'root')()]);
      expect(E.isRight(a) && E.isRight(b)).toBe(true);
      expect(a).toEqual(b);
      expect(f.repository.writesOf(VM, 'root')).toHaveLength(1);
    });
  });

  describe("when a flavor's first ephemeral disk is a volume under nova's name for it (<instance>_disk.local)", () => {
    for (const name of ['lvm', 'rbd/shared'] as const) {
      it(`finds it there on ${name}, records where it is, keeps its data, and a delete removes it`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
        const markers = await seedLegacy(f, {
          instance: VM,
          host: 'a',
          disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }, { disk: 'ephemeral0', format: 'raw', size: GiB, file: 'disk.local', content: { kind: 'benign' } }],
        });
        const r = await f.host('a').adoption.ensure(VM, 'ephemeral0')();
        const home = name === 'lvm' ? OPTIONS[name].imagesVolumeGroup : OPTIONS[name].imagesRbdPool;
        expect(r).toMatchObject({ right: { backend: name === 'lvm' ? 'lvm' : 'rbd', format: 'raw', size: GiB, provenance: 'derived', location: `${home ?? ''}/${VM}_disk.local` } });
        expect(await sees(f, VM, 'ephemeral0', markers.get('ephemeral0') ?? '')).toBe(true);
        expect(E.isRight(await f.host('a').adoption.ensure(VM, 'root')())).toBe(true);
        expect(await f.violations()).toEqual([]);
        expect(E.isRight(await f.lifecycle().delete(VM)())).toBe(true);
        expect(f.cluster.disks().filter((d) => d.location.includes(VM))).toEqual([]);
      });
    }

    it('takes the block device mapping\'s name (disk.eph0) first when both are there, and removing the disk by nova\'s names removes both', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS.lvm }] });
      await seedLegacy(f, {
        instance: VM,
        host: 'a',
        disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }, { disk: 'ephemeral0', format: 'raw', size: GiB }, { disk: 'ephemeral0', format: 'raw', size: GiB / 2, file: 'disk.local' }],
      });
      const r = await f.host('a').adoption.ensure(VM, 'ephemeral0')();
      expect(r).toMatchObject({ right: { size: GiB, location: `${OPTIONS.lvm.imagesVolumeGroup ?? ''}/${VM}_disk.eph0` } });
      expect(E.isRight(await f.host('a').realizer.removeNamed(VM, 'ephemeral0', 'lvm')())).toBe(true);
      expect(f.cluster.disks().filter((d) => d.location.includes('_disk.'))).toEqual([]);
    });

    for (const op of ['delete', 'shelve'] as const) {
      it(`lets a ${op} of the instance remove both names`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS.lvm }] });
        await seedLegacy(f, {
          instance: VM,
          host: 'a',
          imageRef: IMAGES.qcow2,
          disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }, { disk: 'ephemeral0', format: 'raw', size: GiB }, { disk: 'ephemeral0', format: 'raw', size: GiB / 2, file: 'disk.local' }],
        });
        expect(E.isRight(await f.host('a').adoption.ensure(VM, 'ephemeral0')())).toBe(true);
        expect(outcome(await (op === 'delete' ? f.lifecycle().delete(VM)() : f.lifecycle().shelve(VM)()))).toBe('ok');
        expect(f.cluster.disks().filter((d) => d.location.includes(`${VM}_disk`))).toEqual([]);
      });
    }
  });

  describe('when the legacy facts are missing, corrupt or contradictory', () => {
    const cases: readonly (readonly [string, OptionsName, Partial<LegacySeed>, string])[] = [
      ['a flat disk without disk.info', 'flat/raw', { diskInfo: 'absent' }, 'LEGACY_FACTS_MISSING'],
      ['a corrupt disk.info', 'flat/raw', { diskInfo: 'corrupt' }, 'DISK_INFO_CORRUPT'],
      ['a disk.info that says qcow2 for an lvm disk', 'lvm', { diskInfo: { '/var/lib/nova/instances/old1/disk': 'qcow2' } }, 'LEGACY_FACTS_CONTRADICT'],
      ['a disk that is not on the host', 'lvm', { disks: [] }, 'LEGACY_DISK_MISSING'],
      // Nothing to state a layout for: the facts a missing disk lacks are not what an operator should be sent for.
      ['a flat disk that is not on the host, without disk.info', 'flat/raw', { disks: [], diskInfo: 'absent' }, 'LEGACY_DISK_MISSING'],
    ];
    for (const [what, name, seed, code] of cases) {
      it(`answers ${code} for ${what}, writing nothing and touching no disk`, async () => {
        const f = await legacyFleet(name, seed);
        if (seed.disks !== undefined) f.store.seedLegacyInstance(vm('old2'), 'a', ['root']);
        const instance = seed.disks !== undefined ? vm('old2') : VM;
        const mark = f.mark();
        const r = await f.host('a').adoption.ensure(instance, 'root')();
        expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual([code, code === 'DISK_INFO_CORRUPT' ? expect.any(String) : `${instance}/root`]);
        expect(f.repository.events).toEqual([]);
        expect(f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
        expect(f.headReads).toEqual([]);
      });
    }

    it('answers LEGACY_DISK_MISSING for a missing file on a host whose options name a pool and a volume group it has no driver for', async () => {
      // nova names a pool (`rbd`) by default on every host: a pool the host cannot reach holds none of its disks.
      const f = new FakeFleet({ hosts: [{ name: 'a', options: { imagesType: 'flat', imagesRbdPool: 'pool0', imagesVolumeGroup: 'vg0' }, backends: ['flat', 'qcow2'] }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }] });
      await f.cluster.files('a').remove('/var/lib/nova/instances/old1/disk' as HostPath)();
      const r = await f.host('a').adoption.ensure(VM, 'root')();
      expect(E.isLeft(r) && r.left.code).toBe('LEGACY_DISK_MISSING');
    });

    for (const name of ['lvm', 'rbd/shared'] as const) {
      it(`derives a ${name} volume from the options alone when disk.info is corrupt: that file only cross-checks a volume`, async () => {
        const f = await legacyFleet(name, { diskInfo: 'corrupt' });
        const r = await f.host('a').adoption.ensure(VM, 'root')();
        expect(E.isRight(r) && [r.right.backend, r.right.format, r.right.provenance]).toEqual([name === 'lvm' ? 'lvm' : 'rbd', 'raw', 'derived']);
        expect(f.cluster.probes()).toEqual([]);
      });
    }

    for (const content of [undefined, 'qcow2-backing-host-file-fmt'] as const) {
      it(`answers LEGACY_FACTS_MISSING, reading nothing, for a file the options call qcow2 and no disk.info entry confirms (${content ?? 'raw bytes'})`, async () => {
        // The classic driver made a raw file; the options now say qcow2, and no disk.info entry says otherwise. Whether
        // the file opens as qcow2 is the guest's to decide (a planted header naming a cached base would pass), so it is not asked.
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
        const base = '/var/lib/nova/instances/_base/0123456789abcdef0123456789abcdef01234567';
        await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: 2 * GiB, ...(content === undefined ? {} : { content: { kind: content, target: base } }) }], diskInfo: 'absent' });
        f.reconfigure('a', OPTIONS['qcow2/default']);
        const mark = f.mark();
        const r = await f.host('a').adoption.ensure(VM, 'root')();
        expect(E.isLeft(r) && r.left.code).toBe('LEGACY_FACTS_MISSING');
        expect(E.isLeft(r) && r.left.message).toMatch(/no disk.info entry.*an operator must supply its layout/);
        expect(f.commandsSince(mark)).toEqual([]);
        expect(f.repository.events).toEqual([]);
        expect(f.headReads).toEqual([]);
      });
    }

    it('answers DISK_FORMAT_MISMATCH, not a bare command failure, when the file does not open with the derived format', async () => {
      // disk.info says qcow2, but the file is raw (the entry is stale): it does not open as qcow2.
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }], diskInfo: { [`/var/lib/nova/instances/${VM}/disk`]: 'qcow2' } });
      const mark = f.mark();
      const r = await f.host('a').adoption.ensure(VM, 'root')();
      expect(E.isLeft(r) && r.left.code).toBe('DISK_FORMAT_MISMATCH');
      expect(E.isLeft(r) && r.left.message).toMatch(/does not open as flat\/qcow2.*an operator must supply its layout/);
      expect(f.repository.events).toEqual([]);
      expect(f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
      expect(f.headReads).toEqual([]);
    });

    it('answers LEGACY_FACTS_CONTRADICT, not LEGACY_DISK_MISSING, when a file is where the options now want a ploop image', async () => {
      const f = await legacyFleet('flat/raw');
      f.reconfigure('a', OPTIONS.ploop);
      const mark = f.mark();
      const r = await f.host('a').adoption.ensure(VM, 'root')();
      expect(E.isLeft(r) && r.left.code).toBe('LEGACY_FACTS_CONTRADICT');
      expect(E.isLeft(r) && r.left.message).toMatch(/\(ploop\/.*the host holds it at \/var\/lib\/nova\/instances\/old1\/disk;/);
      expect(f.repository.events).toEqual([]);
      expect(f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
      expect(f.headReads).toEqual([]);
    });

    it('answers LEGACY_FACTS_CONTRADICT when the options moved to a pool but disk.info names a file the host holds', async () => {
      const f = await legacyFleet('flat/raw');
      f.reconfigure('a', OPTIONS['rbd/shared']);
      const mark = f.mark();
      const r = await f.host('a').adoption.ensure(VM, 'root')();
      expect(E.isLeft(r) && r.left.code).toBe('LEGACY_FACTS_CONTRADICT');
      expect(E.isLeft(r) && r.left.message).toMatch(/the host holds it at \/var\/lib\/nova\/instances\/old1\/disk/);
      expect(f.repository.events).toEqual([]);
      expect(f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
      expect(f.headReads).toEqual([]);
    });
  });

  describe('when the options moved from a pool or volume group to files that were never made', () => {
    for (const name of ['rbd/shared', 'lvm'] as const) {
      it(`answers LEGACY_FACTS_CONTRADICT for a ${name} disk the options still name the place of, and a delete removes its volumes by nova's names`, async () => {
        const f = await legacyFleet(name);
        f.reconfigure('a', { ...OPTIONS[name], imagesType: 'qcow2' });
        const r = await f.host('a').adoption.ensure(VM, 'root')();
        expect(E.isLeft(r) && r.left.code).toBe('LEGACY_FACTS_CONTRADICT');
        expect(E.isLeft(r) && r.left.message).toMatch(/the host holds it at (pool0|vg0)\/old1_disk/);
        expect(f.repository.events).toEqual([]);
        expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
        expect(f.cluster.disks().filter((d) => d.address.kind !== 'file')).toEqual([]);
        expect(f.headReads).toEqual([]);
      });
    }
  });

  describe('when an operator supplies a layout', () => {
    it('records it with provenance operator, sized by the host', async () => {
      const f = await legacyFleet('flat/raw', { diskInfo: 'absent' });
      const r = await f.host('a').adoption.supply(VM, 'root', { backend: 'flat', format: 'raw', location: 'disk' })();
      expect(E.isRight(r) && `${r.right.provenance}/${r.right.size}`).toBe(`operator/${2 * GiB}`);
      expect(f.headReads).toEqual([]);
    });
    it('refuses a layout at another disk’s place (LOCATION_TAKEN), recording nothing, so no operation on one disk removes the other', async () => {
      const f = await legacyFleet('flat/raw', { diskInfo: 'absent' });
      expect(E.isRight(await f.host('a').adoption.supply(VM, 'root', { backend: 'flat', format: 'raw', location: null })())).toBe(true);
      const events = f.repository.events.length;
      for (const [disk, location] of [['ephemeral0', 'disk'], ['swap', '/var/lib/nova/instances/old1/disk'], ['swap', 'disk.local'], ['ephemeral0', 'disk.swap']] as const) {
        const r = await f.host('a').adoption.supply(VM, disk, { backend: 'flat', format: 'raw', location })();
        expect(E.isLeft(r) && `${r.left.code} ${r.left.path}`, `${disk} at ${location}`).toBe('LOCATION_TAKEN location');
      }
      expect(f.repository.events.length).toBe(events);
      expect(E.isRight(await f.host('a').adoption.supply(VM, 'ephemeral0', { backend: 'flat', format: 'raw', location: 'disk.local' })())).toBe(true);
      expect(E.isRight(await f.host('a').adoption.supply(VM, 'swap', { backend: 'flat', format: 'raw', location: null })())).toBe(true);
    });
    it('refuses a layout at a file nova keeps in the instance directory that is no disk (disk.info above all), recording nothing', async () => {
      const f = await legacyFleet('flat/raw');
      for (const location of ['disk.info', '/var/lib/nova/instances/old1/console.log', 'libvirt.xml']) {
        const r = await f.host('a').adoption.supply(VM, 'root', { backend: 'flat', format: 'raw', location })();
        expect(E.isLeft(r) && [r.left.code, r.left.message], location).toEqual(['LOCATION_TAKEN', expect.stringMatching(/that is nova’s (disk\.info|console\.log|libvirt\.xml) of the instance, not a disk/)]);
      }
      expect(f.repository.events).toEqual([]);
    });
    it('refuses a volume of another instance (INVALID_NAME), recording nothing, so this instance’s delete cannot remove it', async () => {
      const f = await legacyFleet('lvm', { diskInfo: 'absent' });
      for (const location of ['vg0/old2_disk', 'vg0/other', 'vg0/old10_disk']) {
        const r = await f.host('a').adoption.supply(VM, 'root', { backend: 'lvm', format: 'raw', location })();
        expect(E.isLeft(r) && `${r.left.code} ${r.left.path}`, location).toBe('INVALID_NAME location');
      }
      expect(f.repository.events).toEqual([]);
    });
    it('refuses a layout whose backend cannot hold its format', async () => {
      const f = await legacyFleet('flat/raw', { diskInfo: 'absent' });
      const r = await f.host('a').adoption.supply(VM, 'root', { backend: 'lvm', format: 'qcow2', location: 'vg0/old1_disk' })();
      expect(E.isLeft(r) && r.left.code).toBe('OPTIONS_INCONSISTENT');
      expect(f.repository.events).toEqual([]);
    });
  });
  describe('when a legacy file disk is a link (the in-memory host has none: its file port is made to say so)', () => {
    const DISK = `${INSTANCES}/${VM}/disk`;
    const DIR = `${INSTANCES}/${VM}`;
    for (const [what, path, kind, pattern] of [
      ['a symbolic link', DISK, 'symlink', /is a symbolic link/],
      ['a hard link (a file with other names)', DISK, 'linked', /hard links/],
      ['reached through an instance directory that is a symbolic link', DIR, 'symlink', /instance directory [^ ]+ is a symbolic link/],
      ['reached through an instance directory that is no directory', DIR, 'other', /neither a file nor a directory/],
    ] as const) {
      it(`refuses a disk ${what} with DISK_NOT_REGULAR_FILE, by a first touch and as an operator's layout, recording nothing`, async () => {
        const f = await legacyFleet('flat/raw');
        const files = f.host('a').files;
        const entryKind = files.entryKind.bind(files);
        vi.spyOn(files, 'entryKind').mockImplementation((p) => (p === path ? () => Promise.resolve(E.right(kind)) : entryKind(p)));
        const touched = await f.host('a').adoption.ensure(VM, 'root')();
        expect(E.isLeft(touched) && [touched.left.code, touched.left.path]).toEqual(['DISK_NOT_REGULAR_FILE', `${VM}/root`]);
        expect(E.isLeft(touched) && touched.left.message).toMatch(pattern);
        expect(E.isLeft(touched) && touched.left.message).toMatch(/replace the link with a copy of its own|supply its layout/);
        const supplied = await f.host('a').adoption.supply(VM, 'root', { backend: 'flat', format: 'raw', location: null })();
        expect(E.isLeft(supplied) && supplied.left.code).toBe('DISK_NOT_REGULAR_FILE');
        expect(f.repository.events).toEqual([]);
        // The other disks are regular files of their own in a directory of its own, and are adopted.
        if (path === DISK) expect(E.isRight(await f.host('a').adoption.ensure(VM, 'swap')())).toBe(true);
        vi.restoreAllMocks();
      });
    }
  });
});
