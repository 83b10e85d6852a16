import { HOSTILE_KINDS, imageId, type ImageId } from '@disk-ledger/domain';
import { isInjectedCrash } from '@disk-ledger/fake';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { BIGGER, IMAGES } from '../composition/testing/catalogue.js';
import { FakeFleet, INSTANCES_PATH } from '../composition/testing/fake-fleet.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { sees } from '../composition/testing/markers.js';
import { allProblems, outcome, recordTable } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { vm } from '../testing/names.js';

const VM = vm('vm1');
const SEED = 0x7e5a;

const img = (s: string): ImageId => {
  const r = imageId(s);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

const pair = async (src: OptionsName, dst: OptionsName): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[src] }, { name: 'b', options: OPTIONS[dst] }] });
  await f.boot(VM, 'a');
  return f;
};

/** The instance's disks a host holds (shared rbd images belong to no host). */
const heldOn = (f: FakeFleet, host: string): string[] =>
  f.cluster.disks().flatMap((d) => {
    const a = d.address;
    if (a.kind === 'rbd' || a.host !== host) return [];
    const where = a.kind === 'lv' ? `${a.vg}/${a.lv}` : a.path;
    return where.includes('vm1') && !where.includes('/_base/') ? [where] : [];
  });

/** Remove the instance's disk `file` from `host`, wherever its backend keeps it there; whether there was one. */
const loseOn = (f: FakeFleet, host: string, file: string): boolean => {
  const h = f.cluster.host(host);
  const path = `${INSTANCES_PATH}/vm1/${file}`;
  let lost = h.fs.exists(path);
  h.fs.remove(path);
  for (const vg of h.volumeGroups.values()) lost = vg.remove(`vm1_${file}`) || lost;
  for (const pool of f.cluster.pools.values()) lost = pool.images.delete(`vm1_${file}`) || lost;
  return lost;
};

const shared = (src: OptionsName, dst: OptionsName): boolean => src === 'rbd/shared' && dst === 'rbd/shared';

const code = (r: E.Either<{ readonly code: string }, unknown>): string => (E.isLeft(r) ? r.left.code : 'ok');

describe('resize with confirm or revert', () => {
  describe('when a disk on a pool both hosts share vanishes while the resize waits', () => {
    it('makes it again from its record on revert, as the guest restarts on the source (found by the security suite, seed 14)', async () => {
      const f = await pair('rbd/shared', 'rbd/shared');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', BIGGER, 'manual')())).toBe('ok');
      expect(loseOn(f, 'b', 'disk')).toBe(true);
      expect(outcome(await f.lifecycle().revertResize(VM)())).toBe('ok');
      expect(await f.hostOf(VM)).toBe('a');
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when a resize waits for confirm', () => {
    for (const src of BACKEND_OPTIONS) {
      for (const dst of BACKEND_OPTIONS) {
        it(`keeps the source's disks, described by the migration record, until confirmed (${src} → ${dst})`, async () => {
          const f = await pair(src, dst);
          const markers = await writeBenign(f, VM);
          const heldBefore = heldOn(f, 'a');
          expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', BIGGER, 'manual')())).toBe('ok');
          expect(await f.hostOf(VM)).toBe('b');
          expect(heldOn(f, 'a')).toEqual(heldBefore);
          expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
          expect(await allProblems(f)).toEqual([]);

          for (const op of [
            () => f.lifecycle().rebuild(VM, img(IMAGES.raw))(),
            () => f.lifecycle().convert(VM, 'root', 'flat', 'raw')(),
            () => f.lifecycle().shelve(VM)(),
            () => f.lifecycle().rescue(VM, img(IMAGES.raw))(),
            () => f.lifecycle().move(VM, 'a', 'live-migrate')(),
          ]) {
            expect(code(await op())).toBe('RESIZE_UNCONFIRMED');
          }
          expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');

          expect(outcome(await f.lifecycle().confirmResize(VM)())).toBe('ok');
          expect(heldOn(f, 'a')).toEqual([]);
          expect(await sees(f, VM, 'ephemeral0', markers.get('ephemeral0') ?? '')).toBe(true);
          expect(await allProblems(f)).toEqual([]);
          expect(code(await f.lifecycle().confirmResize(VM)())).toBe('NO_RESIZE_PENDING');
        });

        it(`reverts to the source's disks and records, and drops the destination's (${src} → ${dst})`, async () => {
          const f = await pair(src, dst);
          const markers = await writeBenign(f, VM);
          const before = await recordTable(f, VM);
          expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', BIGGER, 'manual')())).toBe('ok');
          expect(outcome(await f.lifecycle().revertResize(VM)())).toBe('ok');
          expect(await f.hostOf(VM)).toBe('a');
          expect(heldOn(f, 'b')).toEqual([]);
          const after = await recordTable(f, VM);
          // Growth of a shared disk cannot be undone: its record keeps the grown size.
          if (!shared(src, dst)) expect(after).toEqual(before);
          for (const disk of ['root', 'ephemeral0'] as const) expect(await sees(f, VM, disk, markers.get(disk) ?? '')).toBe(true);
          expect(await allProblems(f)).toEqual([]);
          expect(code(await f.lifecycle().revertResize(VM)())).toBe('NO_RESIZE_PENDING');
        });
      }
    }
  });

  describe('when a source disk vanished while the resize waited', () => {
    for (const src of BACKEND_OPTIONS) {
      it(`re-makes it from its record on revert, before the guest restarts there (${src} → flat/raw)`, async () => {
        const f = await pair(src, 'flat/raw');
        expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', BIGGER, 'manual')())).toBe('ok');
        expect(loseOn(f, 'a', 'disk.swap')).toBe(true);
        expect(outcome(await f.lifecycle().revertResize(VM)())).toBe('ok');
        expect(await f.hostOf(VM)).toBe('a');
        expect(await allProblems(f)).toEqual([]);
      });
    }

    it('leaves the resize waiting, the instance on its destination, when the disk cannot be re-made', async () => {
      const f = await pair('flat/raw', 'flat/raw');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', BIGGER, 'manual')())).toBe('ok');
      expect(loseOn(f, 'a', 'disk.swap')).toBe(true);
      f.cluster.injectFault({ match: (_argv, host) => host === 'a', effect: 'fail' });
      expect(code(await f.lifecycle().revertResize(VM)())).not.toBe('ok');
      f.cluster.clearFaults();
      expect(await f.hostOf(VM)).toBe('b');
      expect(code(await f.lifecycle().rebuild(VM, img(IMAGES.raw))())).toBe('RESIZE_UNCONFIRMED');
      expect(outcome(await f.lifecycle().revertResize(VM)())).toBe('ok');
      expect(await f.hostOf(VM)).toBe('a');
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when a guest planted hostile headers in every writable disk', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`neither probes nor leaks through resize, revert, resize and confirm (${name} → flat/raw and qcow2/default)`, async () => {
        for (const hostile of HOSTILE_KINDS) {
          for (const dst of ['flat/raw', 'qcow2/default'] as const) {
            const f = await pair(name, dst);
            await plantHostile(f, VM, hostile);
            expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', BIGGER, 'manual')())).toBe('ok');
            expect(outcome(await f.lifecycle().revertResize(VM)())).toBe('ok');
            expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', BIGGER, 'manual')())).toBe('ok');
            expect(outcome(await f.lifecycle().confirmResize(VM)())).toBe('ok');
            expect(f.cluster.probes()).toEqual([]);
            expect(f.cluster.leaks()).toEqual([]);
            expect(await allProblems(f)).toEqual([]);
          }
        }
      });
    }
  });

  describe('when nothing waits', () => {
    it('answers NO_RESIZE_PENDING to confirm and revert, and a resize that confirms itself leaves nothing to confirm', async () => {
      const f = await pair('flat/raw', 'qcow2/default');
      expect(code(await f.lifecycle().confirmResize(VM)())).toBe('NO_RESIZE_PENDING');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
      expect(code(await f.lifecycle().revertResize(VM)())).toBe('NO_RESIZE_PENDING');
      expect(heldOn(f, 'a')).toEqual([]);
    });
  });

  describe('when the instance is deleted while its resize waits', () => {
    it('confirms first: no disk of the instance is left on either host', async () => {
      const f = await pair('lvm', 'flat/raw');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', undefined, 'manual')())).toBe('ok');
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect([...heldOn(f, 'a'), ...heldOn(f, 'b')]).toEqual([]);
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when the process dies part-way through a confirm or a revert', () => {
    it('the next operation finishes it, and the kept data is on the host the instance is on', async () => {
      const run = fc.record({
        src: fc.constantFrom(...BACKEND_OPTIONS),
        dst: fc.constantFrom(...BACKEND_OPTIONS),
        revert: fc.boolean(),
        nth: fc.nat({ max: 6 }),
      });
      await fc.assert(
        fc.asyncProperty(run, async ({ src, dst, revert, nth }) => {
          const f = await pair(src, dst);
          const markers = await writeBenign(f, VM);
          expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', undefined, 'manual')())).toBe('ok');
          let seen = 0;
          f.cluster.injectFault({ match: () => seen++ === nth, effect: 'crash' });
          try {
            await (revert ? f.lifecycle().revertResize(VM)() : f.lifecycle().confirmResize(VM)());
          } catch (e) {
            if (!isInjectedCrash(e)) throw e;
          }
          f.cluster.clearFaults();
          expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
          expect(await f.hostOf(VM)).toBe(revert ? 'a' : 'b');
          expect(heldOn(f, revert ? 'b' : 'a')).toEqual([]);
          expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
          expect(await allProblems(f)).toEqual([]);
        }),
        { seed: SEED, numRuns: 60 },
      );
    });
  });

  describe('when the process dies part-way through a move', () => {
    it('the next operation rolls it back or forward: no record without its disk, no disk without a record, no data lost', async () => {
      const run = fc.record({
        src: fc.constantFrom(...BACKEND_OPTIONS, 'rbd/other' as const),
        dst: fc.constantFrom(...BACKEND_OPTIONS, 'rbd/other' as const),
        nth: fc.nat({ max: 24 }),
        effect: fc.constantFrom('crash' as const, 'crash-after' as const),
        manual: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(run, async ({ src, dst, nth, effect, manual }) => {
          const f = await pair(src, dst);
          const markers = await writeBenign(f, VM);
          let seen = 0;
          f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === nth, effect });
          try {
            await f.lifecycle().move(VM, 'b', 'resize', BIGGER, manual ? 'manual' : 'auto')();
          } catch (e) {
            if (!isInjectedCrash(e)) throw e;
          }
          f.cluster.clearFaults();
          expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
          if (manual) await f.lifecycle().confirmResize(VM)();
          for (const disk of ['root', 'ephemeral0'] as const) expect(await sees(f, VM, disk, markers.get(disk) ?? '')).toBe(true);
          // A crash while the host's cache built a template leaves its partial file: the cache's, rebuilt on its next use.
          expect((await allProblems(f)).filter((p) => !/\/_base\/[^/]+\.part$/.test(p))).toEqual([]);
        }),
        { seed: SEED, numRuns: 150 },
      );
    });
  });

  describe('when the stored migration record is corrupt', () => {
    it('answers MIGRATION_UNREADABLE naming the field, and changes nothing', async () => {
      const f = await pair('flat/raw', 'flat/raw');
      await f.store.setMigration(VM, '{"version":1,"kind":"teleport"}')();
      const before = await recordTable(f, VM);
      const r = await f.lifecycle().hardReboot(VM)();
      expect(E.isLeft(r) && r.left.code).toBe('MIGRATION_UNREADABLE');
      expect(E.isLeft(r) && r.left.path).toBe('migration.kind');
      expect(await recordTable(f, VM)).toEqual(before);
    });
  });
});
