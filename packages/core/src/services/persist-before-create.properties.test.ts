import { decodeDiskMetadata, type DiskMetadata, type DiskName } from '@disk-ledger/domain';
import { isInjectedCrash } from '@disk-ledger/fake';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { BIGGER, FLAVOR, GiB, IMAGES, MiB } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { formatProblems, outcome, persistBeforeCreateProblems } from '../composition/testing/observe.js';
import { OPTION_NAMES, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { img, vm } from '../testing/names.js';

const SEED = 0x4d15c;
const INSTANCES = [vm('p0'), vm('p1')] as const;

type Action =
  | { readonly op: 'image'; readonly vm: 0 | 1; readonly disk: 'root' | 'rescue'; readonly image: string; readonly root: number }
  | { readonly op: 'func'; readonly vm: 0 | 1; readonly disk: 'ephemeral0' | 'swap' | 'config' }
  | { readonly op: 'reconfigure'; readonly options: OptionsName }
  | { readonly op: 'lose'; readonly vm: 0 | 1; readonly disk: DiskName }
  | { readonly op: 'reboot'; readonly vm: 0 | 1 }
  | { readonly op: 'crash'; readonly effect: 'crash' | 'crash-after'; readonly nth: number };

const vmArb = fc.constantFrom(0 as const, 1 as const);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ op: fc.constant('image' as const), vm: vmArb, disk: fc.constantFrom('root' as const, 'rescue' as const), image: fc.constantFrom(IMAGES.qcow2, IMAGES.raw, IMAGES.odd), root: fc.constantFrom(0, 2 * GiB) }),
  fc.record({ op: fc.constant('func' as const), vm: vmArb, disk: fc.constantFrom('ephemeral0' as const, 'swap' as const, 'config' as const) }),
  fc.record({ op: fc.constant('reconfigure' as const), options: fc.constantFrom(...OPTION_NAMES) }),
  fc.record({ op: fc.constant('lose' as const), vm: vmArb, disk: fc.constantFrom<DiskName>('root', 'ephemeral0', 'swap', 'config', 'rescue') }),
  fc.record({ op: fc.constant('reboot' as const), vm: vmArb }),
  fc.record({ op: fc.constant('crash' as const), effect: fc.constantFrom('crash' as const, 'crash-after' as const), nth: fc.nat({ max: 2 }) }),
);
const runArb = fc.record({ start: fc.constantFrom(...OPTION_NAMES), actions: fc.array(actionArb, { minLength: 1, maxLength: 10 }) });

const FUNC_SIZES = { ephemeral0: GiB, swap: 512 * MiB, config: 64 * MiB } as const;

/** Run the actions; crashes are swallowed (the process "restarts"), typed errors are allowed (a disk lost twice, a missing source). */
const play = async (f: FakeFleet, actions: readonly Action[]): Promise<void> => {
  for (const a of actions) {
    try {
      switch (a.op) {
        case 'image':
          await f.host('a').backend.createFromImage({ instance: INSTANCES[a.vm], disk: a.disk, imageId: img(a.image), flavorSize: a.root })();
          break;
        case 'func':
          await f.host('a').backend.createFromFunc({ instance: INSTANCES[a.vm], disk: a.disk, func: a.disk === 'swap' ? { kind: 'swap' } : a.disk === 'config' ? { kind: 'config-drive', files: [] } : { kind: 'filesystem', fsType: 'ext4', label: a.disk }, size: FUNC_SIZES[a.disk] })();
          break;
        case 'reconfigure':
          f.reconfigure('a', OPTIONS[a.options]);
          break;
        case 'lose':
          if ((await f.records(INSTANCES[a.vm])).get(a.disk)) await f.lose(INSTANCES[a.vm], a.disk);
          break;
        case 'reboot':
          await f.lifecycle().hardReboot(INSTANCES[a.vm])();
          break;
        case 'crash': {
          let seen = 0;
          f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === a.nth, effect: a.effect });
          break;
        }
      }
    } catch (e) {
      if (!isInjectedCrash(e)) throw e;
    }
  }
  f.cluster.clearFaults();
};

/** The layout part of a record: everything but its state. */
const layout = (m: DiskMetadata): string => JSON.stringify({ ...m, state: null });

describe('persist before create', () => {
  describe('when any sequence of creations, option changes, lost disks, reboots and crashes runs', () => {
    it('never writes a disk without a durable record, never leaves a format unnamed, and keeps every plan', async () => {
      await fc.assert(
        fc.asyncProperty(runArb, async ({ start, actions }) => {
          const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[start] }] });
          // Slots are made as records are saved: a BDM row without a record would be a legacy disk.
          for (const i of INSTANCES) await f.repository.createInstance(i, 'a', [])();
          await play(f, actions);
          for (const i of INSTANCES) {
            const r = await f.lifecycle().hardReboot(i)();
            expect(E.isRight(r) ? 'ok' : `${r.left.code}: ${r.left.message}`).toBe('ok');
          }
          expect(persistBeforeCreateProblems(f)).toEqual([]);
          expect(formatProblems(f.cluster.commands())).toEqual([]);
          // The same plan whatever option changes came later: a slot's layout never changes once written.
          for (const i of INSTANCES) {
            for (const disk of ['root', 'rescue', 'ephemeral0', 'swap', 'config'] as const) {
              const layouts = new Set(f.repository.writesOf(i, disk).flatMap((w) => {
                const m = w.driverInfo === null ? null : decodeDiskMetadata(w.driverInfo);
                return m !== null && E.isRight(m) ? [layout(m.right)] : [];
              }));
              expect(layouts.size).toBeLessThanOrEqual(1);
            }
          }
          expect(await f.violations()).toEqual([]);
        }),
        { seed: SEED, numRuns: 100 },
      );
    });
  });
});

// ---- the lifecycle operations, each of which writes records and then disks

const LIFECYCLE_SEED = 0x9e75a1;
const VMS = [vm('q0'), vm('q1')] as const;

type LifecycleAction =
  | { readonly op: 'spawn'; readonly vm: 0 | 1; readonly image: string | null; readonly configDrive: boolean }
  | { readonly op: 'rebuild' | 'rescue'; readonly vm: 0 | 1; readonly image: string }
  | { readonly op: 'unrescue' | 'resize' | 'shelve' | 'reboot' | 'delete'; readonly vm: 0 | 1 }
  | { readonly op: 'convert'; readonly vm: 0 | 1; readonly disk: 'root' | 'ephemeral0' | 'swap'; readonly to: readonly ['flat', 'raw' | 'qcow2'] | readonly ['qcow2', 'qcow2'] }
  | { readonly op: 'lose'; readonly vm: 0 | 1; readonly disk: DiskName }
  | { readonly op: 'reconfigure'; readonly options: OptionsName }
  | { readonly op: 'crash'; readonly effect: 'crash' | 'crash-after'; readonly nth: number };

const imageArb = fc.constantFrom<string>(IMAGES.qcow2, IMAGES.raw, IMAGES.odd);
const lifecycleActionArb: fc.Arbitrary<LifecycleAction> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('spawn' as const), vm: vmArb, image: fc.option(imageArb, { nil: null }), configDrive: fc.boolean() }) },
  fc.record({ op: fc.constantFrom('rebuild' as const, 'rescue' as const), vm: vmArb, image: imageArb }),
  fc.record({ op: fc.constantFrom('unrescue' as const, 'resize' as const, 'shelve' as const, 'reboot' as const, 'delete' as const), vm: vmArb }),
  fc.record({
    op: fc.constant('convert' as const),
    vm: vmArb,
    disk: fc.constantFrom('root' as const, 'ephemeral0' as const, 'swap' as const),
    to: fc.constantFrom<readonly ['flat', 'raw' | 'qcow2'] | readonly ['qcow2', 'qcow2']>(['flat', 'raw'], ['flat', 'qcow2'], ['qcow2', 'qcow2']),
  }),
  fc.record({ op: fc.constant('lose' as const), vm: vmArb, disk: fc.constantFrom<DiskName>('root', 'ephemeral0', 'swap', 'config', 'rescue') }),
  fc.record({ op: fc.constant('reconfigure' as const), options: fc.constantFrom(...OPTION_NAMES) }),
  fc.record({ op: fc.constant('crash' as const), effect: fc.constantFrom('crash' as const, 'crash-after' as const), nth: fc.nat({ max: 3 }) }),
);
const lifecycleRunArb = fc.record({ start: fc.constantFrom(...OPTION_NAMES), actions: fc.array(lifecycleActionArb, { minLength: 1, maxLength: 8 }) });

type Result = E.Either<{ readonly code: string; readonly message: string }, unknown>;

/** One lifecycle action on host `a` (a resize stays on it, a shelved instance comes back to it); `null` for the test's own actions. */
const lifecycleStep = async (f: FakeFleet, a: LifecycleAction): Promise<Result | null> => {
  const l = f.lifecycle();
  switch (a.op) {
    case 'spawn':
      return l.spawn({ instance: VMS[a.vm], host: 'a', image: a.image === null ? null : img(a.image), flavor: FLAVOR, configDrive: a.configDrive })();
    case 'rebuild':
      return l.rebuild(VMS[a.vm], img(a.image))();
    case 'rescue':
      return l.rescue(VMS[a.vm], img(a.image))();
    case 'unrescue':
      return l.unrescue(VMS[a.vm])();
    case 'resize':
      return l.move(VMS[a.vm], 'a', 'resize', BIGGER)();
    case 'shelve': {
      const shelved = await l.shelve(VMS[a.vm])();
      return E.isLeft(shelved) ? shelved : l.unshelve(VMS[a.vm], 'a', FLAVOR, shelved.right, false)();
    }
    case 'reboot':
      return l.hardReboot(VMS[a.vm])();
    case 'delete':
      return l.delete(VMS[a.vm])();
    case 'convert':
      return l.convert(VMS[a.vm], a.disk, a.to[0], a.to[1])();
    case 'lose':
      if ((await f.records(VMS[a.vm])).get(a.disk)) await f.lose(VMS[a.vm], a.disk);
      return null;
    case 'reconfigure':
      f.reconfigure('a', OPTIONS[a.options]);
      return null;
    case 'crash': {
      let seen = 0;
      f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === a.nth, effect: a.effect });
      return null;
    }
  }
};

describe('persist before create, through the lifecycle', () => {
  describe('when any sequence of boots, rebuilds, rescues, resizes, shelves, conversions, lost disks, option changes and crashes runs', () => {
    it('never writes an instance disk before a record naming it is durable, and never leaves a format unnamed', async () => {
      // Operations that succeeded at least once over the run: the property must not hold by every operation failing.
      const succeeded = new Set<string>();
      await fc.assert(
        fc.asyncProperty(lifecycleRunArb, async ({ start, actions }) => {
          const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[start] }] });
          const outcomes: string[] = [];
          for (const [n, a] of actions.entries()) {
            f.cluster.setStep(n);
            try {
              const r = await lifecycleStep(f, a);
              if (r !== null) outcomes.push(`${a.op}: ${outcome(r)}`);
              if (r !== null && E.isRight(r)) succeeded.add(a.op);
            } catch (e) {
              if (!isInjectedCrash(e)) throw e;
              outcomes.push(`${a.op}: crashed`);
            }
          }
          f.cluster.clearFaults();
          // The next operation completes what a crash left: it too must create only what is recorded.
          for (const [n, i] of VMS.entries()) {
            f.cluster.setStep(`reboot ${n}`);
            await f.lifecycle().hardReboot(i)();
          }
          expect({ outcomes, problems: persistBeforeCreateProblems(f, { announced: true }) }).toEqual({ outcomes, problems: [] });
          expect(formatProblems(f.cluster.commands())).toEqual([]);
        }),
        { seed: LIFECYCLE_SEED, numRuns: 150 },
      );
      expect([...succeeded].sort()).toEqual(['convert', 'delete', 'reboot', 'rebuild', 'rescue', 'resize', 'shelve', 'spawn', 'unrescue']);
    });
  });
});
