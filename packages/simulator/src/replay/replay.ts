import { performance } from 'node:perf_hooks';
import { LeakAttribution } from '../report/leak-attribution.js';
import { probeArgv, type RunReport, type StepReport } from '../report/run-report.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { FakeSite } from '../world/fake-site.js';
import { SimWorld, type CountingRepository } from '../world/sim-world.js';
import type { Site } from '../world/site.js';
import { collectDisks } from './collect-disks.js';
import { checkExpectations } from './expectations.js';
import type { StepDriver } from './step-driver.js';
import { crashesByStep, StepRunner } from './step-runner.js';

export { crashesByStep, StepRunner } from './step-runner.js';

/**
 * Whether a probe or leak is the metadata driver's: not recorded during a
 * step the classic driver ran, and (for leaks) not of a secret the classic
 * driver had already copied into a disk (see leak-attribution.ts).
 */
export const attribution = <L extends MarkedRecord>(classicSteps: ReadonlySet<number>, leaks: readonly L[]) => {
  const classic = (step: unknown) => typeof step === 'number' && classicSteps.has(step);
  const owners = new LeakAttribution();
  const ours = new Set<L>(leaks.filter((l) => owners.attribute(l.marker, classic(l.step), l.via) === 'ours'));
  return {
    probe: (p: { readonly step: unknown }) => !classic(p.step),
    leak: (l: L) => ours.has(l),
  };
};

/** A leak as `attribution` reads it, from a site or straight from the fake cluster. */
interface MarkedRecord {
  readonly step: unknown;
  readonly marker: string;
  readonly via?: string;
}

/** How to replay. */
export interface ReplayOptions {
  readonly mode: 'metadata' | 'legacy';
  readonly repository: CountingRepository;
  /** Builds the classic driver's reference model on a world. */
  readonly legacyDriver: (world: SimWorld) => StepDriver;
  /** Where the scenario's hosts live (default: a fresh in-memory host); the replay closes it. */
  readonly site?: (scenario: Scenario) => Promise<Site>;
}

/** Replay a scenario in one mode on its site (the in-memory host unless told) and check its expectations. */
export const replay = async (scenario: Scenario, options: ReplayOptions): Promise<RunReport> => {
  const site = options.site === undefined ? new FakeSite(scenario) : await options.site(scenario);
  try {
    return await replayOn(new SimWorld(scenario, options.repository, options.mode, site), options);
  } finally {
    await site.close();
  }
};

const replayOn = async (world: SimWorld, options: ReplayOptions): Promise<RunReport> => {
  const { scenario, site } = world;
  const runner = new StepRunner(world, options.legacyDriver);
  const crashes = crashesByStep(scenario.steps);
  const steps: StepReport[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    const t0 = performance.now();
    const outcome = await runner.run(index, step, crashes.get(index));
    const ms = Math.round((performance.now() - t0) * 1000) / 1000;
    steps.push(outcome.ok
      ? { index, op: step.op, outcome: 'ok', ms }
      : { index, op: step.op, outcome: 'error', ms, error: { code: outcome.code, message: outcome.message } });
  }
  await runner.finish();
  site.setStep(null);
  const disks = await collectDisks(world);
  // In metadata mode, legacy boots and hosts not yet upgraded run the classic driver: those steps' probes and leaks are its own.
  const allProbes = site.probes();
  const allLeaks = site.leaks();
  const ours = attribution(options.mode === 'metadata' ? runner.classicSteps : new Set(), allLeaks);
  const classic = { probes: allProbes.filter((p) => !ours.probe(p)).length, leaks: allLeaks.filter((l) => !ours.leak(l)).length };
  const probes = allProbes.filter(ours.probe).map((p) => ({ step: p.step, argv: probeArgv(p.argv, p.image), host: p.host, image: p.image }));
  const leaks = allLeaks.filter(ours.leak).map((l) => ({ step: l.step, secret: l.secret, into: l.into, host: l.secretHost, via: l.via }));
  const counters = { probes: probes.length, leaks: leaks.length, commands: site.commandCount, dbRoundTrips: options.repository.roundTrips, ...(options.mode === 'metadata' ? { classic } : {}) };
  const block = options.mode === 'metadata' ? scenario.expect : scenario.expect_legacy;
  const expectations = checkExpectations(block, { mode: options.mode, steps, counters, disks });
  return {
    scenario: scenario.name, mode: options.mode, host: site.kind, steps, counters, probes, leaks, disks, expectations,
    ok: expectations.every((e) => e.ok),
  };
};
