import { isInjectedCrash } from '@disk-ledger/fake';
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

/** Arm a crash: the host dies at its second command of the step (or its first, if it runs only one). */
const armCrash = (world: World, host: string): void => {
  let seen = 0;
  world.cluster.injectFault({ match: (_argv, h) => h === host && ++seen >= 2, effect: 'crash' });
};

/** Replay a scenario in one mode on the in-memory host and check its expectations. */
export const replay = async (scenario: Scenario, options: ReplayOptions): Promise<RunReport> => {
  const world = new World(scenario, options.repository, options.mode);
  const legacy = options.legacyDriver(world);
  const drivers = { metadata: options.mode === 'legacy' ? legacy : new MetadataDriver(world, legacy), legacy };
  const configs = new Map(scenario.hosts.map((h) => [h.name, h.config ?? {}]));
  const crashes = new Map(scenario.steps.flatMap((s) => (s.op === 'crash' ? [[s.during, s.host] as const] : [])));
  const steps: StepReport[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    world.cluster.setStep(index);
    const crashHost = crashes.get(index);
    if (crashHost !== undefined) armCrash(world, crashHost);
    const t0 = performance.now();
    let outcome: Outcome;
    try {
      outcome = await run(world, step, driverFor(world, step, drivers), configs);
    } catch (e) {
      if (!isInjectedCrash(e)) throw e;
      outcome = failed('HOST_CRASHED', e.message);
    }
    world.cluster.clearFaults();
    const ms = Math.round((performance.now() - t0) * 1000) / 1000;
    steps.push(outcome.ok
      ? { index, op: step.op, outcome: 'ok', ms }
      : { index, op: step.op, outcome: 'error', ms, error: { code: outcome.code, message: outcome.message } });
  }
  world.cluster.setStep(null);
  const disks = await collectDisks(world);
  const probes = world.cluster.probes().map((p) => ({ step: typeof p.step === 'number' ? p.step : null, argv: p.argv, host: p.host, image: p.image }));
  const leaks = world.cluster.leaks().map((l) => ({ step: typeof l.step === 'number' ? l.step : null, secret: l.secret, into: l.into, host: l.secretHost, via: l.via }));
  const counters = { probes: probes.length, leaks: leaks.length, commands: world.cluster.commandCount, dbRoundTrips: options.repository.roundTrips };
  const block = options.mode === 'metadata' ? scenario.expect : scenario.expect_legacy;
  const expectations = checkExpectations(block, { steps, counters, disks });
  return {
    scenario: scenario.name, mode: options.mode, host: 'fake', steps, counters, probes, leaks, disks, expectations,
    ok: expectations.every((e) => e.ok),
  };
};
