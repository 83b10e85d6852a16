/**
 * What a fleet run reports (the `--json` object of `disk-ledger fleet`), and
 * the tally it is built from. Everything outside `timing` is a function of
 * the options alone: two runs with the same seed give the same summary
 * there, to the last count.
 */
import type { ClassicCounts, Counters } from '../report/run-report.js';
import type { CensusCounts } from './census.js';
import type { ExampleList } from './examples.js';
import type { HostKind } from './fleet-catalogue.js';

// ---- types

/** How the events of one label ended. */
export interface LabelOutcomes {
  readonly ok: number;
  /** Errors by code. */
  readonly errors: Readonly<Record<string, number>>;
}

/** Which part of the system carried out a step. */
export type Carrier = 'metadata' | 'legacy' | 'host';

/** Steps carried by one part, with the probes and leaks recorded while they ran. */
export interface CarrierShare {
  readonly steps: number;
  readonly probes: number;
  /**
   * The leaks these steps made. A leak the classic driver made that a later step of another part found is in
   * none of the shares: `counters.classic.leaks` counts it, so it can exceed the classic driver's share.
   */
  readonly leaks: number;
}

/** The fleet every E/100 events. */
export interface FleetSample {
  /** Events done. */
  readonly event: number;
  readonly live: number;
  readonly upgradedHosts: number;
  /** Disks by `backend/format`, and `no record` for legacy disks not yet migrated. */
  readonly layouts: Readonly<Record<string, number>>;
  readonly recorded: number;
  readonly missing: number;
  /** Records derived from legacy facts (first touch or online migration). */
  readonly derived: number;
  /** Probes and leaks recorded so far, the classic driver's included. */
  readonly probes: number;
  readonly leaks: number;
}

/** The final census with the share of disks that have a record. */
export interface FleetCensus extends CensusCounts {
  /** recorded / (recorded + missing); 1 for a fleet without disks. */
  readonly withRecordsShare: number;
}

/** The report of one fleet run. */
export interface FleetSummary {
  readonly fleet: {
    readonly seed: number;
    readonly mode: 'metadata' | 'legacy';
    /** Cells the fleet was split into; each replays its share of the events on its own world (see cells.ts). */
    readonly cells: number;
    readonly hosts: number;
    readonly instances: number;
    readonly events: number;
    readonly hostKinds: Readonly<Partial<Record<HostKind, number>>>;
    /** Hosts that started on the classic driver, and how many of them were upgraded. */
    readonly legacyHosts: number;
    readonly upgradedHosts: number;
  };
  readonly outcomes: Readonly<Record<string, LabelOutcomes>>;
  readonly totals: { readonly ok: number; readonly error: number };
  /** `classic` in either mode (zero in legacy mode, where every count is the classic driver's own). */
  readonly counters: Counters & { readonly classic: ClassicCounts };
  readonly byCarrier: Readonly<Record<Carrier, CarrierShare>>;
  readonly instances: { readonly live: number; readonly bootsAttempted: number };
  readonly census: FleetCensus;
  /** The first probes and leaks counted in `counters`, and the first of the classic driver's counted apart. */
  readonly examples: ExampleList & { readonly classic: ExampleList };
  readonly samples: readonly FleetSample[];
  /** Measurements of this run on this machine: the only part that differs between runs of one seed. */
  readonly timing: {
    readonly wallMs: number;
    readonly loopMs: number;
    readonly eventsPerSec: number;
    readonly peakRssBytes: number;
    /** Milliseconds since the first event at each sample. */
    readonly sampleMs: readonly number[];
    /** Time spent replaying the events of each label, in milliseconds. */
    readonly msByLabel: Readonly<Record<string, number>>;
  };
}

// ---- the tally

/** Outcomes counted by label and carrier as the run goes. */
export class OutcomeTally {
  private readonly byLabel = new Map<string, { ok: number; errors: Map<string, number> }>();
  private readonly carriers: Record<Carrier, { steps: number; probes: number; leaks: number }> = {
    metadata: { steps: 0, probes: 0, leaks: 0 },
    legacy: { steps: 0, probes: 0, leaks: 0 },
    host: { steps: 0, probes: 0, leaks: 0 },
  };
  ok = 0;
  error = 0;

  /** Count one event. */
  add(label: string, errorCode: string | null, carrier: Carrier, probes: number, leaks: number): void {
    let entry = this.byLabel.get(label);
    if (entry === undefined) {
      entry = { ok: 0, errors: new Map() };
      this.byLabel.set(label, entry);
    }
    if (errorCode === null) {
      entry.ok += 1;
      this.ok += 1;
    } else {
      entry.errors.set(errorCode, (entry.errors.get(errorCode) ?? 0) + 1);
      this.error += 1;
    }
    const c = this.carriers[carrier];
    c.steps += 1;
    c.probes += probes;
    c.leaks += leaks;
  }

  /** Outcomes by label, labels and codes sorted. */
  outcomes(): Record<string, LabelOutcomes> {
    const out: Record<string, LabelOutcomes> = {};
    for (const label of [...this.byLabel.keys()].sort()) {
      const e = this.byLabel.get(label);
      if (e === undefined) continue;
      out[label] = { ok: e.ok, errors: Object.fromEntries([...e.errors].sort(([a], [b]) => (a < b ? -1 : 1))) };
    }
    return out;
  }

  byCarrier(): Record<Carrier, CarrierShare> {
    return { metadata: { ...this.carriers.metadata }, legacy: { ...this.carriers.legacy }, host: { ...this.carriers.host } };
  }
}
