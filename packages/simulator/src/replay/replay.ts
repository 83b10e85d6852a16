import { isInjectedCrash, type LeakRecord, type ProbeRecord } from '@disk-ledger/fake';
import { performance } from 'node:perf_hooks';
import type { RunReport, StepReport } from '../report/run-report.js';
import type { Scenario } from '../scenario/load-scenario.js';
import type { HostConfig } from '../scenario/scenario.js';
import type { Step } from '../scenario/steps.js';
import { World, type CountingRepository } from '../world/world.js';
import { collectDisks } from './collect-disks.js';
import { checkExpectations } from './expectations.js';
import { deleteDiskFile, deleteDiskInfo, guestWrite, onlineMigrate, reconfigure } from './host-steps.js';
import { MetadataDriver } from './metadata-driver.js';
import { failed, OK, type Outcome } from './outcome.js';
import type { StepDriver } from './step-driver.js';

/**
 * Whether a probe or leak is the metadata driver's: not recorded during a
 * step the classic driver ran, and (for leaks) not of a secret the classic
 * driver had already copied into a disk, which later merely travels with it.
 */
export const attribution = (classicSteps: ReadonlySet<number>, leaks: readonly LeakRecord[]) => {
  const classic = (step: unknown) => typeof step === 'number' && classicSteps.has(step);
  const inherited = new Set(leaks.filter((l) => classic(l.step)).map((l) => l.marker));
  return {
    probe: (p: ProbeRecord) => !classic(p.step),
    leak: (l: LeakRecord) => !classic(l.step) && !inherited.has(l.marker),
  };
};

/** How to replay. */
export interface ReplayOptions {
  readonly mode: 'metadata' | 'legacy';
  readonly repository: CountingRepository;
  /** Builds the classic driver's reference model on a world. */
  readonly legacyDriver: (world: World) => StepDriver;
}

/** Which driver carries out an instance step: the classic one on hosts not yet upgraded, and for legacy boots. */
const driverFor = (world: World, step: Step, drivers: { metadata: StepDriver; legacy: StepDriver }): StepDriver => {
  const host = 'instance' in step ? (world.instance(step.instance)?.host ?? ('host' in step ? step.host : undefined)) : undefined;
  return host !== undefined && world.modes.get(host) === 'legacy' ? drivers.legacy : drivers.metadata;
};

const run = (world: World, step: Step, d: StepDriver, configs: Map<string, HostConfig>): Promise<Outcome> | Outcome => {
  switch (step.op) {
    case 'boot': return d.boot(step);
    case 'reboot': return d.reboot(step);
    case 'resize': return d.resize(step);
    case 'live_migrate': return d.liveMigrate(step);
    case 'evacuate': return d.evacuate(step);
    case 'rebuild': return d.rebuild(step);
    case 'snapshot': return d.snapshot(step);
    case 'rescue': return d.rescue(step);
    case 'unrescue': return d.unrescue(step);
    case 'shelve': return d.shelve(step);
    case 'unshelve': return d.unshelve(step);
    case 'convert': return d.convert(step);
    case 'delete': return d.delete(step);
    case 'guest_write': return guestWrite(world, step);
    case 'reconfigure': return reconfigure(world, step, configs);
    case 'delete_disk_file': return deleteDiskFile(world, step);
    case 'delete_disk_info': return deleteDiskInfo(world, step);
    case 'online_migrate': return world.mode === 'metadata' ? onlineMigrate(world, step) : OK;
    case 'upgrade':
      // The reference model never upgrades: it stays the classic driver throughout.
      if (world.mode === 'metadata') world.modes.set(step.host, 'metadata');
      return OK;
    case 'crash': return OK;
  }
};

/**
 * Arm a crash: the host dies right after its first command of the step has
 * taken effect, so every step that touches the host is cut part-way.
 */
const armCrash = (world: World, host: string): void => {
  world.cluster.injectFault({ match: (_argv, h) => h === host, effect: 'crash-after' });
};

/**
 * Runs steps one at a time against a world: picks the driver for each step,
 * arms crashes, turns an injected crash into a `HOST_CRASHED` outcome. The
 * scenario replay and the fleet generator both drive it.
 */
export class StepRunner {
  private readonly drivers: { metadata: StepDriver; legacy: StepDriver };
  private readonly configs: Map<string, HostConfig>;
  /** Which driver ran the last instance step (the classic one for legacy boots and hosts not yet upgraded). */
  lastDriver: 'metadata' | 'legacy' | 'none' = 'none';
  /** Steps the classic driver ran: in metadata mode their probes and leaks are the reference model's, not the metadata driver's. */
  readonly classicSteps = new Set<number>();

  constructor(readonly world: World, legacyDriver: (world: World) => StepDriver) {
    const legacy = legacyDriver(world);
    this.drivers = { metadata: world.mode === 'legacy' ? legacy : new MetadataDriver(world, legacy), legacy };
    this.configs = new Map(world.scenario.hosts.map((h) => [h.name, h.config ?? {}]));
  }

  /** Run one step; `crashHost` makes that host die part-way through it. */
  async run(index: number, step: Step, crashHost?: string): Promise<Outcome> {
    this.world.cluster.setStep(index);
    if (crashHost !== undefined) armCrash(this.world, crashHost);
    let outcome: Outcome;
    const driver = driverFor(this.world, step, this.drivers);
    const legacyBoot = step.op === 'boot' && step.legacy === true;
    this.lastDriver = !('instance' in step) ? 'none' : driver === this.drivers.legacy || legacyBoot || this.world.mode === 'legacy' ? 'legacy' : 'metadata';
    if (this.lastDriver === 'legacy') this.classicSteps.add(index);
    try {
      outcome = await run(this.world, step, driver, this.configs);
    } catch (e) {
      if (!isInjectedCrash(e)) throw e;
      outcome = failed('HOST_CRASHED', e.message);
    }
    if (crashHost !== undefined) this.world.cluster.clearFaults();
    return outcome;
  }
}

/** Replay a scenario in one mode on the in-memory host and check its expectations. */
export const replay = async (scenario: Scenario, options: ReplayOptions): Promise<RunReport> => {
  const world = new World(scenario, options.repository, options.mode);
  const runner = new StepRunner(world, options.legacyDriver);
  const crashes = new Map(scenario.steps.flatMap((s) => (s.op === 'crash' ? [[s.during, s.host] as const] : [])));
  const steps: StepReport[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    const t0 = performance.now();
    const outcome = await runner.run(index, step, crashes.get(index));
    const ms = Math.round((performance.now() - t0) * 1000) / 1000;
    steps.push(outcome.ok
      ? { index, op: step.op, outcome: 'ok', ms }
      : { index, op: step.op, outcome: 'error', ms, error: { code: outcome.code, message: outcome.message } });
  }
  world.cluster.setStep(null);
  const disks = await collectDisks(world);
  // In metadata mode, legacy boots and hosts not yet upgraded run the classic driver: those steps' probes and leaks are its own.
  const ours = attribution(options.mode === 'metadata' ? runner.classicSteps : new Set(), world.cluster.leaks());
  const classic = { probes: world.cluster.probes().filter((p) => !ours.probe(p)).length, leaks: world.cluster.leaks().filter((l) => !ours.leak(l)).length };
  const probes = world.cluster.probes().filter(ours.probe).map((p) => ({ step: typeof p.step === 'number' ? p.step : null, argv: p.argv, host: p.host, image: p.image }));
  const leaks = world.cluster.leaks().filter(ours.leak).map((l) => ({ step: typeof l.step === 'number' ? l.step : null, secret: l.secret, into: l.into, host: l.secretHost, via: l.via }));
  const counters = { probes: probes.length, leaks: leaks.length, commands: world.cluster.commandCount, dbRoundTrips: options.repository.roundTrips, classic };
  const block = options.mode === 'metadata' ? scenario.expect : scenario.expect_legacy;
  const expectations = checkExpectations(block, { steps, counters, disks });
  return {
    scenario: scenario.name, mode: options.mode, host: 'fake', steps, counters, probes, leaks, disks, expectations,
    ok: expectations.every((e) => e.ok),
  };
};
