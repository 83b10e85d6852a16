import { decodeDiskMetadata, hostBackend, type ImageId } from '@disk-ledger/domain';
import { entryName } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';
import { stringify } from 'yaml';
import { LegacyDriver } from '../../packages/simulator/src/legacy/legacy-driver.js';
import { crashesByStep, StepRunner } from '../../packages/simulator/src/replay/replay.js';
import { loadScenario, type Scenario } from '../../packages/simulator/src/scenario/load-scenario.js';
import type { Step } from '../../packages/simulator/src/scenario/steps.js';
import { World, inMemoryRepository, type CountingRepository } from '../../packages/simulator/src/world/world.js';
import { DataKept, guestData } from './data-kept.js';
import { checkInvariants, diskKeys, keyOf, layoutChanges, layouts, ownerOf, unreachable, type Violation } from './invariants.js';

/**
 * Steps after which every recorded disk of the instance must be on its host:
 * those that (re)start the guest with all its disks, and those that remove
 * them all. A snapshot, a soft reboot (the running VM keeps its open files)
 * or a conversion of one disk need not re-make another disk that vanished.
 */
const restartsGuest = (step: Step): boolean => {
  switch (step.op) {
    case 'reboot':
      return step.hard === true;
    case 'boot': case 'resize': case 'revert_resize': case 'live_migrate': case 'evacuate': case 'rebuild': case 'rescue': case 'unrescue': case 'shelve': case 'unshelve': case 'delete':
      return true;
    default:
      return false;
  }
};

/**
 * Whether a rebuild that failed left its new root record `creating`: its
 * intent is durable, so the instance's next operation finishes it and
 * re-images the root, as after a crash.
 */
const rebuildLeftPending = async (world: World, step: Step, ok: boolean): Promise<boolean> => {
  if (ok || step.op !== 'rebuild') return false;
  const inst = world.instance(step.instance);
  if (inst === undefined) return false;
  const rows = await world.repository.listDisks(inst.id)();
  const root = E.isRight(rows) ? rows.right.find((r) => r.disk === 'root') : undefined;
  const meta = root === undefined || root.driverInfo === null ? null : decodeDiskMetadata(root.driverInfo);
  return meta !== null && E.isRight(meta) && meta.right.state === 'creating';
};

/** Whether the scenario declares `image` a vmdk image. */
const isVmdk = (world: World, image: string): boolean => world.scenario.images?.some((i) => i.id === image && i.disk_format === 'vmdk') ?? false;

/** Errors about the classic driver's facts: an instance the metadata driver booted has records for every disk it ever had, so none may stop it. */
const LEGACY_FACT_ERRORS: ReadonlySet<string> = new Set([
  'DISK_INFO_CORRUPT', 'LEGACY_FACTS_MISSING', 'LEGACY_FACTS_CONTRADICT', 'LEGACY_DISK_MISSING', 'LEGACY_BACKING_REFUSED',
]);

/**
 * A failure injected into one step: its first command fails, or its first
 * database call does, or the host of its command `nth` (counted from 0)
 * dies right after that command took effect. A scenario's `crash` step cuts
 * a step after its host's first command only; this reaches every point of
 * an operation, between a record and its disk included.
 */
export interface Fault {
  readonly at: number;
  readonly kind: 'command' | 'db' | 'crash';
  readonly nth?: number;
}

/** The faults of a generated case, apart from its scenario. */
export const faultsOf = (file: object): readonly Fault[] => ('faults' in file && Array.isArray(file.faults) ? (file.faults as Fault[]) : []);

/** A generated scenario file object, loaded (and so validated) as the CLI would load it. */
export const load = (file: object): Scenario => {
  const { faults: _faults, ...scenario } = file as { faults?: unknown };
  const s = loadScenario(stringify(scenario), 'generated.yaml');
  // The generators only make valid scenarios; an invalid one is a bug of the suite.
  if (E.isLeft(s)) throw new Error(`generated an invalid scenario: ${s.left.message}`);
  return s.right;
};

/**
 * Invariant 7, hostile images are refused before use: a step the metadata
 * driver ran adds no cache entry holding an image whose bytes are hostile
 * (a backing or data file, a vmdk extent, a raw label on a qcow2). The rest
 * of the code names every format, so a gap in verification would show as
 * no probe or leak; this is where it shows. The classic driver's model
 * caches them, and its steps are not checked here.
 */
const hostileCached = (world: World, before: ReadonlySet<string>, step: number): Violation[] => {
  // The entry of a hostile image itself: an image made from one (a snapshot of a disk it became) carries its bytes as
  // guest data, inside a container of its own, and may be cached.
  const hostile = new Map((world.scenario.images ?? []).filter((i) => i.content !== undefined && i.content !== 'benign').map((i) => [entryName(i.id as ImageId), i.id]));
  return world.cluster
    .disks()
    .filter((d) => d.location.includes('/_base/') && !before.has(keyOf(d.host, d.location)))
    .flatMap((d) => {
      const id = hostile.get(d.location.slice(d.location.lastIndexOf('/') + 1));
      return id === undefined ? [] : [{ invariant: '7 hostile images never cached', detail: `step ${step} cached hostile image ${id} at ${d.host ?? ''}:${d.location}` }];
    });
};

/** Where a replay first broke an invariant. */
export interface Broken {
  readonly step: number;
  readonly op: string;
  readonly violations: readonly Violation[];
}

/**
 * Outcomes of the steps the metadata driver ran with no fault or crash
 * injected, by `<op> on <backend of the instance's host>`: what the
 * liveness control reads, so that an operation that always fails cannot
 * pass the suite by never doing anything.
 */
export type OutcomeTally = Map<string, { ok: number; total: number; codes: Map<string, number> }>;

/**
 * Replay a scenario with the metadata driver, checking invariants 1–6 after
 * every step (4: no step rewrites a layout it does not move or convert; 5:
 * an instance the metadata driver booted never fails on the classic driver's
 * facts; 6: nothing a guest wrote is lost); the first step that breaks one,
 * or `null`.
 * `blame: 'everyone'` is the control's: every step runs on the classic
 * driver's model and nothing of it is set apart, so the same checks must
 * find its probes and leaks.
 */
export const replayChecked = async (
  scenario: Scenario,
  repository: CountingRepository = inMemoryRepository(),
  faults: readonly Fault[] = [],
  blame: 'metadata' | 'everyone' = 'metadata',
  tally?: OutcomeTally,
): Promise<Broken | null> => {
  const control = blame === 'everyone';
  const world = new World(scenario, repository, control ? 'legacy' : 'metadata', 'none');
  const runner = new StepRunner(world, (w) => new LegacyDriver(w));
  const crashes = crashesByStep(scenario.steps);
  const exempt = new Set<string>();
  const debris = new Set<string>();
  // Steps the classic driver ran (legacy boots, hosts not yet upgraded): its probes are its own, not ours.
  const classic = new Set<number>();
  // Instances the metadata driver booted: no disk of theirs is the classic driver's.
  const born = new Set<string>();
  const kept = new DataKept();
  let recorded = await layouts(world);
  for (const [index, step] of scenario.steps.entries()) {
    // A crash rule goes first: the fake takes the first rule that matches, so one after a failing command's would not
    // see that command and would fall one command late.
    for (const f of faults.filter((x) => x.at === index).sort((a, b) => Number(b.kind === 'crash') - Number(a.kind === 'crash'))) {
      if (f.kind === 'command') world.cluster.injectFault({ match: () => true, effect: 'fail', stderr: 'injected failure' });
      else if (f.kind === 'crash') {
        let seen = 0;
        world.cluster.injectFault({ match: () => seen++ === (f.nth ?? 0), effect: 'crash-after' });
      } else if ('failNext' in repository && typeof repository.failNext === 'function') repository.failNext();
    }
    const disksBefore = diskKeys(world);
    const hostBefore = 'instance' in step ? world.instance(step.instance)?.host : undefined;
    const actingHost = step.op === 'boot' || step.op === 'unshelve' ? step.host : hostBefore;
    const backendBefore = actingHost === undefined ? undefined : world.options.get(actingHost);
    // A boot from a vmdk image where vmdk is admitted is told apart, so that the control sees it succeed on its own.
    const vmdkBoot = step.op === 'boot' && step.image !== undefined && isVmdk(world, step.image) && world.vmdkAllowed.has(step.host);
    const outcome = await runner.run(index, step, crashes.get(index));
    const pendingRebuild = await rebuildLeftPending(world, step, outcome.ok);
    if (tally !== undefined && backendBefore !== undefined && runner.lastDriver === 'metadata' && crashes.get(index) === undefined && !faults.some((f) => f.at === index)) {
      const key = `${vmdkBoot ? 'boot-from-vmdk' : step.op} on ${hostBackend(backendBefore)}`;
      const t = tally.get(key) ?? { ok: 0, total: 0, codes: new Map<string, number>() };
      t.total += 1;
      if (outcome.ok) t.ok += 1;
      else t.codes.set(outcome.code, (t.codes.get(outcome.code) ?? 0) + 1);
      tally.set(key, t);
    }
    // The known gap is the legacy instance's alone: the metadata driver's records name every volume, whatever the options say now.
    // An evacuation leaves such volumes on its source as a delete does: the source, back, cleans the group or pool it names today.
    if ((step.op === 'delete' || step.op === 'evacuate') && outcome.ok && hostBefore !== undefined && !born.has(step.instance)) {
      for (const key of unreachable(world, step.instance, hostBefore)) debris.add(key);
    }
    world.cluster.clearFaults();
    // A database fault the step never reached must not fall on the checks below.
    if ('clearFault' in repository && typeof repository.clearFault === 'function') repository.clearFault();
    if (runner.lastDriver === 'legacy' && !control) classic.add(index);
    // What the classic driver leaves when one of its steps fails part-way is its debris: no record or disk.info names it.
    if (runner.lastDriver === 'legacy' && !outcome.ok) for (const key of diskKeys(world)) if (!disksBefore.has(key)) debris.add(key);
    // So are the disks a failed classic evacuation left on its source: the instance is on its destination without them
    // (nova's is in ERROR there), and nova's source, back, keeps a failed evacuation's disks.
    if (runner.lastDriver === 'legacy' && !outcome.ok && step.op === 'evacuate' && hostBefore !== undefined && world.instance(step.instance)?.host !== hostBefore) {
      for (const d of world.cluster.disks()) if (d.host === hostBefore && ownerOf(d.location) === step.instance) debris.add(keyOf(d.host, d.location));
    }
    if ('instance' in step) {
      // A crash or a vanished disk breaks invariant 3 by design; the instance's next operation must recover it.
      // So does the classic driver acting on a host not yet upgraded: it makes disks without records; and a delete
      // a failing command stopped part-way, which removed some disks on purpose and which the next delete finishes.
      // So does a rebuild that failed once its new record was durable: the next operation finishes it.
      const cut = !outcome.ok && (outcome.code === 'HOST_CRASHED' || step.op === 'delete' || pendingRebuild);
      if (cut || step.op === 'delete_disk_file' || (runner.lastDriver === 'legacy' && !control)) exempt.add(step.instance);
      else if (outcome.ok && restartsGuest(step)) exempt.delete(step.instance);
    }
    const violations = await checkInvariants(world, exempt, classic, debris, runner.pendingLeftBehind());
    if (runner.lastDriver === 'metadata' && !control) violations.push(...hostileCached(world, disksBefore, index));
    if ('instance' in step && born.has(step.instance) && runner.lastDriver === 'metadata' && !outcome.ok && LEGACY_FACT_ERRORS.has(outcome.code)) {
      violations.push({ invariant: '5 records alone decide', detail: `${step.instance}, booted with records, failed ${step.op} on the classic driver's facts: ${outcome.code} ${outcome.message}` });
    }
    if (step.op === 'boot') {
      if (outcome.ok && runner.lastDriver === 'metadata') born.add(step.instance);
      else if (outcome.ok) born.delete(step.instance);
    }
    if (step.op === 'delete' && outcome.ok) born.delete(step.instance);
    // A shelve here drops the instance's disks and records; the classic driver unshelving it makes them anew, its own.
    if (step.op === 'unshelve' && outcome.ok && runner.lastDriver === 'legacy') born.delete(step.instance);
    const classicStep = runner.lastDriver === 'legacy' && !control;
    const now = await layouts(world);
    violations.push(...layoutChanges(recorded, now, step, classicStep));
    recorded = now;
    const reached = outcome.ok || outcome.code === 'HOST_CRASHED' || pendingRebuild;
    const live = new Set(world.instances.keys());
    violations.push(...kept.check(index, step, await guestData(world), { exempt, reached, classic: classicStep, live }));
    if (violations.length > 0) return { step: index, op: step.op, violations };
  }
  return null;
};

/** Replay a scenario with the classic driver's model; whether it probed or leaked. */
export const legacyMisbehaves = async (scenario: Scenario): Promise<boolean> => {
  const world = new World(scenario, inMemoryRepository(), 'legacy', 'none');
  const runner = new StepRunner(world, (w) => new LegacyDriver(w));
  const crashes = crashesByStep(scenario.steps);
  for (const [index, step] of scenario.steps.entries()) await runner.run(index, step, crashes.get(index));
  return world.cluster.probes().length > 0 || world.cluster.leaks().length > 0;
};
