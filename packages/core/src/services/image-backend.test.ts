import { HOSTILE_KINDS, type DiskFunc } from '@disk-ledger/domain';
import { InjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { GiB, HOSTILE_IMAGES, IMAGES, MiB } from '../composition/testing/catalogue.js';
import { INSTANCES_PATH } from '../composition/testing/fake-fleet.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { formatProblems, persistBeforeCreateProblems } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { img, vm } from '../testing/names.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { sees, survives } from '../composition/testing/markers.js';

const VM = vm('vm1');

/** A fleet of one host `a` with these options and an instance registered on it. */
const fleetWith = async (name: OptionsName): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
  const r = await f.repository.createInstance(VM, 'a', ['root', 'ephemeral0', 'swap'])();
  if (E.isLeft(r)) throw new Error(r.left.message);
  return f;
};

/** Commands that write into the instance's disks (not the cache, not staging). */
const diskWrites = (f: FakeFleet) =>
  f.cluster.commands().filter((c) => {
    const t = writeTargetOf(c.argv);
    return t !== null && (t.kind !== 'file' || (t.path.includes('/vm1/') && !t.path.endsWith('.build')));
  });

describe('ImageBackend', () => {
  describe('when creating a disk from an image', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`records the layout before the first command writes the disk, on ${name}`, async () => {
        const f = await fleetWith(name);
        const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })();
        expect(E.isRight(r) && r.right.state).toBe('ready');
        const writes = f.repository.writesOf(VM, 'root');
        const first = diskWrites(f)[0];
        expect(first).toBeDefined();
        expect(writes[0]?.afterCommands).toBeLessThan(first?.seq ?? 0);
        expect(writes.map((w) => JSON.parse(w.driverInfo ?? '{}')['nova_object.data']?.state)).toEqual(['creating', 'ready']);
        expect(persistBeforeCreateProblems(f)).toEqual([]);
        expect(formatProblems(f.cluster.commands())).toEqual([]);
        expect(await f.violations()).toEqual([]);
      });
    }
  });

  it('makes a new disk on a host whose options name a pool and a volume group it runs no driver for', async () => {
    // nova names a pool by default: the slot is free unless something is where this host could have put it.
    const f = new FakeFleet({ hosts: [{ name: 'a', options: { imagesType: 'qcow2', imagesRbdPool: 'pool0', imagesVolumeGroup: 'vg0' }, backends: ['flat', 'qcow2'] }] });
    expect(E.isRight(await f.repository.createInstance(VM, 'a', ['root'])())).toBe(true);
    const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })();
    expect(E.isRight(r) && [r.right.backend, r.right.provenance, r.right.state]).toEqual(['qcow2', 'created', 'ready']);
  });

  describe('when the slot has no record but the classic driver made its disk', () => {
    const FORMAT = { 'flat/raw': 'raw', 'qcow2/default': 'qcow2', lvm: 'raw', 'rbd/shared': 'raw', 'rbd/other': 'raw', ploop: 'ploop' } as const;
    const legacy = async (name: OptionsName, diskInfo: 'written' | 'absent'): Promise<{ f: FakeFleet; markers: ReadonlyMap<string, string> }> => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
      const format = FORMAT[name];
      const markers = await seedLegacy(f, {
        instance: VM, host: 'a', diskInfo,
        disks: [{ disk: 'root', format, size: 2 * GiB, content: { kind: 'benign' } }, { disk: 'swap', format, size: 512 * MiB, content: { kind: 'benign' } }],
      });
      return { f, markers };
    };
    for (const name of BACKEND_OPTIONS) {
      it(`derives its record and keeps the disk as it is, never writing over it, on ${name}`, async () => {
        const { f, markers } = await legacy(name, 'written');
        const mark = f.mark();
        const backend = f.host('a').backend;
        const root = await backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })();
        const swap = await backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: 512 * MiB })();
        expect([root, swap].map((r) => (E.isRight(r) ? r.right.provenance : r.left.code))).toEqual(['derived', 'derived']);
        expect(f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
        for (const disk of ['root', 'swap'] as const) expect(await sees(f, VM, disk, markers.get(disk) ?? '')).toBe(true);
        expect(await f.violations()).toEqual([]);
      });
    }
    it('answers a typed error and leaves the disk untouched when its facts cannot be derived', async () => {
      const { f, markers } = await legacy('flat/raw', 'absent');
      const mark = f.mark();
      const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })();
      expect(E.isLeft(r) && r.left.code).toBe('LEGACY_FACTS_MISSING');
      expect(f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
      expect(survives(f, markers.get('root') ?? '')).toBe(true);
      expect((await f.records(VM)).get('root')).toBeNull();
    });
  });

  describe('when creating a disk from a func', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`records then creates ephemeral, swap and config disks on ${name}`, async () => {
        const f = await fleetWith(name);
        const backend = f.host('a').backend;
        const results = [
          await backend.createFromFunc({ instance: VM, disk: 'ephemeral0', func: { kind: 'filesystem', fsType: 'ext4', label: 'ephemeral0' }, size: GiB })(),
          await backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: 512 * MiB })(),
          await backend.createFromFunc({ instance: VM, disk: 'config', func: { kind: 'config-drive', files: [{ path: 'openstack/latest/meta_data.json', content: '{}' }] }, size: 64 * MiB })(),
        ];
        expect(results.map((r) => (E.isRight(r) ? r.right.state : r.left.code))).toEqual(['ready', 'ready', 'ready']);
        expect(persistBeforeCreateProblems(f)).toEqual([]);
        expect(formatProblems(f.cluster.commands())).toEqual([]);
        expect(await f.violations()).toEqual([]);
      });
    }
  });

  describe('when the image is hostile or refused', () => {
    for (const id of [...HOSTILE_IMAGES, IMAGES.vmdk]) {
      it(`rejects ${id} with a typed error, leaving no record, no disk and no part file`, async () => {
        const f = await fleetWith('flat/raw');
        const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(id) })();
        expect(E.isLeft(r) && r.left.code).toBe('IMAGE_REJECTED');
        expect(f.repository.writesOf(VM, 'root')).toEqual([]);
        expect((await f.records(VM)).get('root')).toBeNull();
        expect(diskWrites(f)).toEqual([]);
        expect(f.cluster.disks().filter((d) => d.address.kind === 'file' && d.address.path.includes('/_base/'))).toEqual([]);
        expect(f.headReads.every((h) => h.path.includes('/_base/') && h.path.endsWith('.part'))).toBe(true);
        expect(formatProblems(f.cluster.commands())).toEqual([]);
        expect(await f.violations()).toEqual([]);
      });
    }
    it('rejects an image declared ploop before downloading it: nothing here can verify one', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS.ploop }], images: [{ id: 'ploop-image', diskFormat: 'ploop', virtualSize: GiB }] });
      expect(E.isRight(await f.repository.createInstance(VM, 'a', ['root'])())).toBe(true);
      const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img('ploop-image') })();
      expect(E.isLeft(r) && r.left._tag === 'ImageRejected' && [r.left.code, r.left.reason]).toEqual(['IMAGE_REJECTED', 'UNSUPPORTED_FORMAT']);
      expect(f.cluster.disks().filter((d) => d.address.kind === 'file' && d.address.path.includes('/_base/'))).toEqual([]);
      expect(f.headReads).toEqual([]);
      expect(f.repository.writesOf(VM, 'root')).toEqual([]);
    });
    it('covers every hostile kind under every declared format', () => {
      expect(HOSTILE_IMAGES).toHaveLength(HOSTILE_KINDS.length * 3);
    });
  });

  describe('when the disk already has a record', () => {
    it('re-creates a lost disk with exactly the recorded layout whatever the host options say now', async () => {
      const f = await fleetWith('flat/raw');
      const first = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })();
      const before = await f.records(VM);
      await f.lose(VM, 'root');
      f.reconfigure('a', OPTIONS.lvm);
      const again = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.raw), flavorSize: 4 * GiB })();
      expect(E.isRight(first) && E.isRight(again) && again.right).toEqual(E.isRight(first) ? first.right : null);
      expect(await f.records(VM)).toEqual(before);
      expect(diskWrites(f).filter((c) => c.argv[0] === 'lvcreate')).toEqual([]);
      expect(await f.violations()).toEqual([]);
    });
  });

  describe('when the process dies between the record and the first command', () => {
    for (const effect of ['crash', 'crash-after'] as const) {
      it(`leaves a creating record that the next call completes (${effect})`, async () => {
        const f = await fleetWith('qcow2/default');
        f.cluster.injectFault({ match: (argv) => argv.includes('/var/lib/nova/instances/vm1/disk'), effect });
        const task = f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB });
        await expect(task()).rejects.toBeInstanceOf(InjectedCrash);
        expect((await f.records(VM)).get('root')?.state).toBe('creating');
        expect(await f.violations({ allowCreating: true })).toEqual([]);
        const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })();
        expect(E.isRight(r) && r.right.state).toBe('ready');
        expect(persistBeforeCreateProblems(f)).toEqual([]);
        expect(await f.violations()).toEqual([]);
      });
    }
  });

  describe('when a func request is malformed', () => {
    it('answers a func that is not one, and a swap too small for mkswap, as values naming the request field, writing nothing', async () => {
      const f = await fleetWith('flat/raw');
      const notAFunc = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'swap', func: null as unknown as DiskFunc, size: 512 * MiB })();
      expect(E.isLeft(notAFunc) && [notAFunc.left.code, notAFunc.left.path]).toEqual(['UNSUPPORTED_OPERATION', 'func']);
      const tiny = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: 4096 })();
      expect(E.isLeft(tiny) && [tiny.left.code, tiny.left.path]).toEqual(['INVALID_SIZE', 'size']);
      expect(E.isLeft(tiny) ? tiny.left.message : '').toContain('at size');
      expect(f.repository.events.filter((e) => e.op === 'saveRecords')).toEqual([]);
    });
  });

  describe('when the process dies before a func disk is made', () => {
    it("completes its creating record with the request's own func, not one implied by its role", async () => {
      const f = await fleetWith('flat/raw');
      f.cluster.injectFault({ match: (argv) => argv[0] === 'mkfs', effect: 'crash' });
      const req = { instance: VM, disk: 'ephemeral0', func: { kind: 'filesystem', fsType: 'ext4', label: 'scratch' }, size: 64 * MiB } as const;
      await expect(f.host('a').backend.createFromFunc(req)()).rejects.toBeInstanceOf(InjectedCrash);
      expect((await f.records(VM)).get('ephemeral0')?.state).toBe('creating');
      expect(E.isRight(await f.host('a').backend.createFromFunc(req)())).toBe(true);
      expect(f.cluster.commands().filter((c) => c.argv[0] === 'mkfs').map((c) => c.argv.includes('scratch'))).toEqual([true, true]);
      expect(await f.violations()).toEqual([]);
    });
  });

  describe('when a tool refuses to make a new disk', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`leaves the slot as it found it, its BDM row empty and kept, and nothing on the host, not even a directory (${name})`, async () => {
        const f = await fleetWith(name);
        const rowsBefore = f.store.allRows(VM);
        f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && argv.some((a) => a.includes('vm1')), effect: 'fail' });
        const failed = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })();
        expect(E.isLeft(failed) && failed.left.code).toBe('COMMAND_FAILED');
        expect(f.store.allRows(VM)).toEqual(rowsBefore);
        expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
        expect(f.cluster.host('a').fs.exists(`${INSTANCES_PATH}/vm1`)).toBe(false);
        expect(f.repository.events.map((e) => e.op)).toEqual(['createInstance', 'saveRecords', 'clearRecord']);
        f.cluster.clearFaults();
        const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.raw), flavorSize: 4 * GiB })();
        expect(E.isRight(r) && r.right).toMatchObject({ imageId: IMAGES.raw, size: 4 * GiB, state: 'ready' });
        expect(await f.violations()).toEqual([]);
      });
    }

    it('removes a BDM row its record added, and an instance-level record, as if never asked', async () => {
      const f = await fleetWith('flat/raw');
      f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && argv.some((a) => a.includes('vm1')), effect: 'fail' });
      const eph = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'ephemeral1', func: { kind: 'blank' }, size: 64 * MiB })();
      f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && argv.some((a) => a.includes('vm1')), effect: 'fail' });
      const config = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'config', func: { kind: 'config-drive', files: [] }, size: 64 * MiB })();
      expect([eph, config].map((r) => E.isLeft(r) && r.left.code)).toEqual(['COMMAND_FAILED', 'COMMAND_FAILED']);
      const live = await f.store.listDisks(VM)();
      expect(E.isRight(live) && live.right.map((r) => [r.disk, r.driverInfo])).toEqual([['root', null], ['ephemeral0', null], ['swap', null]]);
      expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
    });

    it('empties the slot of a creating record of another disk that it replaced, whose leftovers went', async () => {
      const f = await fleetWith('qcow2/default');
      f.cluster.injectFault({ match: (argv) => argv.includes('/var/lib/nova/instances/vm1/disk'), effect: 'crash' });
      await expect(f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })()).rejects.toBeInstanceOf(InjectedCrash);
      const crashed = (await f.records(VM)).get('root');
      expect(crashed).toMatchObject({ imageId: IMAGES.qcow2, state: 'creating' });
      f.cluster.injectFault({ match: (argv) => argv.includes('/var/lib/nova/instances/vm1/disk'), effect: 'fail' });
      const failed = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.raw), flavorSize: 4 * GiB })();
      expect(E.isLeft(failed) && failed.left.code).toBe('COMMAND_FAILED');
      expect((await f.records(VM)).get('root')).toBe(null);
      expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
    });

    it("keeps another writer's record, stored while the tool ran, in a row the request's record added", async () => {
      const f = await fleetWith('flat/raw');
      let theirs: string | null = null;
      f.cluster.injectFault({
        match: (argv) => {
          if (writeTargetOf(argv) === null || !argv.some((a) => a.includes('vm1/disk.eph1'))) return false;
          // Another process writing the slot as the command runs: its own record of the disk.
          void f.store.listDisks(VM)().then((rows) => {
            const ours = E.isRight(rows) ? (rows.right.find((r) => r.disk === 'ephemeral1')?.driverInfo ?? null) : null;
            theirs = ours === null ? null : ours.replace('"creating"', '"ready"');
            return theirs === null ? undefined : f.store.saveRecords(VM, [{ disk: 'ephemeral1', driverInfo: theirs }])();
          });
          return true;
        },
        effect: 'fail',
      });
      const r = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'ephemeral1', func: { kind: 'blank' }, size: 64 * MiB })();
      expect(E.isLeft(r) && r.left.code).toBe('COMMAND_FAILED');
      expect(theirs).not.toBe(null);
      const rows = await f.store.listDisks(VM)();
      expect(E.isRight(rows) && rows.right.find((x) => x.disk === 'ephemeral1')?.driverInfo).toBe(theirs);
    });

    it('undoes nothing when the repository fails, since the write it reports failing may have landed', async () => {
      const f = await fleetWith('flat/raw');
      const save = f.store.saveRecords.bind(f.store);
      let writes = 0;
      f.store.saveRecords = (instance, w) => async () => {
        writes += 1;
        const r = await save(instance, w)();
        // The second write (the record turning ready) lands, and its answer is lost.
        return writes === 2 ? E.left({ _tag: 'RepositoryFailed', code: 'REPOSITORY_FAILED', message: 'connection lost after commit' }) : r;
      };
      const r = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: 64 * MiB })();
      expect(E.isLeft(r) && r.left.code).toBe('REPOSITORY_FAILED');
      expect((await f.records(VM)).get('swap')?.state).toBe('ready');
      expect(f.cluster.disks().filter((d) => d.location.includes('vm1/disk.swap'))).toHaveLength(1);
      expect(await f.violations()).toEqual([]);
    });

    it('keeps an instance directory that was there before the request', async () => {
      const f = await fleetWith('lvm');
      f.cluster.host('a').fs.mkdirp(`${INSTANCES_PATH}/vm1`);
      f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && argv.some((a) => a.includes('vm1')), effect: 'fail' });
      const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })();
      expect(E.isLeft(r) && r.left.code).toBe('COMMAND_FAILED');
      expect(f.cluster.host('a').fs.exists(`${INSTANCES_PATH}/vm1`)).toBe(true);
    });

    it('keeps the creating record, as after a crash, when the record cannot be undone', async () => {
      const f = await fleetWith('flat/raw');
      f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && argv.some((a) => a.includes('vm1')), effect: 'fail' });
      const task = f.host('a').backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: 64 * MiB });
      const original = f.store.clearRecord.bind(f.store);
      f.store.clearRecord = (...args) => {
        f.store.failNext();
        return original(...args);
      };
      const r = await task();
      expect(E.isLeft(r) && r.left.code).toBe('COMMAND_FAILED');
      expect((await f.records(VM)).get('swap')?.state).toBe('creating');
      f.cluster.clearFaults();
      expect(E.isRight(await f.host('a').backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: 64 * MiB })())).toBe(true);
      expect(await f.violations()).toEqual([]);
    });

    it('checks a func and a flavor size before anything is written, naming the field', async () => {
      const f = await fleetWith('flat/raw');
      const backend = f.host('a').backend;
      const label = await backend.createFromFunc({ instance: VM, disk: 'ephemeral0', func: { kind: 'filesystem', fsType: 'ext4', label: 'bad label' }, size: 64 * MiB })();
      expect(E.isLeft(label) && label.left).toMatchObject({ code: 'INVALID_NAME', path: 'func.label' });
      const files = await backend.createFromFunc({ instance: VM, disk: 'ephemeral0', func: { kind: 'config-drive', files: [{ path: '../../etc/x', content: '' }] }, size: 64 * MiB })();
      expect(E.isLeft(files) && files.left).toMatchObject({ code: 'INVALID_NAME', path: 'func.files.0.path' });
      const fsType = await backend.createFromFunc({ instance: VM, disk: 'ephemeral0', func: { kind: 'filesystem', fsType: 'ntfs' as 'ext4', label: 'eph' }, size: 64 * MiB })();
      expect(E.isLeft(fsType) && fsType.left).toMatchObject({ code: 'UNSUPPORTED_OPERATION', path: 'func.fsType' });
      const kind = await backend.createFromFunc({ instance: VM, disk: 'ephemeral0', func: { kind: 'nope' } as unknown as { kind: 'blank' }, size: 64 * MiB })();
      expect(E.isLeft(kind) && kind.left).toMatchObject({ code: 'UNSUPPORTED_OPERATION', path: 'func.kind' });
      for (const flavorSize of [-1, 1.5, Number.NaN]) {
        const r = await backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize })();
        expect(E.isLeft(r) && r.left).toMatchObject({ code: 'INVALID_SIZE', path: 'flavorSize' });
      }
      expect(f.repository.writesOf(VM, 'ephemeral0')).toEqual([]);
      expect(f.repository.writesOf(VM, 'root')).toEqual([]);
      expect(f.cluster.commands()).toEqual([]);
    });

    it('names the size asked for when rounding it to whole sectors would pass 2^53-1 bytes, writing nothing', async () => {
      const f = await fleetWith('flat/raw');
      const r = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'ephemeral0', func: { kind: 'filesystem', fsType: 'ext4', label: 'eph' }, size: Number.MAX_SAFE_INTEGER })();
      expect(E.isLeft(r) && r.left).toMatchObject({ code: 'INVALID_SIZE', path: 'size', value: Number.MAX_SAFE_INTEGER });
      expect(E.isLeft(r) && r.left.message).toMatch(/^9007199254740991 bytes at size: rounded up to whole 512-byte units/);
      expect(f.repository.writesOf(VM, 'ephemeral0')).toEqual([]);
    });
  });

  describe('when called for an instance on another host', () => {
    it('answers INSTANCE_NOT_ON_HOST and writes nothing there', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
      expect(E.isRight(await f.repository.createInstance(VM, 'a', ['root', 'swap'])())).toBe(true);
      const r = await f.host('b').backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: 64 * MiB })();
      expect(E.isLeft(r) && r.left).toMatchObject({ code: 'INSTANCE_NOT_ON_HOST', host: 'a', path: 'instance' });
      expect(f.repository.writesOf(VM, 'swap')).toEqual([]);
      expect(f.cluster.commands()).toEqual([]);
    });
  });

  describe('when two calls make the same disk at once', () => {
    it('makes it once: the second answers with the record the first made, which is on the host', async () => {
      const f = await fleetWith('qcow2/default');
      const backend = f.host('a').backend;
      const [a, b] = await Promise.all([
        backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })(),
        backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.raw), flavorSize: 4 * GiB })(),
      ]);
      expect(E.isRight(a) && E.isRight(b) && b.right).toEqual(E.isRight(a) && a.right);
      expect((await f.records(VM)).get('root')).toMatchObject({ imageId: IMAGES.qcow2, size: 2 * GiB, state: 'ready' });
      expect(await f.violations()).toEqual([]);
    });

    it('serialises a create and a delete of the instance: no disk outlives its record', async () => {
      const f = await fleetWith('flat/raw');
      const [created, deleted] = await Promise.all([
        f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(IMAGES.qcow2), flavorSize: 2 * GiB })(),
        f.lifecycle().delete(VM)(),
      ]);
      // The delete came second: it removes the disk the create made. Rows the boot never got to (ephemeral0, swap) do not hold it up.
      expect([E.isRight(created), E.isRight(deleted)]).toEqual([true, true]);
      expect(f.cluster.disks().filter((d) => d.location.includes('/vm1/')).map((d) => d.location)).toEqual([]);
    });
  });
});
