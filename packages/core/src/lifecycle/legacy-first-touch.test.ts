import { encodeDiskMetadata, HOSTILE_KINDS, type DiskFormat, type DiskLocation, type HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FLAVOR, GiB, IMAGES, MiB, SECRET } from '../composition/testing/catalogue.js';
import { classicEntryName } from '../services/backing-chain.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { sees } from '../composition/testing/markers.js';
import { allProblems, diskHeadReads, outcome } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';

const VM = vm('old1');

const FORMAT: Readonly<Record<OptionsName, DiskFormat>> = {
  'flat/raw': 'raw', 'qcow2/default': 'qcow2', lvm: 'raw', 'rbd/shared': 'raw', 'rbd/other': 'raw', ploop: 'ploop',
};

/** Where the seeded root is, from the record a first touch would derive (derived here without storing it). */
const derivedRootLocation = async (f: FakeFleet): Promise<DiskLocation> => {
  const meta = await f.host('a').adoption.derive(VM, 'root')();
  if (E.isLeft(meta)) throw new Error(meta.left.message);
  const opened = await f.host('a').realizer.open(VM, 'root', meta.right)();
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return opened.right.image.location;
};

type Op = (f: FakeFleet) => Promise<E.Either<{ readonly code: string; readonly message: string }, unknown>>;

/** The operations that read or reopen a legacy root's data, each as a first touch would reach it. */
const READING_OPS: readonly (readonly [string, (f: FakeFleet) => Promise<E.Either<{ readonly code: string }, unknown>>])[] = [
  ['a snapshot', (f) => f.lifecycle().snapshot(VM, 'snap1')()],
  ['a hard reboot', (f) => f.lifecycle().hardReboot(VM)()],
  ['a resize to another host', (f) => f.lifecycle().move(VM, 'b', 'resize')()],
  ['a conversion', (f) => f.lifecycle().convert(VM, 'root', 'flat', 'raw')()],
];

/** Each operation as it first reaches a legacy instance, and the disks whose data it keeps. */
const OPS: Readonly<Record<string, { readonly op: Op; readonly keeps: readonly ('root' | 'ephemeral0')[] }>> = {
  'hard reboot': { op: (f) => f.lifecycle().hardReboot(VM)(), keeps: ['root', 'ephemeral0'] },
  resize: { op: (f) => f.lifecycle().move(VM, 'b', 'resize', { root: 4 * GiB, ephemeral: 2 * GiB, swap: GiB })(), keeps: ['root', 'ephemeral0'] },
  'live migration': { op: (f) => f.lifecycle().move(VM, 'b', 'live-migrate')(), keeps: ['root', 'ephemeral0'] },
  rebuild: { op: (f) => f.lifecycle().rebuild(VM, img(IMAGES.raw))(), keeps: ['ephemeral0'] },
  snapshot: { op: (f) => f.lifecycle().snapshot(VM, 'snap1')(), keeps: ['root', 'ephemeral0'] },
  rescue: { op: (f) => f.lifecycle().rescue(VM, img(IMAGES.rescue))(), keeps: ['root', 'ephemeral0'] },
  unrescue: { op: (f) => f.lifecycle().unrescue(VM)(), keeps: ['root', 'ephemeral0'] },
  'shelve and unshelve': {
    op: async (f) => {
      const r = await f.lifecycle().shelve(VM)();
      return E.isLeft(r) ? r : f.lifecycle().unshelve(VM, 'b', FLAVOR, r.right, false)();
    },
    keeps: ['root'],
  },
  convert: { op: (f) => f.lifecycle().convert(VM, 'root', 'flat', 'qcow2')(), keeps: ['root', 'ephemeral0'] },
  delete: { op: (f) => f.lifecycle().delete(VM)(), keeps: [] },
};

describe('an instance the classic driver made', () => {
  let n = 0;
  for (const [name, { op, keeps }] of Object.entries(OPS)) {
    describe(`when ${name} reaches it first`, () => {
      for (const options of BACKEND_OPTIONS) {
        const kind = HOSTILE_KINDS[n % HOSTILE_KINDS.length] ?? 'qcow2-backing-host-file';
        n += 1;
        it(`derives its records from options and disk.info, then proceeds without probing, on ${options} (root holds ${kind})`, async () => {
          const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
          const format = FORMAT[options];
          const markers = await seedLegacy(f, {
            instance: VM,
            host: 'a',
            disks: [
              { disk: 'root', format, size: 2 * GiB, content: { kind: 'benign' } },
              { disk: 'ephemeral0', format, size: GiB, content: { kind: 'benign' } },
              { disk: 'swap', format, size: 512 * MiB },
            ],
          });
          expect(f.cluster.guestWrite('a', await derivedRootLocation(f), format, { kind, target: SECRET }).ok).toBe(true);
          expect([...(await f.records(VM)).values()]).toEqual([null, null, null]);
          const r = await op(f);
          expect(outcome(r)).toBe('ok');
          const claims = f.repository.events.filter((e) => e.op === 'compareAndSetRecord').map((e) => e.writes[0]?.disk);
          expect(claims).toEqual(['root', 'ephemeral0', 'swap']);
          for (const disk of keeps) expect(await sees(f, VM, disk, markers.get(disk) ?? '')).toBe(true);
          expect(diskHeadReads(f)).toEqual([]);
          expect(await allProblems(f)).toEqual([]);
        });
      }
    });
  }

  describe('when it has instance-level disks that only disk.info lists', () => {
    it('records its config drive, kernel and ramdisk on first touch, so they move with it (the lvm root is converted: a created disk)', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS.lvm }, { name: 'b', options: OPTIONS['qcow2/default'] }] });
      await seedLegacy(f, {
        instance: VM,
        host: 'a',
        disks: [
          { disk: 'root', format: 'raw', size: 2 * GiB },
          { disk: 'config', format: 'raw', size: 64 * MiB },
          { disk: 'kernel', format: 'raw', size: 8 * MiB },
          { disk: 'ramdisk', format: 'raw', size: 16 * MiB },
        ],
      });
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
      const records = await f.records(VM);
      expect([...records].map(([d, m]) => `${d}:${m?.backend}/${m?.format}:${m?.provenance}`)).toEqual([
        'root:qcow2/qcow2:created', 'config:flat/raw:derived', 'kernel:flat/raw:derived', 'ramdisk:flat/raw:derived',
      ]);
      expect(await allProblems(f)).toEqual([]);
    });

    it('ignores an entry whose disk is gone (a stale disk.info) and still deletes the instance', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      await seedLegacy(f, {
        instance: VM,
        host: 'a',
        disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }, { disk: 'config', format: 'raw', size: 64 * MiB }],
      });
      f.cluster.host('a').fs.remove('/var/lib/nova/instances/old1/disk.config');
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect([...(await f.records(VM)).keys()]).toEqual(['root']);
      f.cluster.host('a').fs.remove('/var/lib/nova/instances/old1/disk');
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when its guest rewrites a header the classic facts took for a qcow2 container, after its record was derived', () => {
    // A raw disk the classic driver took for qcow2 is still attached raw to its running VM: the guest can write a new
    // header naming any file at any time. Reading the disk by its derived record must not follow it.
    // On a qcow2 host the record is qcow2/qcow2; on a flat host whose disk.info says qcow2 (nova's Flat backend keeps
    // opening a disk as disk.info says), flat/qcow2: both are read by their chain, checked again.
    const HOSTS = [['qcow2/default', 'qcow2'], ['flat/raw', 'flat']] as const;
    const rewritten = async (options: (typeof HOSTS)[number][0], backend: (typeof HOSTS)[number][1]): Promise<FakeFleet> => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB }] });
      expect(outcome(await f.lifecycle().records(VM)())).toBe('ok');
      expect((await f.records(VM)).get('root')).toMatchObject({ provenance: 'derived', backend, format: 'qcow2' });
      const root: DiskLocation = { backend, path: `/var/lib/nova/instances/${VM}/disk` as HostPath };
      expect(f.cluster.guestWrite('a', root, 'raw', { kind: 'qcow2-backing-host-file-fmt', target: SECRET }).ok).toBe(true);
      return f;
    };
    for (const [what, op] of READING_OPS) {
      it.each(HOSTS)(`refuses ${what} with LEGACY_BACKING_REFUSED on a %s host, and nothing reads the file the header names`, async (options, backend) => {
        const f = await rewritten(options, backend);
        const r = await op(f);
        expect(E.isLeft(r) && r.left.code).toBe('LEGACY_BACKING_REFUSED');
        expect(f.cluster.leaks()).toEqual([]);
        expect(f.cluster.probes()).toEqual([]);
      });
    }
  });

  describe('when its guest states another format for its own image\'s cache entry, after its record was derived', () => {
    // The classic driver cached images unverified: a raw entry may begin with a qcow2 header naming a host file (an
    // image declared raw, or any image's contents cached raw by force_raw_images). Read as raw it is harmless, and
    // adoption checked it so. A guest on the raw view of a disk taken for qcow2 can then restate the base's format as
    // qcow2: the name is still its own image's entry, so only opening the entry as stated shows the chain.
    const HOSTS = [['qcow2/default', 'qcow2'], ['flat/raw', 'flat']] as const;
    for (const [what, op] of READING_OPS) {
      it.each(HOSTS)(`refuses ${what} with LEGACY_BACKING_REFUSED on a %s host, and nothing reads the file the entry names`, async (options, backend) => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
        const entry = `/var/lib/nova/instances/_base/${classicEntryName(IMAGES.raw)}` as HostPath;
        f.cluster.writeFixture('a', entry, { format: 'raw', virtualSize: GiB });
        expect(f.cluster.guestWrite('a', { backend: 'flat', path: entry }, 'raw', { kind: 'qcow2-backing-host-file', target: SECRET }).ok).toBe(true);
        await seedLegacy(f, { instance: VM, host: 'a', imageRef: IMAGES.raw, disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB }] });
        const root: DiskLocation = { backend, path: `/var/lib/nova/instances/${VM}/disk` as HostPath };
        expect(f.cluster.guestWrite('a', root, 'raw', { kind: 'qcow2-backing-host-file-fmt', target: entry }).ok).toBe(true);
        expect(outcome(await f.lifecycle().records(VM)())).toBe('ok');
        expect((await f.records(VM)).get('root')).toMatchObject({ provenance: 'derived', backend, format: 'qcow2' });
        expect(f.cluster.guestWrite('a', root, 'raw', { kind: 'qcow2-backing-host-file-fmt', target: entry, backingFormat: 'qcow2' }).ok).toBe(true);
        const r = await op(f);
        expect(E.isLeft(r) && r.left.code).toBe('LEGACY_BACKING_REFUSED');
        expect(f.cluster.leaks()).toEqual([]);
        expect(f.cluster.probes()).toEqual([]);
      });
    }
  });

  describe('when its guest rewrites the header between the check of its chain and the read', () => {
    // The guest flips a clean header to one naming a host file right after the library has inspected the disk: a read
    // of the disk itself would follow it. The library reads a byte copy it checked, which the guest cannot touch.
    const HOSTS = [['qcow2/default', 'qcow2'], ['flat/raw', 'flat']] as const;
    const OPS: readonly (readonly [string, (f: FakeFleet) => Promise<E.Either<{ readonly code: string }, unknown>>])[] = [
      ['a snapshot', (f) => f.lifecycle().snapshot(VM, 'snap1')()],
      ['a resize to another host', (f) => f.lifecycle().move(VM, 'b', 'resize')()],
    ];
    for (const [what, op] of OPS) {
      it.each(HOSTS)(`lets ${what} on a %s host read only what it checked: no leak, no probe`, async (options, backend) => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
        await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB }] });
        expect(outcome(await f.lifecycle().records(VM)())).toBe('ok');
        const root: DiskLocation = { backend, path: `/var/lib/nova/instances/${VM}/disk` as HostPath };
        let inspected = false;
        let flips = 0;
        f.cluster.injectFault({
          // Never matches: it only watches the commands go by, and plays the guest after each inspection.
          match: (argv) => {
            if (inspected && argv[1] !== 'info') {
              flips += f.cluster.guestWrite('a', root, 'raw', { kind: 'qcow2-backing-host-file-fmt', target: SECRET }).ok ? 1 : 0;
              inspected = false;
            }
            if (argv[0] === 'qemu-img' && argv[1] === 'info' && argv.some((a) => a.includes(`/${VM}/disk`))) inspected = true;
            return false;
          },
        });
        const r = await op(f);
        expect(flips).toBeGreaterThan(0);
        expect(E.isRight(r) ? 'ok' : r.left.code).toBe('ok');
        expect(f.cluster.leaks()).toEqual([]);
        expect(f.cluster.probes()).toEqual([]);
      });
    }
  });

  describe('when its root has a record of the 1.0 format (no provenance), over a disk its guest can rewrite', () => {
    it("refuses a snapshot whose base the guest turned to another image's entry", async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'] }] });
      const foreign = `/var/lib/nova/instances/_base/${classicEntryName('tenant-b-private')}` as HostPath;
      f.cluster.writeFixture('a', foreign, { format: 'raw', virtualSize: GiB });
      await seedLegacy(f, { instance: VM, host: 'a', imageRef: IMAGES.raw, disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB }] });
      expect(outcome(await f.lifecycle().records(VM)())).toBe('ok');
      const meta = (await f.records(VM)).get('root');
      if (meta === undefined || meta === null) throw new Error('no record');
      // What an older release wrote, or one asked for a backport during a rolling upgrade.
      expect(E.isRight(await f.repository.saveRecords(VM, [{ disk: 'root', driverInfo: encodeDiskMetadata(meta, { version: '1.0' }) }])())).toBe(true);
      const root: DiskLocation = { backend: 'qcow2', path: `/var/lib/nova/instances/${VM}/disk` as HostPath };
      expect(f.cluster.guestWrite('a', root, 'raw', { kind: 'qcow2-backing-host-file-fmt', target: foreign }).ok).toBe(true);
      const r = await f.lifecycle().snapshot(VM, 'snap1')();
      expect(E.isLeft(r) && r.left.code).toBe('LEGACY_BACKING_REFUSED');
      expect(E.isLeft(r) && r.left.message).toContain(`not the cache entry of its image "${IMAGES.raw}"`);
    });

    it("refuses a snapshot whose guest restated its own image's raw entry as qcow2 (its bytes naming a host file)", async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'] }] });
      const entry = `/var/lib/nova/instances/_base/${classicEntryName(IMAGES.raw)}` as HostPath;
      f.cluster.writeFixture('a', entry, { format: 'raw', virtualSize: GiB });
      expect(f.cluster.guestWrite('a', { backend: 'flat', path: entry }, 'raw', { kind: 'qcow2-backing-host-file', target: SECRET }).ok).toBe(true);
      await seedLegacy(f, { instance: VM, host: 'a', imageRef: IMAGES.raw, disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB }] });
      const root: DiskLocation = { backend: 'qcow2', path: `/var/lib/nova/instances/${VM}/disk` as HostPath };
      expect(f.cluster.guestWrite('a', root, 'raw', { kind: 'qcow2-backing-host-file-fmt', target: entry }).ok).toBe(true);
      expect(outcome(await f.lifecycle().records(VM)())).toBe('ok');
      const meta = (await f.records(VM)).get('root');
      if (meta === undefined || meta === null) throw new Error('no record');
      expect(E.isRight(await f.repository.saveRecords(VM, [{ disk: 'root', driverInfo: encodeDiskMetadata(meta, { version: '1.0' }) }])())).toBe(true);
      expect(f.cluster.guestWrite('a', root, 'raw', { kind: 'qcow2-backing-host-file-fmt', target: entry, backingFormat: 'qcow2' }).ok).toBe(true);
      const r = await f.lifecycle().snapshot(VM, 'snap1')();
      expect(E.isLeft(r) && r.left.code).toBe('LEGACY_BACKING_REFUSED');
      expect(f.cluster.leaks()).toEqual([]);
      expect(f.cluster.probes()).toEqual([]);
    });
  });

  describe('when it is rescued, and its rescue disk names a cached image', () => {
    // Nova keeps no record of the image an instance was rescued from: a legacy rescue disk may name only the entry of the
    // instance's own image (nova's default). Another may be another tenant's image, named by a guest from a raw disk
    // the classic driver took for qcow2: the disk is never opened (not by the guest either), and unrescue removes it.
    const rescued = async (base: string): Promise<FakeFleet> => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'] }, { name: 'b', options: OPTIONS['qcow2/default'] }] });
      await seedLegacy(f, {
        instance: VM, host: 'a', imageRef: IMAGES.raw,
        disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB, base: classicEntryName(IMAGES.raw) }, { disk: 'rescue', format: 'qcow2', size: 2 * GiB, base }],
      });
      return f;
    };

    it("refuses to adopt, restart or move it when that image is not the instance's own (another tenant's, say), and still unrescues", async () => {
      const f = await rescued(classicEntryName('tenant-b-private'));
      const records = await f.lifecycle().records(VM)();
      expect(E.isLeft(records) && records.left.code).toBe('LEGACY_BACKING_REFUSED');
      expect(E.isLeft(records) && records.left.message).toContain('unrescue removes it');
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toMatch(/^LEGACY_BACKING_REFUSED/);
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toMatch(/^LEGACY_BACKING_REFUSED/);
      expect(outcome(await f.lifecycle().unrescue(VM)())).toBe('ok');
      expect((await f.records(VM)).get('rescue')).toBeUndefined();
      expect(f.cluster.disks().filter((d) => d.location.endsWith('.rescue'))).toEqual([]);
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
      expect([f.cluster.probes(), f.cluster.leaks()]).toEqual([[], []]);
    });

    it("adopts and copies it when that image is the instance's own", async () => {
      const f = await rescued(classicEntryName(IMAGES.raw));
      expect(outcome(await f.lifecycle().records(VM)())).toBe('ok');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
      expect((await f.records(VM)).get('rescue')).toMatchObject({ backend: 'qcow2' });
      expect(f.cluster.probes()).toEqual([]);
    });
  });

  describe('when its guest rewrites the header between the check of its chain and a resize on its own host', () => {
    // qemu-img resize opens the header's chain (read-write for a data file): a grow in place after the check would
    // open what the guest swapped in. The library grows a byte copy it checked and moves it over the disk (a write
    // the guest makes meanwhile is lost: nova powers the guest off for a resize).
    it.each([['qcow2/default', 'qcow2'], ['flat/raw', 'flat']] as const)('grows only what it checked on a %s host: no probe, no leak', async (options, backend) => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB }] });
      expect(outcome(await f.lifecycle().records(VM)())).toBe('ok');
      const root: DiskLocation = { backend, path: `/var/lib/nova/instances/${VM}/disk` as HostPath };
      let flips = 0;
      f.cluster.injectFault({
        // Never matches: it plays the guest as the resize starts, after every check.
        match: (argv) => {
          if (argv[0] === 'qemu-img' && argv[1] === 'resize') flips += f.cluster.guestWrite('a', root, 'raw', { kind: 'qcow2-backing-host-file', target: SECRET }).ok ? 1 : 0;
          return false;
        },
      });
      const r = await f.lifecycle().move(VM, 'a', 'resize', { root: 4 * GiB, ephemeral: 0, swap: 0 })();
      expect(flips).toBeGreaterThan(0);
      expect(outcome(r)).toBe('ok');
      expect((await f.records(VM)).get('root')).toMatchObject({ size: 4 * GiB, format: 'qcow2' });
      expect(f.cluster.probes()).toEqual([]);
      expect(f.cluster.leaks()).toEqual([]);
    });
  });

  describe('when its disk.info no longer decodes', () => {
    it('fails a first touch that finds a hinted disk there (its facts are unknown), and changes nothing', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['rbd/shared'] }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }, { disk: 'config', format: 'raw', size: 64 * MiB }] });
      // The root's row is filled first (as by an online migration); the config drive in the pool has no row.
      expect(E.isRight(await f.host('a').adoption.ensure(VM, 'root')())).toBe(true);
      expect(E.isRight(await f.cluster.files('a').writeTextAtomic(`/var/lib/nova/instances/${VM}/disk.info` as HostPath, '{"/var/lib/nova/')())).toBe(true);
      const before = await f.records(VM);
      const r = await f.lifecycle().hardReboot(VM)();
      expect(E.isLeft(r) && r.left.code).toBe('DISK_INFO_CORRUPT');
      expect(await f.records(VM)).toEqual(before);
    });
  });

  describe('when a legacy disk is gone from the host', () => {
    it('answers LEGACY_DISK_MISSING to operations, but a delete removes what is there', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS.lvm }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }, { disk: 'swap', format: 'raw', size: 512 * MiB }] });
      f.cluster.host('a').volumeGroups.get('vg0')?.remove('old1_disk.swap');
      const r = await f.lifecycle().hardReboot(VM)();
      expect(E.isLeft(r) && r.left.code).toBe('LEGACY_DISK_MISSING');
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(f.cluster.disks().filter((d) => d.address.kind === 'lv')).toEqual([]);
    });
  });

  describe('when its root vanishes after its record was derived', () => {
    for (const options of ['flat/raw', 'qcow2/default', 'lvm'] as const) {
      it(`refuses to make it again empty (DISK_LOST, record kept ready), yet a rebuild or a delete proceeds, on ${options}`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }] });
        await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: FORMAT[options], size: 2 * GiB }, { disk: 'swap', format: FORMAT[options], size: 512 * MiB }] });
        expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
        const derived = (await f.records(VM)).get('root');
        expect(derived?.provenance).toBe('derived');
        expect(derived?.imageId).toBe(null);
        await f.lose(VM, 'root');
        const disksBefore = f.cluster.disks().length;
        for (const op of [() => f.lifecycle().hardReboot(VM)(), () => f.lifecycle().rescue(VM, img(IMAGES.rescue))(), () => f.lifecycle().move(VM, 'a', 'resize')()]) {
          const r = await op();
          expect(E.isLeft(r) && r.left.code).toBe('DISK_LOST');
        }
        expect((await f.records(VM)).get('root')).toEqual(derived);
        expect(f.cluster.disks().length).toBe(disksBefore);
        expect(outcome(await f.lifecycle().rebuild(VM, img(IMAGES.raw))())).toBe('ok');
        expect((await f.records(VM)).get('root')?.imageId).toBe(IMAGES.raw);
        expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
        expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      });
    }
  });
});
