import { HOSTILE_KINDS, type Backend, type DiskFormat } from '@disk-ledger/domain';
import { isInjectedCrash } from '@disk-ledger/fake';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { sees, survives } from '../composition/testing/markers.js';
import { allProblems, observe, outcome, recordTable } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { vm } from '../testing/names.js';

const VM = vm('vm1');
const SEED = 0xc0de;

/** Every layout a disk can be converted to. */
const TARGETS: readonly (readonly [Backend, DiskFormat])[] = [
  ['flat', 'raw'], ['flat', 'qcow2'], ['qcow2', 'qcow2'], ['lvm', 'raw'], ['rbd', 'raw'], ['ploop', 'ploop'], ['ploop', 'raw'],
];

/** A host of these options that also has a volume group and a pool, so that every target can be placed. */
const booted = async (name: OptionsName): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: { ...OPTIONS[name], imagesVolumeGroup: 'vg0', imagesRbdPool: 'pool0' } }] });
  await f.boot(VM, 'a');
  return f;
};

describe('convert', () => {
  describe('when changing a disk layout on purpose', () => {
    for (const name of BACKEND_OPTIONS) {
      for (const [backend, format] of TARGETS) {
        it(`${name} root → ${backend}/${format}: new record first, data kept, both formats named`, async () => {
          const f = await booted(name);
          const markers = await writeBenign(f, VM);
          const o = await observe(f, VM, () => f.lifecycle().convert(VM, 'root', backend, format)());
          expect(outcome(o.result)).toBe('ok');
          const root = (await f.records(VM)).get('root');
          expect(`${root?.backend}/${root?.format}/${root?.state}`).toBe(`${backend}/${format}/ready`);
          const { root: _r, ...others } = o.after;
          const { root: _b, ...othersBefore } = o.before;
          expect(others).toEqual(othersBefore);
          expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
          expect(await allProblems(f)).toEqual([]);
        });
      }
    }
  });

  describe('when the target cannot be placed on the host', () => {
    it('refuses lvm without a volume group and a backend/format pair that cannot be, changing nothing', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      await f.boot(VM, 'a');
      for (const [backend, format] of [['lvm', 'raw'], ['rbd', 'raw'], ['lvm', 'qcow2']] as const) {
        const o = await observe(f, VM, () => f.lifecycle().convert(VM, 'root', backend, format)());
        expect(E.isLeft(o.result) && o.result.left.code).toBe('OPTIONS_INCONSISTENT');
        expect(o.after).toEqual(o.before);
        expect(o.commands).toEqual([]);
      }
    });
  });

  describe('when a guest planted hostile headers first', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`neither probes nor leaks converting ${name} disks to every layout`, async () => {
        for (const kind of HOSTILE_KINDS) {
          const f = await booted(name);
          await plantHostile(f, VM, kind);
          for (const [backend, format] of TARGETS) expect(outcome(await f.lifecycle().convert(VM, 'ephemeral0', backend, format)())).toBe('ok');
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
  });

  describe('when a command fails part-way', () => {
    it('puts the old record and the old disk back', async () => {
      const run = fc.record({ src: fc.constantFrom(...BACKEND_OPTIONS), target: fc.constantFrom(...TARGETS), nth: fc.nat({ max: 5 }) });
      await fc.assert(
        fc.asyncProperty(run, async ({ src, target, nth }) => {
          const f = await booted(src);
          const markers = await writeBenign(f, VM);
          const before = await recordTable(f, VM);
          let seen = 0;
          f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === nth });
          const r = await f.lifecycle().convert(VM, 'root', target[0], target[1])();
          if (f.cluster.faults.pending > 0) return;
          expect(E.isLeft(r) && r.left._tag).toBe('CommandFailed');
          expect(await recordTable(f, VM)).toEqual(before);
          expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
          expect(await allProblems(f)).toEqual([]);
        }),
        { seed: SEED, numRuns: 60 },
      );
    });
  });

  describe('when the process dies part-way', () => {
    it('loses no data and leaves nothing over: the next operation completes the conversion from the staged copy or puts the old layout back', async () => {
      const run = fc.record({ src: fc.constantFrom(...BACKEND_OPTIONS), target: fc.constantFrom(...TARGETS), nth: fc.nat({ max: 5 }), effect: fc.constantFrom('crash' as const, 'crash-after' as const) });
      await fc.assert(
        fc.asyncProperty(run, async ({ src, target, nth, effect }) => {
          const f = await booted(src);
          const markers = await writeBenign(f, VM);
          let seen = 0;
          f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === nth, effect });
          try {
            await f.lifecycle().convert(VM, 'root', target[0], target[1])();
          } catch (e) {
            if (!isInjectedCrash(e)) throw e;
          }
          f.cluster.clearFaults();
          expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
          const marker = markers.get('root') ?? '';
          expect(survives(f, marker)).toBe(true);
          expect(await sees(f, VM, 'root', marker)).toBe(true);
          // The layout that lost goes too (the migration record names it); only a template the cache was building may be left.
          expect((await allProblems(f)).filter((p) => !/\/_base\/[^/]+\.part$/.test(p))).toEqual([]);
        }),
        { seed: SEED, numRuns: 200 },
      );
    });
  });
});
