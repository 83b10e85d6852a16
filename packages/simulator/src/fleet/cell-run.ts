/**
 * One cell of a fleet run: plan its hosts from the cell's seed, build its
 * world on the in-memory host (command log off: a long run keeps counts, not
 * argv), then generate and replay events one at a time through the replay
 * engine's `StepRunner`, tallying outcomes, sampling the census at every
 * hundredth of the events, and reporting progress. A fleet of one cell is
 * exactly this run; fleet-run.ts runs several and merges them.
 */
import type { BlockDeviceMappingRepository } from '@disk-ledger/domain';
import { InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import { performance } from 'node:perf_hooks';
import { LeakAttribution } from '../report/leak-attribution.js';
import { StepRunner } from '../replay/replay.js';
import { runsClassic } from '../replay/step-runner.js';
import type { StepDriver } from '../replay/step-driver.js';
import type { Step } from '../scenario/steps.js';
import { World } from '../world/world.js';
import { Census } from './census.js';
import { EventGenerator } from './event-generator.js';
import { Examples } from './examples.js';
import type { HostKind } from './fleet-catalogue.js';
import type { FleetCell } from './cells.js';
import { planFleet } from './fleet-plan.js';
import { OutcomeTally, type Carrier, type FleetSample, type FleetSummary } from './fleet-summary.js';
import { mulberry32 } from './prng.js';
import { TrackingRepository } from './tracking-repository.js';

// ---- types

/** What a cell's run needs besides its options. */
export interface CellRunDeps {
  /** Builds the classic driver's reference model on a world. */
  readonly legacyDriver: (world: World) => StepDriver;
  /** Called with the cell's events done, about every 0.5 % of them, and once at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Shown the world once the last event has run (tests check the summary against it). */
  readonly inspect?: (world: World) => Promise<void> | void;
  /** The cell's database, holding nothing of its instances yet (default: a new one in memory). */
  readonly repository?: BlockDeviceMappingRepository;
}

// ---- the run

/** Samples after the first: one at each hundredth of the events, so cells of one fleet sample alike. */
export const SAMPLES = 100;

/** Which part of the system carries out a step, as the step runner will choose it. */
const carrierOf = (world: World, step: Step): Carrier => {
  switch (step.op) {
    case 'guest_write':
    case 'reconfigure':
    case 'delete_disk_file':
    case 'delete_disk_info':
    case 'upgrade':
    case 'crash':
      return 'host';
    case 'online_migrate':
      return world.mode === 'metadata' ? 'metadata' : 'host';
    default:
      break;
  }
  if (world.mode === 'legacy' || (step.op === 'boot' && step.legacy === true)) return 'legacy';
  return runsClassic(world, step) ? 'legacy' : 'metadata';
};

const layoutsOf = (census: Census): Pick<FleetSample, 'layouts' | 'recorded' | 'missing' | 'derived'> => {
  const c = census.snapshot();
  const layouts: Record<string, number> = {};
  let derived = 0;
  for (const e of c.entries) {
    const key = e.provenance === null ? 'no record' : `${e.backend}/${e.format}`;
    layouts[key] = (layouts[key] ?? 0) + e.disks;
    if (e.provenance === 'derived') derived += e.disks;
  }
  return { layouts, recorded: c.recorded, missing: c.missing, derived };
};

/** Run one cell of a generated fleet and summarise it. */
export const runCell = async (cell: FleetCell, deps: CellRunDeps): Promise<FleetSummary> => {
  const started = performance.now();
  const options = cell.options;
  const prng = mulberry32(options.seed);
  const plan = planFleet(options, prng, cell.hostPrefix);
  const census = new Census();
  const inner = deps.repository ?? new InMemoryBlockDeviceMappingRepository();
  const repository = new TrackingRepository(inner, (i) => census.touch(i));
  const world = new World(plan.scenario, repository, options.mode, 'none');
  for (const h of plan.hosts) if (h.startsLegacy) world.modes.set(h.name, 'legacy');
  const runner = new StepRunner(world, deps.legacyDriver);
  const generator = new EventGenerator(plan, world, prng);
  const tally = new OutcomeTally();
  const examples = new Examples();
  const owners = new LeakAttribution();
  const cluster = world.cluster;
  const total = options.events;
  // Sample k (1..SAMPLES) is taken once floor(k·E/SAMPLES) events are done: always SAMPLES + 1 samples.
  let nextSample = 1;
  const progressEvery = Math.max(1, Math.floor(total / 200));
  const samples: FleetSample[] = [];
  const sampleMs: number[] = [];
  const msByLabel = new Map<string, number>();

  // The reference model never upgrades: its upgrade events change nothing, so none is counted.
  const upgraded = (): number => (options.mode === 'legacy' ? 0 : generator.upgraded);
  const loopStart = performance.now();
  const sample = async (event: number): Promise<void> => {
    await census.flush(world, inner);
    // The operator's periodic `nova-manage db archive_deleted_rows`: without it, the in-memory database of a long run
    // keeps every row it ever soft-deleted, and a cell's heap grows with its events rather than with its instances.
    if (inner instanceof InMemoryBlockDeviceMappingRepository) inner.archiveDeleted();
    samples.push({
      event, live: generator.live.size, upgradedHosts: upgraded(), ...layoutsOf(census),
      probes: cluster.probes().length, leaks: cluster.leaks().length,
    });
    sampleMs.push(Math.round(performance.now() - loopStart));
  };

  await sample(0);
  for (let i = 0; i < total; i += 1) {
    const event = generator.next(i);
    const carrier = carrierOf(world, event.step);
    const probes = cluster.probes().length;
    const leaks = cluster.leaks().length;
    const t0 = performance.now();
    const outcome = await runner.run(i, event.step, event.crashHost);
    msByLabel.set(event.label, (msByLabel.get(event.label) ?? 0) + (performance.now() - t0));
    const newProbes = cluster.probes().length - probes;
    const newLeaks = cluster.leaks().length - leaks;
    const classicStep = options.mode === 'metadata' && carrier === 'legacy';
    const inheritedBefore = owners.inherited;
    // Only this step's leaks, read in place: most steps have none, and a slice would be made for every event.
    const allLeaks = cluster.leaks();
    for (let l = leaks; l < allLeaks.length; l += 1) {
      const leak = allLeaks[l];
      if (leak !== undefined) owners.attribute(leak.marker, classicStep, leak.via);
    }
    const inheritedLeaks = owners.inherited - inheritedBefore;
    tally.add(event.label, outcome.ok ? null : outcome.code, carrier, newProbes, newLeaks - inheritedLeaks);
    if (newProbes + newLeaks > 0) examples.add(classicStep || (newLeaks === inheritedLeaks && newProbes === 0) ? 'classic' : 'ours', cluster.probes(), probes, cluster.leaks(), leaks);
    // An instance's disks can change without a repository write (the classic driver's bookkeeping, a first
    // touch that supersedes it), so its step marks it; recounting an unchanged instance decodes nothing.
    if ('instance' in event.step) census.touch(event.step.instance);
    generator.observe(event, outcome);
    // The runner remembers every classic step for a scenario's report; a fleet counts them itself, so the set is not kept growing.
    runner.classicSteps.clear();
    const done = i + 1;
    for (; nextSample <= SAMPLES && Math.floor((nextSample * total) / SAMPLES) <= done; nextSample += 1) await sample(done);
    if (done % progressEvery === 0 || done === total) {
      deps.onProgress?.(done, total);
      // Let timers and I/O run (a progress bar's redraw, a signal) between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  cluster.setStep(null);
  const loopMs = performance.now() - loopStart;
  await deps.inspect?.(world);

  const final = census.snapshot();
  const carriers = tally.byCarrier();
  const classic = options.mode === 'metadata' ? { probes: carriers.legacy.probes, leaks: carriers.legacy.leaks + owners.inherited } : { probes: 0, leaks: 0 };
  const hostKinds: Partial<Record<HostKind, number>> = {};
  for (const h of plan.hosts) hostKinds[h.kind] = (hostKinds[h.kind] ?? 0) + 1;
  const disks = final.recorded + final.missing;
  return {
    fleet: {
      seed: options.seed, mode: options.mode, cells: 1, hosts: options.hosts, instances: options.instances, events: total, hostKinds,
      legacyHosts: options.mode === 'legacy' ? plan.hosts.length : plan.hosts.filter((h) => h.startsLegacy).length, upgradedHosts: upgraded(),
    },
    outcomes: tally.outcomes(),
    totals: { ok: tally.ok, error: tally.error },
    counters: {
      // As in a scenario replay: in metadata mode, what the classic driver did on hosts not yet upgraded is counted apart.
      probes: cluster.probes().length - classic.probes,
      leaks: cluster.leaks().length - classic.leaks,
      commands: cluster.commandCount,
      dbRoundTrips: repository.roundTrips,
      classic,
    },
    byCarrier: carriers,
    instances: { live: generator.live.size, bootsAttempted: generator.bootsAttempted },
    census: { ...final, withRecordsShare: disks === 0 ? 1 : final.recorded / disks },
    examples: examples.summary(),
    samples,
    timing: {
      wallMs: Math.round(performance.now() - started),
      loopMs: Math.round(loopMs),
      eventsPerSec: loopMs > 0 ? Math.round((total * 1000) / loopMs) : 0,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      sampleMs,
      msByLabel: Object.fromEntries([...msByLabel].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, Math.round(v)])),
    },
  };
};
