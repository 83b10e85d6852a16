import { HOSTILE_KINDS, type HostPath, type ImageId } from '@disk-ledger/domain';
import { isInjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { describe, expect, it, vi } from 'vitest';
import { FLAVOR, GiB, IMAGES } from '../composition/testing/catalogue.js';
import { FakeFleet, INSTANCES_PATH } from '../composition/testing/fake-fleet.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { sees } from '../composition/testing/markers.js';
import { allProblems, observe, outcome, recordTable } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { img, vm } from '../testing/names.js';

const VM = vm('vm1');

const fleet = async (src: OptionsName, dst: OptionsName): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[src] }, { name: 'b', options: OPTIONS[dst] }] });
  await f.boot(VM, 'a');
  return f;
};

/** The next backend in the list: unshelving elsewhere lands on another layout. */
/** Shelve the instance; the image its root went to. */
const shelved = async (f: FakeFleet): Promise<ImageId | null> => {
  const r = await f.lifecycle().shelve(VM)();
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

const other = (name: OptionsName): OptionsName => BACKEND_OPTIONS[(BACKEND_OPTIONS.indexOf(name) + 1) % BACKEND_OPTIONS.length] ?? 'flat/raw';

describe('shelve', () => {
  describe('when the instance boots from a volume and has local disks', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`keeps it shelved until an unshelve, which makes its disks again, on ${name}`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }, { name: 'b', options: OPTIONS[name] }] });
        await f.boot(VM, 'a', { image: null });
        expect(await shelved(f)).toBe(null);
        const r = await f.lifecycle().hardReboot(VM)();
        expect(E.isLeft(r) && r.left.code).toBe('INSTANCE_SHELVED');
        expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
        expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, null, false)())).toBe('ok');
        expect([...(await f.records(VM)).keys()].sort()).toEqual(['ephemeral0', 'swap']);
        expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when shelving', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`snapshots the root, then removes every local disk and its record, on ${name}`, async () => {
        const f = await fleet(name, name);
        const markers = await writeBenign(f, VM);
        const o = await observe(f, VM, () => f.lifecycle().shelve(VM)());
        expect(outcome(o.result)).toBe('ok');
        expect(o.after).toEqual({});
        expect(f.cluster.imageMarkers('vm1-shelved')).toContain(markers.get('root'));
        expect(f.store.allRows(VM).filter((r) => r.bdmId !== null).every((r) => r.deleted)).toBe(true);
        expect(f.cluster.host('a').fs.exists(`${INSTANCES_PATH}/${VM}`)).toBe(false);
        expect(await allProblems(f)).toEqual([]);
      });
    }

    it('leaves nothing of the instance on its old host once it is unshelved elsewhere and deleted', async () => {
      const f = await fleet('flat/raw', 'qcow2/default');
      const image = await shelved(f);
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, image, false)())).toBe('ok');
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      for (const h of ['a', 'b']) expect([...f.cluster.host(h).fs.files()].map(([p]) => p).filter((p) => p.includes(`/${VM}`))).toEqual([]);
      for (const h of ['a', 'b']) expect(f.cluster.host(h).fs.exists(`${INSTANCES_PATH}/${VM}`)).toBe(false);
    });
  });

  describe('when unshelving on another host', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`re-creates the disks there, records first, the root from the shelved image (${name} → ${other(name)})`, async () => {
        const f = await fleet(name, other(name));
        const markers = await writeBenign(f, VM);
        const image = await shelved(f);
        const o = await observe(f, VM, () => f.lifecycle().unshelve(VM, 'b', FLAVOR, image, false)());
        expect(outcome(o.result)).toBe('ok');
        expect(await f.hostOf(VM)).toBe('b');
        expect(Object.keys(o.after)).toEqual(['root', 'ephemeral0', 'swap']);
        expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when a shelve fails or a crash cuts it while it removes the disks', () => {
    for (const name of ['lvm', 'rbd/shared'] as const) {
      it(`never lets the next hard reboot re-make the root from its image, nor loses the image once the root is gone: the guest's data comes back (${name})`, async () => {
        for (let nth = 0; nth < 4; nth += 1) {
          for (const effect of ['fail', 'crash-after'] as const) {
            const f = await fleet(name, name);
            const markers = await writeBenign(f, VM);
            let seen = 0;
            let hit: readonly string[] = [];
            const removes = (argv: readonly string[]) => argv[0] === 'lvremove' || (argv[0] === 'rbd' && (argv[1] === 'rm' || argv[1] === 'remove'));
            f.cluster.injectFault({ effect, match: (argv, host) => host === 'a' && removes(argv) && seen++ === nth && (hit = argv) !== null });
            try {
              await f.lifecycle().shelve(VM)();
            } catch (e) {
              if (!isInjectedCrash(e)) throw e;
            }
            f.cluster.clearFaults();
            const what = `${effect} at removal ${nth} (${hit.join(' ')})`;
            // Fewer disks than removals tried: the shelve ran to its end.
            if (hit.length === 0) continue;
            // A host dying right after the root's own removal: the instance is shelved, and shelving it again answers the image.
            if (effect === 'crash-after' && hit.some((a) => a.endsWith(`/${VM}_disk`))) {
              const refused = await f.lifecycle().hardReboot(VM)();
              expect(E.isLeft(refused) && refused.left, what).toMatchObject({ code: 'INSTANCE_SHELVED', image: 'vm1-shelved', host: 'a' });
              const again = await f.lifecycle().shelve(VM)();
              expect(again, what).toEqual(E.right('vm1-shelved'));
              // Asked again (its answer lost too), it answers the same: the shelve is kept until an unshelve.
              expect(await f.lifecycle().shelve(VM)(), what).toEqual(E.right('vm1-shelved'));
              expect(outcome(await f.lifecycle().unshelve(VM, 'a', FLAVOR, 'vm1-shelved' as ImageId, false)()), what).toBe('ok');
              expect(await sees(f, VM, 'root', markers.get('root') ?? ''), what).toBe(true);
              expect(await allProblems(f), what).toEqual([]);
              continue;
            }
            const rebooted = await f.lifecycle().hardReboot(VM)();
            expect(outcome(rebooted), what).toBe('ok');
            expect([...(await f.records(VM)).keys()], what).toContain('root');
            expect(await sees(f, VM, 'root', markers.get('root') ?? ''), what).toBe(true);
            // Either way the shelve's image holds the guest's data.
            expect(f.cluster.imageMarkers('vm1-shelved'), what).toContain(markers.get('root'));
          }
        }
      });
    }
  });

  describe('when a host dies right after a shelve removed the root, before the shelve answered', () => {
    /** A fleet whose instance's shelve on lvm host `a` was cut right after the root's removal; the guest's root marker. */
    const cutAfterRoot = async (): Promise<{ f: FakeFleet; marker: string }> => {
      const f = await fleet('lvm', 'qcow2/default');
      const marker = (await writeBenign(f, VM)).get('root') ?? '';
      f.cluster.injectFault({ effect: 'crash-after', match: (argv, host) => host === 'a' && argv[0] === 'lvremove' && argv.some((a) => a.endsWith(`/${VM}_disk`)) });
      await expect(f.lifecycle().shelve(VM)()).rejects.toSatisfy(isInjectedCrash);
      f.cluster.clearFaults();
      return { f, marker };
    };

    it('unshelves from the image that shelve took, given its id, and forgets the cut shelve', async () => {
      const { f, marker } = await cutAfterRoot();
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toBe('ok');
      expect(await sees(f, VM, 'root', marker)).toBe(true);
      expect(await f.store.getInstance(VM)()).toMatchObject({ right: { host: 'b', migration: null } });
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect(await allProblems(f)).toEqual([]);
    });

    it('refuses to unshelve from any other image (INVALID_NAME), changing nothing', async () => {
      const { f } = await cutAfterRoot();
      const before = await f.store.getInstance(VM)();
      const r = await f.lifecycle().unshelve(VM, 'b', FLAVOR, img(IMAGES.qcow2), false)();
      expect(E.isLeft(r) && r.left).toMatchObject({ code: 'INVALID_NAME', path: 'shelvedImage' });
      expect(await f.store.getInstance(VM)()).toEqual(before);
      expect(await f.records(VM)).toEqual(new Map());
    });

    it('refuses a reboot, resize confirm or snapshot with INSTANCE_SHELVED, and lets a delete remove the instance', async () => {
      const { f } = await cutAfterRoot();
      for (const r of [await f.lifecycle().hardReboot(VM)(), await f.lifecycle().confirmResize(VM)(), await f.lifecycle().snapshot(VM, img('snap-1'))()]) {
        expect(E.isLeft(r) && r.left).toMatchObject({ code: 'INSTANCE_SHELVED', image: 'vm1-shelved' });
      }
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(E.isLeft(await f.store.getInstance(VM)())).toBe(true);
      expect([...f.cluster.host('a').fs.files()].map(([p]) => p).filter((p) => p.includes(`/${VM}`))).toEqual([]);
      expect(await allProblems(f)).toEqual([]);
    });

    it('is undone even when a disk it removed cannot be made again now: the records stand, and a delete still removes everything', async () => {
      const f = await fleet('lvm', 'lvm');
      f.cluster.injectFault({ effect: 'fail', match: (argv, host) => host === 'a' && argv[0] === 'lvremove' && argv.some((a) => a.endsWith(`/${VM}_disk`)) });
      expect(outcome(await f.lifecycle().shelve(VM)())).not.toBe('ok');
      f.cluster.clearFaults();
      for (let i = 0; i < 10; i += 1) f.cluster.injectFault({ effect: 'fail', match: (argv, host) => host === 'a' && argv[0] === 'lvcreate' });
      expect(outcome(await f.lifecycle().settle(VM)())).toBe('ok');
      f.cluster.clearFaults();
      expect([...(await f.records(VM)).keys()]).toContain('ephemeral0');
      expect(await f.store.getInstance(VM)()).toMatchObject({ right: { migration: null } });
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(f.cluster.disks().filter((d) => d.location.includes(VM))).toEqual([]);
    });

    it('keeps its intent through a crash while the undo makes the removed disks again, so the next settle makes them', async () => {
      const f = await fleet('lvm', 'lvm');
      vi.spyOn(f.store, 'saveRecords').mockImplementationOnce(() => TE.left({ _tag: 'RepositoryFailed', code: 'REPOSITORY_FAILED', message: 'injected' }));
      expect(outcome(await f.lifecycle().shelve(VM)())).toMatch(/^REPOSITORY_FAILED/);
      f.cluster.injectFault({ effect: 'crash', match: (argv, host) => host === 'a' && argv[0] === 'lvcreate' });
      await expect(f.lifecycle().settle(VM)()).rejects.toSatisfy(isInjectedCrash);
      f.cluster.clearFaults();
      expect(await f.store.getInstance(VM)()).not.toMatchObject({ right: { migration: null } });
      expect(outcome(await f.lifecycle().settle(VM)())).toBe('ok');
      expect(await f.store.getInstance(VM)()).toMatchObject({ right: { migration: null } });
      expect(await allProblems(f)).toEqual([]);
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
    });

    it('stays shelved when an unshelve elsewhere fails after moving the instance, and the next unshelve there finishes it', async () => {
      const { f, marker } = await cutAfterRoot();
      vi.spyOn(f.store, 'saveRecords').mockImplementationOnce(() => TE.left({ _tag: 'RepositoryFailed', code: 'REPOSITORY_FAILED', message: 'injected' }));
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toMatch(/^REPOSITORY_FAILED/);
      expect(await f.store.getInstance(VM)()).toMatchObject({ right: { host: 'b' } });
      const refused = await f.lifecycle().hardReboot(VM)();
      expect(E.isLeft(refused) && refused.left).toMatchObject({ code: 'INSTANCE_SHELVED', image: 'vm1-shelved' });
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img(IMAGES.qcow2), false)())).toMatch(/^INVALID_NAME/);
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toBe('ok');
      expect(await sees(f, VM, 'root', marker)).toBe(true);
      expect(await allProblems(f)).toEqual([]);
    });

    it('leaves nothing on that host either when the first unshelve elsewhere failed and a second one finished', async () => {
      const { f } = await cutAfterRoot();
      vi.spyOn(f.store, 'setHost').mockImplementationOnce(() => TE.left({ _tag: 'RepositoryFailed', code: 'REPOSITORY_FAILED', message: 'injected' }));
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toMatch(/^REPOSITORY_FAILED/);
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toBe('ok');
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(f.cluster.host('a').fs.exists(`${INSTANCES_PATH}/${VM}`)).toBe(false);
    });

    it('unshelves onto the same host into a fresh instance directory', async () => {
      const { f, marker } = await cutAfterRoot();
      const stale = `${INSTANCES_PATH}/${VM}/console.log`;
      expect(E.isRight(await f.cluster.files('a').writeTextAtomic(stale as HostPath, 'old')())).toBe(true);
      expect(outcome(await f.lifecycle().unshelve(VM, 'a', FLAVOR, img('vm1-shelved'), false)())).toBe('ok');
      expect(f.cluster.host('a').fs.exists(stale)).toBe(false);
      expect(await sees(f, VM, 'root', marker)).toBe(true);
      expect(await allProblems(f)).toEqual([]);
    });

    it('leaves nothing on the host it was shelved from once it is unshelved elsewhere and deleted', async () => {
      const { f } = await cutAfterRoot();
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toBe('ok');
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(f.cluster.host('a').fs.exists(`${INSTANCES_PATH}/${VM}`)).toBe(false);
    });

    it('is undone by a host restart while the root is still there: the records come back from the shelve\'s intent', async () => {
      const f = await fleet('lvm', 'lvm');
      const marker = (await writeBenign(f, VM)).get('root') ?? '';
      const before = await recordTable(f, VM);
      f.cluster.injectFault({ effect: 'fail', match: (argv, host) => host === 'a' && argv[0] === 'lvremove' && argv.some((a) => a.endsWith(`/${VM}_disk`)) });
      const r = await f.lifecycle().shelve(VM)();
      f.cluster.clearFaults();
      expect(outcome(r)).not.toBe('ok');
      expect(await f.records(VM)).toEqual(new Map());
      expect(outcome(await f.lifecycle().settle(VM)())).toBe('ok');
      expect(await recordTable(f, VM)).toEqual(before);
      expect(await f.store.getInstance(VM)()).toMatchObject({ right: { migration: null } });
      // The disks the shelve removed are made again from their records: no record is left without its disk.
      expect(await allProblems(f)).toEqual([]);
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect(await sees(f, VM, 'root', marker)).toBe(true);
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when an unshelve fails or a crash cuts it part-way', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`finishes on the next unshelve to the same host, every disk whole and the shelved data back (${name} → ${other(name)})`, async () => {
        for (let nth = 0; nth < 6; nth += 1) {
          for (const effect of ['fail', 'crash-after'] as const) {
            const f = await fleet(name, other(name));
            const markers = await writeBenign(f, VM);
            const image = await shelved(f);
            let seen = 0;
            f.cluster.injectFault({ effect, match: (argv, host) => host === 'b' && writeTargetOf(argv) !== null && seen++ === nth });
            try {
              await f.lifecycle().unshelve(VM, 'b', FLAVOR, image, false)();
            } catch (e) {
              if (!isInjectedCrash(e)) throw e;
            }
            f.cluster.clearFaults();
            const what = `${effect} at write ${nth}`;
            expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, image, false)()), what).toBe('ok');
            expect(await sees(f, VM, 'root', markers.get('root') ?? ''), what).toBe(true);
            expect(await allProblems(f), what).toEqual([]);
          }
        }
      });
    }
  });

  describe('when a guest planted hostile headers first', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`shelve and unshelve neither probe nor leak, and the guest can come back (${name} → ${other(name)})`, async () => {
        for (const kind of HOSTILE_KINDS) {
          const f = await fleet(name, other(name));
          await plantHostile(f, VM, kind);
          const image = await shelved(f);
          expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, image, false)())).toBe('ok');
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
  });

  describe('when shelving again after an unshelve, or retrying a shelve', () => {
    it('uploads to the next shelved image and unshelves from the latest', async () => {
      const f = await fleet('flat/raw', 'qcow2/default');
      const first = await writeBenign(f, VM);
      expect(await shelved(f)).toBe('vm1-shelved');
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), true)())).toBe('ok');
      expect(Object.keys(await recordTable(f, VM))).toEqual(['root', 'ephemeral0', 'swap', 'config']);
      const second = await writeBenign(f, VM);
      expect(await shelved(f)).toBe('vm1-shelved-2');
      expect(f.cluster.imageMarkers('vm1-shelved-2')).toContain(second.get('root'));
      expect(outcome(await f.lifecycle().unshelve(VM, 'a', FLAVOR, img('vm1-shelved-2'), false)())).toBe('ok');
      expect(await sees(f, VM, 'root', second.get('root') ?? '')).toBe(true);
      expect(await sees(f, VM, 'root', first.get('root') ?? '')).toBe(true);
      expect(await allProblems(f)).toEqual([]);
    });

    it('answers the same image to a shelve asked again (its answer lost), and INSTANCE_SHELVED to a reboot, until an unshelve', async () => {
      const f = await fleet('lvm', 'qcow2/default');
      const marker = (await writeBenign(f, VM)).get('root') ?? '';
      expect(await shelved(f)).toBe('vm1-shelved');
      expect(await shelved(f)).toBe('vm1-shelved');
      const refused = await f.lifecycle().hardReboot(VM)();
      expect(E.isLeft(refused) && refused.left).toMatchObject({ code: 'INSTANCE_SHELVED', image: 'vm1-shelved', host: 'a' });
      expect(f.cluster.imageMarkers('vm1-shelved-2')).toBeNull();
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toBe('ok');
      expect(await sees(f, VM, 'root', marker)).toBe(true);
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect(await allProblems(f)).toEqual([]);
    });

    it('unshelves elsewhere while the host it was shelved from is down', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'img', options: OPTIONS['qcow2/default'] }, { name: 'a', options: OPTIONS.lvm }, { name: 'b', options: OPTIONS['qcow2/default'] }] });
      await f.boot(VM, 'a');
      const marker = (await writeBenign(f, VM)).get('root') ?? '';
      expect(await shelved(f)).toBe('vm1-shelved');
      f.cluster.setHostDown('a', true);
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toBe('ok');
      expect(await sees(f, VM, 'root', marker)).toBe(true);
    });

    it('answers RECORD_EXISTS for an instance that is not shelved, and moves nothing of it', async () => {
      const f = await fleet('flat/raw', 'flat/raw');
      const before = await recordTable(f, VM);
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img(IMAGES.qcow2), false)())).toMatch(/^RECORD_EXISTS/);
      expect(await recordTable(f, VM)).toEqual(before);
      expect(await f.hostOf(VM)).toBe('a');
      expect(await allProblems(f)).toEqual([]);
    });

    it('unshelves an instance the classic driver shelved (its disks gone, its slots left without records), and not one whose disks are still there', async () => {
      for (const options of ['flat/raw', 'lvm'] as const) {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }, { name: 'b', options: OPTIONS['qcow2/default'] }] });
        const old = vm('old1');
        await seedLegacy(f, { instance: old, host: 'a', disks: [{ disk: 'root', format: 'raw', size: 2 * GiB }, { disk: 'ephemeral0', format: 'raw', size: GiB }] });
        expect(outcome(await f.lifecycle().unshelve(old, 'b', FLAVOR, img(IMAGES.qcow2), false)()), options).toMatch(/^RECORD_EXISTS/);
        expect([...(await f.records(old)).values()], options).toEqual([null, null]);
        // The classic shelve: the disks and the instance's directory go, the block device mappings stay.
        const a = f.cluster.host('a');
        for (const lv of ['old1_disk', 'old1_disk.eph0']) a.volumeGroups.get('vg0')?.remove(lv);
        a.fs.remove(`${f.contexts.get('a')?.instancesPath ?? ''}/old1`);
        expect(outcome(await f.lifecycle().unshelve(old, 'b', FLAVOR, img(IMAGES.qcow2), false)()), options).toBe('ok');
        const records = await f.records(old);
        expect([...records.keys()], options).toEqual(['root', 'ephemeral0', 'swap']);
        expect([...records.values()].map((m) => `${m?.backend}/${m?.provenance}/${m?.state}`), options).toEqual(['qcow2/created/ready', 'qcow2/created/ready', 'qcow2/created/ready']);
        expect(await f.hostOf(old), options).toBe('b');
        expect(await allProblems(f), options).toEqual([]);
      }
    });

    it('refuses the shelved image of another instance (INVALID_NAME), changing nothing', async () => {
      const f = await fleet('flat/raw', 'flat/raw');
      const other = vm('vm2');
      await f.boot(other, 'a');
      expect(outcome(await f.lifecycle().shelve(other)())).toBe('ok');
      expect(outcome(await f.lifecycle().shelve(VM)())).toBe('ok');
      const before = await recordTable(f, VM);
      const r = await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm2-shelved'), false)();
      expect(E.isLeft(r) && `${r.left.code} ${r.left.path}`).toBe('INVALID_NAME shelvedImage');
      expect(await recordTable(f, VM)).toEqual(before);
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved'), false)())).toBe('ok');
    });

    it('answers INVALID_NAME for an image other than its shelve\'s, RECORD_MISSING when the shelved image is not there, and INSTANCE_NOT_FOUND for an instance nobody registered', async () => {
      const f = await fleet('flat/raw', 'flat/raw');
      expect(await f.lifecycle().shelve(VM)()).toEqual(E.right('vm1-shelved'));
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved-7'), false)())).toMatch(/^INVALID_NAME/);
      // A shelve that kept nothing (made before shelves kept their intent) unshelves from the image given, which must be there.
      expect(E.isRight(await f.store.setMigration(VM, null)())).toBe(true);
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, img('vm1-shelved-7'), false)())).toMatch(/^RECORD_MISSING/);
      expect(outcome(await f.lifecycle().unshelve(vm('never'), 'b', FLAVOR, img('never-shelved'), false)())).toMatch(/^INSTANCE_NOT_FOUND/);
    });
  });

  describe("when another instance snapshots under an id shaped like this one's shelved image", () => {
    it('refuses it, so unshelve boots the instance from its own image', async () => {
      const f = await fleet('flat/raw', 'flat/raw');
      await f.boot(vm('vm2'), 'a');
      const markers = await writeBenign(f, VM);
      for (const id of ['vm1-shelved', 'vm1-shelved-2']) {
        expect(outcome(await f.lifecycle().snapshot(vm('vm2'), id)())).toMatch(/^INVALID_NAME/);
      }
      const image = await shelved(f);
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, image, true)())).toBe('ok');
      expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
    });
  });

  describe('when someone uploads an image under a later shelved-image id of the instance', () => {
    it('unshelves from the image its shelve returned, never from the upload', async () => {
      const f = await fleet('flat/raw', 'flat/raw');
      const markers = await writeBenign(f, VM);
      const image = await shelved(f);
      // An uploader with the image service's own API (not the snapshot API, which refuses such ids).
      f.cluster.addImage({ id: 'vm1-shelved-2', diskFormat: 'raw', virtualSize: GiB });
      expect(outcome(await f.lifecycle().unshelve(VM, 'b', FLAVOR, image, false)())).toBe('ok');
      expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
    });
  });
});
