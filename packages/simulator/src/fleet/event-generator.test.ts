import 'reflect-metadata';
import { InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { StepRunner } from '../replay/replay.js';
import { loadScenario } from '../scenario/load-scenario.js';
import type { Step } from '../scenario/steps.js';
import { World } from '../world/world.js';
import { EventGenerator, type FleetEvent } from './event-generator.js';
import { planFleet, type FleetOptions } from './fleet-plan.js';
import { mulberry32 } from './prng.js';

interface Generated {
  readonly events: readonly FleetEvent[];
  /** Whether the instance an event named existed when the event was generated. */
  readonly existed: readonly boolean[];
  readonly ok: number;
  readonly document: string;
}

/** Generate and replay `events` events, keeping each with what the world held when it was drawn. */
const generate = async (o: FleetOptions): Promise<Generated> => {
  const prng = mulberry32(o.seed);
  const plan = planFleet(o, prng);
  const world = new World(plan.scenario, new InMemoryBlockDeviceMappingRepository(), o.mode, 'none');
  for (const h of plan.hosts) if (h.startsLegacy) world.modes.set(h.name, 'legacy');
  const runner = new StepRunner(world, (w) => new LegacyDriver(w));
  const generator = new EventGenerator(plan, world, prng);
  const events: FleetEvent[] = [];
  const existed: boolean[] = [];
  const steps: Step[] = [];
  let ok = 0;
  for (let i = 0; i < o.events; i += 1) {
    const e = generator.next(i);
    events.push(e);
    existed.push('instance' in e.step && world.instances.has(e.step.instance));
    if (e.crashHost !== undefined) steps.push({ op: 'crash', host: e.crashHost, during: steps.length + 1 });
    steps.push(e.step);
    const outcome = await runner.run(i, e.step, e.crashHost);
    if (outcome.ok) ok += 1;
    generator.observe(e, outcome);
  }
  const { hostOptions: _options, file: _file, ...file } = plan.scenario;
  const document = stringify({ ...file, steps: steps.map(({ op, ...body }) => ({ [op]: body })) });
  return { events, existed, ok, document };
};

const OPTIONS: FleetOptions = { hosts: 8, instances: 40, events: 600, seed: 5, mode: 'metadata' };

describe('EventGenerator', () => {
  it('generates steps that a scenario file may contain: every one decodes and names known hosts, images and flavors', async () => {
    const g = await generate(OPTIONS);
    const s = loadScenario(g.document, 'generated.yaml');
    if (E.isLeft(s)) throw new Error(s.left.message);
    expect(s.right.steps.filter((x) => x.op !== 'crash')).toEqual(g.events.map((e) => e.step));
  });

  it('acts on instances that exist, except for its deliberate strays', async () => {
    const g = await generate(OPTIONS);
    const onInstances = g.events.flatMap((e, i) => (e.step.op !== 'boot' && 'instance' in e.step ? [{ e, existed: g.existed[i] }] : []));
    const strays = onInstances.filter(({ e }) => e.label.startsWith('stray'));
    expect(strays.every(({ existed }) => existed === false)).toBe(true);
    const targeted = onInstances.filter(({ e }) => !e.label.startsWith('stray'));
    expect(targeted.filter(({ existed }) => existed).length / targeted.length).toBeGreaterThan(0.97);
    expect(strays.length / g.events.length).toBeLessThan(0.02);
  });

  it('boots new instances, never a name already in use', async () => {
    const g = await generate(OPTIONS);
    const boots = g.events.flatMap((e, i) => (e.step.op === 'boot' ? [g.existed[i]] : []));
    expect(boots.length).toBeGreaterThan(40);
    expect(boots.every((x) => x === false)).toBe(true);
  });

  it('mostly generates events that succeed', async () => {
    const g = await generate(OPTIONS);
    expect(g.ok / g.events.length).toBeGreaterThan(0.85);
  });

  it('upgrades each host that starts legacy once, and runs migration batches only after the first upgrade', async () => {
    const o = { ...OPTIONS, events: 400 };
    const plan = planFleet(o, mulberry32(o.seed));
    const g = await generate(o);
    const upgrades = g.events.flatMap((e) => (e.step.op === 'upgrade' ? [e.step.host] : []));
    expect([...upgrades].sort()).toEqual(plan.hosts.filter((h) => h.startsLegacy).map((h) => h.name).sort());
    const first = g.events.findIndex((e) => e.step.op === 'upgrade');
    const migrations = g.events.flatMap((e, i) => (e.step.op === 'online_migrate' ? [i] : []));
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.every((i) => i > first)).toBe(true);
  });

  it('covers the operations of the issue, hostile writes of every kind included', async () => {
    const g = await generate({ ...OPTIONS, events: 1500 });
    const ops = new Set(g.events.map((e) => e.step.op));
    for (const op of ['boot', 'guest_write', 'reboot', 'resize', 'live_migrate', 'evacuate', 'rebuild', 'snapshot', 'rescue', 'unrescue',
      'shelve', 'unshelve', 'convert', 'delete', 'upgrade', 'online_migrate']) expect(ops).toContain(op);
    const contents = new Set(g.events.flatMap((e) => (e.step.op === 'guest_write' ? [e.step.content] : [])));
    expect([...contents].sort()).toEqual(['benign', 'qcow2-backing-host-file', 'qcow2-backing-host-file-fmt', 'qcow2-data-file', 'raw-with-qcow2-header', 'vmdk-flat-extent']);
    expect(g.events.some((e) => e.step.op === 'boot' && e.step.legacy === true)).toBe(true);
    expect(g.events.some((e) => e.crashHost !== undefined)).toBe(true);
  });
});
