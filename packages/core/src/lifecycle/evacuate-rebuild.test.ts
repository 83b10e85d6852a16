import { imageMarker, isInjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FLAVOR, GiB, IMAGES, MiB, hostileImage } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { sees } from '../composition/testing/markers.js';
import { allProblems, formatProblems, outcome, recordTable } from '../composition/testing/observe.js';
import { OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { img, vm } from '../testing/names.js';
import type { InstanceFacts } from './evacuate-rebuild.js';
import { classicEntryName } from '../services/backing-chain.js';
import { decodeMigration } from './migration-record.js';
import { leftBehind } from './move-settle.js';

const VM = vm('old1');
const FACTS: InstanceFacts = { image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true };

/** A legacy instance (root, ephemeral, swap; no records) on `a`, whose host then dies; `b` is where it goes. */
const legacyOnDeadHost = async (src: OptionsName, dst: OptionsName, configDrive = false): Promise<{ f: FakeFleet; markers: ReadonlyMap<string, string> }> => {
  // The fleet's image service answers through its first host, which must not be the dead one.
  const f = new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS[dst] }, { name: 'a', options: OPTIONS[src] }] });
  const format = src === 'qcow2/default' ? 'qcow2' : 'raw';
  const markers = await seedLegacy(f, {
    instance: VM,
    host: 'a',
    disks: [
      { disk: 'root', format, size: 2 * GiB, content: { kind: 'benign' } },
      { disk: 'ephemeral0', format, size: GiB },
      { disk: 'swap', format, size: 512 * MiB },
      ...(configDrive ? [{ disk: 'config' as const, format: 'raw' as const, size: 64 * MiB }] : []),
    ],
  });
  f.cluster.setHostDown('a', true);
  return { f, markers };
};

describe('evacuating an instance whose disks have no record', () => {
  it('answers RECORD_MISSING without its facts, and changes nothing', async () => {
    const { f } = await legacyOnDeadHost('flat/raw', 'flat/raw');
    const r = await f.lifecycle().evacuate(VM, 'b')();
    expect(E.isLeft(r) && [r.left.code, r.left.message]).toEqual(['RECORD_MISSING', expect.stringContaining('image, flavor and config drive')]);
    expect(f.repository.events).toEqual([]);
    expect((await f.store.getInstance(VM)()).valueOf()).toEqual(E.right(expect.objectContaining({ host: 'a', migration: null })));
  });

  it('answers RECORD_MISSING without its facts for an instance with no row at all (shelved here, unshelved by a compute not yet upgraded), rather than move it without a root', async () => {
    const f = new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS['flat/raw'] }, { name: 'a', options: OPTIONS['flat/raw'] }] });
    expect(E.isRight(await f.store.createInstance(VM, 'a', [], IMAGES.raw)())).toBe(true);
    f.cluster.setHostDown('a', true);
    const r = await f.lifecycle().evacuate(VM, 'b')();
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['RECORD_MISSING', `${VM}/root`]);
    expect((await f.store.getInstance(VM)()).valueOf()).toEqual(E.right(expect.objectContaining({ host: 'a', migration: null })));
  });

  it('looks for nothing in a shared pool for an instance booted from a volume without local disks, and moves it as it is', async () => {
    const f = new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS['rbd/shared'] }, { name: 'a', options: OPTIONS['rbd/shared'] }] });
    expect(E.isRight(await f.store.createInstance(VM, 'a', [], null)())).toBe(true);
    f.cluster.setHostDown('a', true);
    expect(outcome(await f.lifecycle().evacuate(VM, 'b')())).toBe('ok');
    expect(f.cluster.commands().map((c) => c.argv.join(' '))).toEqual([]);
    expect(await recordTable(f, VM)).toEqual({});
  });

  it("keeps the usual disks a rowless instance has in a pool the destination shares, and makes those its facts describe and the pool lost", async () => {
    const f = new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS['rbd/shared'] }, { name: 'a', options: OPTIONS['rbd/shared'] }] });
    // What a compute not yet upgraded made on unshelving it: its root and ephemeral images, no rows; its swap was lost.
    const markers = await seedLegacy(f, {
      instance: VM, host: 'a', imageRef: IMAGES.raw, rowless: true,
      disks: [{ disk: 'root', format: 'raw', size: 2 * GiB, content: { kind: 'benign' } }, { disk: 'ephemeral0', format: 'raw', size: GiB, content: { kind: 'benign' } }],
    });
    f.cluster.setHostDown('a', true);
    expect(outcome(await f.lifecycle().evacuate(VM, 'b', { image: img(IMAGES.raw), flavor: { root: 2 * GiB, ephemeral: GiB, swap: 512 * MiB } })())).toBe('ok');
    const records = await f.records(VM);
    expect([...records].map(([disk, m]) => `${disk} ${m?.provenance ?? 'none'} ${m?.location ?? ''}`).sort()).toEqual([
      `ephemeral0 derived pool0/${VM}_disk.eph0`,
      `root derived pool0/${VM}_disk`,
      `swap created pool0/${VM}_disk.swap`,
    ]);
    for (const disk of ['root', 'ephemeral0'] as const) expect(await sees(f, VM, disk, markers.get(disk) ?? 'none')).toBe(true);
    expect(f.cluster.probes()).toEqual([]);
  });

  it("makes a derived overlay root anew from the image its record names (the instance's image_ref) when no facts are given", async () => {
    const f = new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS['flat/raw'] }, { name: 'a', options: OPTIONS['qcow2/default'] }] });
    await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'qcow2', size: 2 * GiB, base: classicEntryName(IMAGES.raw) }], imageRef: IMAGES.raw });
    const adopted = await f.host('a').adoption.ensure(VM, 'root')();
    expect(E.isRight(adopted) && [adopted.right.imageId, adopted.right.imageFormat]).toEqual([IMAGES.raw, null]);
    f.cluster.setHostDown('a', true);
    const r = await f.lifecycle().evacuate(VM, 'b')();
    expect(outcome(r)).toBe('ok');
    const root = (await f.records(VM)).get('root');
    expect(root !== undefined && root !== null && [root.backend, root.imageId, root.imageFormat, root.state]).toEqual(['qcow2', IMAGES.raw, 'raw', 'ready']);
    expect(f.cluster.probes()).toEqual([]);
  });

  it('makes every disk anew on the destination from the image and flavor, as a boot there would, recording each first', async () => {
    const { f } = await legacyOnDeadHost('flat/raw', 'qcow2/default');
    const r = await f.lifecycle().evacuate(VM, 'b', FACTS)();
    expect(outcome(r)).toBe('ok');
    expect(E.isRight(r) && r.right).toEqual({ host: 'a', disks: [] });
    expect(await recordTable(f, VM)).toEqual({
      root: `qcow2/qcow2 ${2 * GiB} @disk ready`,
      ephemeral0: `qcow2/qcow2 ${GiB} @disk.eph0 ready`,
      swap: `qcow2/qcow2 ${512 * MiB} @disk.swap ready`,
      config: `flat/raw ${64 * MiB} @disk.config ready`,
    });
    expect((await f.store.getInstance(VM)()).valueOf()).toEqual(E.right(expect.objectContaining({ host: 'b', migration: null })));
    expect(f.cluster.probes()).toEqual([]);
    expect(formatProblems(f.cluster.commands())).toEqual([]);
    // The dead host keeps the classic driver's files until it comes back and removes the instance's directory.
    expect((await f.violations()).filter((v) => !v.startsWith('disk without a record: a:'))).toEqual([]);
    f.cluster.setHostDown('a', false);
    expect(outcome(await f.lifecycle().removeLeftBehind(VM, E.isRight(r) ? r.right : { host: 'a', disks: [] })())).toBe('ok');
    expect(await f.violations()).toEqual([]);
  });

  it('has the returning source remove the classic volumes, config drive included, from the pool its options still name after they moved to lvm', async () => {
    const { f } = await legacyOnDeadHost('rbd/other', 'flat/raw', true);
    const pool = OPTIONS['rbd/other'].imagesRbdPool;
    f.reconfigure('a', { ...OPTIONS.lvm, imagesRbdPool: pool });
    expect(f.cluster.disks().filter((d) => d.address.kind === 'rbd' && d.location.includes('old1_'))).toHaveLength(4);
    const r = await f.lifecycle().evacuate(VM, 'b', FACTS)();
    expect(outcome(r)).toBe('ok');
    f.cluster.setHostDown('a', false);
    expect(outcome(await f.lifecycle().removeLeftBehind(VM, E.isRight(r) ? r.right : { host: 'a', disks: [] })())).toBe('ok');
    expect(f.cluster.disks().filter((d) => d.address.kind !== 'file' && d.location.includes('old1_'))).toEqual([]);
    expect(await f.violations()).toEqual([]);
  });

  it('keeps a volume of an rbd pool the destination shares, with a derived record, and its data', async () => {
    const { f, markers } = await legacyOnDeadHost('rbd/shared', 'rbd/shared');
    expect(outcome(await f.lifecycle().evacuate(VM, 'b', FACTS)())).toBe('ok');
    const records = await f.records(VM);
    expect(records.get('root')).toMatchObject({ backend: 'rbd', provenance: 'derived', location: 'pool0/old1_disk' });
    expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
    expect(await f.violations()).toEqual([]);
  });

  it('refuses a hostile image before anything is written', async () => {
    const { f } = await legacyOnDeadHost('flat/raw', 'flat/raw');
    const r = await f.lifecycle().evacuate(VM, 'b', { ...FACTS, image: img(hostileImage('qcow2', 'qcow2-backing-host-file')) })();
    expect(E.isLeft(r)).toBe(true);
    expect(f.repository.events).toEqual([]);
    expect(f.cluster.leaks()).toEqual([]);
  });

  it('stays on the destination when making a disk fails there, and a hard reboot finishes it', async () => {
    const { f } = await legacyOnDeadHost('flat/raw', 'flat/raw');
    let seen = 0;
    f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === 1 });
    expect(E.isLeft(await f.lifecycle().evacuate(VM, 'b', FACTS)())).toBe(true);
    f.cluster.clearFaults();
    const row = await f.store.getInstance(VM)();
    expect(row).toEqual(E.right(expect.objectContaining({ host: 'b' })));
    // What it leaves on the source is in its migration record; the source removes it when back, finished or not.
    const m = E.isRight(row) && row.right.migration !== null ? decodeMigration(VM, row.right.migration) : null;
    expect(m !== null && E.isRight(m)).toBe(true);
    f.cluster.setHostDown('a', false);
    if (m !== null && E.isRight(m)) expect(outcome(await f.lifecycle().removeLeftBehind(VM, leftBehind(m.right))())).toBe('ok');
    expect((await f.violations()).filter((v) => v.startsWith('disk without a record: a:'))).toEqual([]);
    // No record the legacy rows had was taken away: each row holds the destination's record.
    expect([...(await f.records(VM)).values()].every((m) => m !== null)).toBe(true);
    expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
    expect((await f.store.getInstance(VM)()).valueOf()).toEqual(E.right(expect.objectContaining({ host: 'b', migration: null })));
    expect(await f.violations()).toEqual([]);
  });

  for (const dst of ['lvm', 'ploop', 'flat/raw', 'rbd/other'] as const) {
    it(`makes again a disk a crash left half made on a ${dst} destination, never taking it for whole`, async () => {
      for (let nth = 0; nth < 12; nth += 1) {
        const { f } = await legacyOnDeadHost('flat/raw', dst);
        let seen = 0;
        f.cluster.injectFault({ effect: 'crash-after', match: (argv, host) => host === 'b' && writeTargetOf(argv) !== null && seen++ === nth });
        try {
          await f.lifecycle().evacuate(VM, 'b', FACTS)();
        } catch (e) {
          if (!isInjectedCrash(e)) throw e;
        }
        f.cluster.clearFaults();
        expect(outcome(await f.lifecycle().hardReboot(VM)()), `crash after write ${nth}`).toBe('ok');
        expect(await sees(f, VM, 'root', imageMarker(IMAGES.qcow2)), `crash after write ${nth}`).toBe(true);
        expect((await f.violations()).filter((v) => !v.startsWith('disk without a record: a:')), `crash after write ${nth}`).toEqual([]);
      }
    });
  }

  it('makes a root whose record was derived (no image) from the instance\'s image, and refuses to make it empty without one', async () => {
    const { f } = await legacyOnDeadHost('flat/raw', 'qcow2/default');
    f.cluster.setHostDown('a', false);
    expect(outcome(await f.lifecycle().records(VM)())).toBe('ok');
    f.cluster.setHostDown('a', true);
    expect(E.isLeft(await f.lifecycle().evacuate(VM, 'b')())).toBe(true);
    expect((await f.store.getInstance(VM)()).valueOf()).toEqual(E.right(expect.objectContaining({ host: 'a', migration: null })));
    expect(outcome(await f.lifecycle().evacuate(VM, 'b', FACTS)())).toBe('ok');
    expect(await sees(f, VM, 'root', imageMarker(IMAGES.qcow2))).toBe(true);
  });

  it('keeps the instance\'s image in the shared pool though its dead host\'s options no longer name that pool', async () => {
    const { f, markers } = await legacyOnDeadHost('rbd/shared', 'rbd/shared');
    f.reconfigure('a', OPTIONS['flat/raw']);
    expect(outcome(await f.lifecycle().evacuate(VM, 'b', FACTS)())).toBe('ok');
    expect((await f.records(VM)).get('root')).toMatchObject({ backend: 'rbd', provenance: 'derived', location: 'pool0/old1_disk' });
    expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
  });

  it('needs no image for a root kept in a shared pool, and writes nothing when it fails before it begins', async () => {
    const { f } = await legacyOnDeadHost('rbd/shared', 'rbd/shared');
    expect(outcome(await f.lifecycle().evacuate(VM, 'b', { ...FACTS, image: img('gone'), configDrive: false })())).toBe('ok');
    const again = await legacyOnDeadHost('rbd/shared', 'flat/raw');
    expect(E.isLeft(await again.f.lifecycle().evacuate(VM, 'b', { ...FACTS, image: img('gone') })())).toBe(true);
    expect(again.f.repository.events).toEqual([]);
  });

  it('records each disk before it makes it when the first record write failed after the evacuation reached its destination', async () => {
    const { f } = await legacyOnDeadHost('flat/raw', 'qcow2/default');
    const store = f.store;
    const save = store.saveRecords.bind(store);
    let failed = false;
    store.saveRecords = (instance, writes) => {
      if (failed) return save(instance, writes);
      failed = true;
      return async () => E.left({ _tag: 'RepositoryFailed', code: 'REPOSITORY_FAILED', message: 'injected', path: 'writes' });
    };
    expect(E.isLeft(await f.lifecycle().evacuate(VM, 'b', FACTS)())).toBe(true);
    expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
    expect(await sees(f, VM, 'root', imageMarker(IMAGES.qcow2))).toBe(true);
    expect((await allProblems(f)).filter((v) => !v.startsWith('disk without a record: a:'))).toEqual([]);
  });

  it('keeps a first ephemeral disk of nova\'s older name (disk.local) in a shared pool, with its data', async () => {
    const f = new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS['rbd/shared'] }, { name: 'a', options: OPTIONS['rbd/shared'] }] });
    const markers = await seedLegacy(f, {
      instance: VM,
      host: 'a',
      disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }, { disk: 'ephemeral0', format: 'raw', size: GiB, file: 'disk.local', content: { kind: 'benign' } }],
    });
    f.cluster.setHostDown('a', true);
    expect(outcome(await f.lifecycle().evacuate(VM, 'b', FACTS)())).toBe('ok');
    expect((await f.records(VM)).get('ephemeral0')).toMatchObject({ backend: 'rbd', provenance: 'derived', location: 'pool0/old1_disk.local' });
    expect(await sees(f, VM, 'ephemeral0', markers.get('ephemeral0') ?? '')).toBe(true);
  });
});
