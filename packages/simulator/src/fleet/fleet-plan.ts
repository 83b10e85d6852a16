/**
 * The fixed part of a generated fleet, decided from the seed before the
 * first event: its hosts (kind, options, whether each starts on the classic
 * driver and at which event it is upgraded), as an in-memory scenario the
 * replay engine's `World` accepts.
 */
import { hostStorageOptions, type HostStorageOptions } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { toOptionsInput, type Scenario } from '../scenario/load-scenario.js';
import type { HostConfig } from '../scenario/scenario.js';
import { FLAVORS, FLEET_IMAGES, SECRET, hostConfig, hostKinds, type HostKind } from './fleet-catalogue.js';
import type { Prng } from './prng.js';

// ---- types

/** What a fleet run is asked for. */
export interface FleetOptions {
  readonly hosts: number;
  /** The most instances alive at once. */
  readonly instances: number;
  readonly events: number;
  readonly seed: number;
  readonly mode: 'metadata' | 'legacy';
  /** Cells the fleet is split into (see cells.ts); default one per 25 hosts. */
  readonly cells?: number;
}

/** One generated host. */
export interface FleetHost {
  readonly name: string;
  readonly kind: HostKind;
  readonly config: HostConfig;
  /** Whether it runs the classic driver when the stream starts. */
  readonly startsLegacy: boolean;
  /** The event index at which it is upgraded (`null`: never, it starts upgraded). */
  readonly upgradeAt: number | null;
}

/** The hosts, and the scenario the world is built from (no steps: events are generated). */
export interface FleetPlan {
  readonly options: FleetOptions;
  readonly hosts: readonly FleetHost[];
  readonly scenario: Scenario;
}

// ---- constructors

/** Share of hosts that start on the classic driver. */
const LEGACY_SHARE = 0.35;
/** Upgrades happen between these fractions of the stream, so the charts show before, during and after. */
const UPGRADE_WINDOW = [0.05, 0.75] as const;

const options = (name: string, config: HostConfig): HostStorageOptions => {
  const o = hostStorageOptions(toOptionsInput(config));
  // Every generated config is one of the catalogue's valid ones; anything else is a bug here.
  if (E.isLeft(o)) throw new Error(`generated host ${name} has invalid options: ${o.left.message}`);
  return o.right;
};

/**
 * Plan a fleet: host kinds and options from the seed, about a third of the
 * hosts starting on the classic driver (at least one when there are two or
 * more hosts), each upgraded at a seeded event inside the upgrade window;
 * host names start with `hostPrefix` (a cell's, so names stay distinct).
 */
export const planFleet = (o: FleetOptions, prng: Prng, hostPrefix = ''): FleetPlan => {
  const kinds = hostKinds(o.hosts, prng);
  const counters = new Map<HostKind, number>();
  const hosts: FleetHost[] = kinds.map((kind, i) => {
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    const name = `${hostPrefix}${kind}-${n}`;
    const config = hostConfig(kind, name, prng);
    const startsLegacy = o.hosts > 1 && (i === 1 || prng.chance(LEGACY_SHARE));
    const [from, to] = UPGRADE_WINDOW;
    const upgradeAt = startsLegacy ? Math.floor(o.events * (from + (to - from) * prng.next())) : null;
    return { name, kind, config, startsLegacy, upgradeAt };
  });
  const scenario: Scenario = {
    format: 1,
    name: `fleet-${o.hosts}h-${o.instances}i-${o.events}e-seed${o.seed}`,
    file: '(generated)',
    hosts: hosts.map((h) => ({ name: h.name, config: h.config, secrets: [SECRET] })),
    hostOptions: new Map(hosts.map((h) => [h.name, options(h.name, h.config)])),
    images: [...FLEET_IMAGES],
    flavors: { ...FLAVORS },
    steps: [],
  };
  return { options: o, hosts, scenario };
};
