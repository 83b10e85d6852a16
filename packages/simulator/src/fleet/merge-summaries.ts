/**
 * The summary of a fleet split into cells, from the cells' own summaries:
 * counts add up, the census and every sample add up line by line (cells
 * sample at the same hundredths of their events), and examples are kept in
 * cell order up to the usual ten. Timing is the caller's: the cells ran side
 * by side, so only the whole run's clock says how long the fleet took.
 */
import { BACKENDS, DISK_FORMATS, PROVENANCES } from '@disk-ledger/domain';
import type { CensusCounts, CensusEntry } from './census.js';
import type { ExampleList } from './examples.js';
import type { HostKind } from './fleet-catalogue.js';
import type { CarrierShare, FleetSample, FleetSummary, LabelOutcomes } from './fleet-summary.js';

/** Examples kept per list, as in one cell. */
const LIMIT = 10;

const addInto = (into: Record<string, number>, from: Readonly<Record<string, number | undefined>>): void => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + (v ?? 0);
};

const sorted = <T>(record: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));

const outcomes = (all: readonly FleetSummary[]): Record<string, LabelOutcomes> => {
  const out: Record<string, { ok: number; errors: Record<string, number> }> = {};
  for (const s of all) {
    for (const [label, o] of Object.entries(s.outcomes)) {
      const e = (out[label] ??= { ok: 0, errors: {} });
      e.ok += o.ok;
      addInto(e.errors, o.errors);
    }
  }
  return Object.fromEntries(Object.entries(sorted(out)).map(([k, v]) => [k, { ok: v.ok, errors: sorted(v.errors) }]));
};

const carrierSum = (xs: readonly CarrierShare[]): CarrierShare => ({
  steps: xs.reduce((a, x) => a + x.steps, 0),
  probes: xs.reduce((a, x) => a + x.probes, 0),
  leaks: xs.reduce((a, x) => a + x.leaks, 0),
});

/** Where a census line sorts: by backend, format, then provenance with the unrecorded last, as one cell's census does. */
const rank = (e: CensusEntry): number =>
  (BACKENDS.indexOf(e.backend) * DISK_FORMATS.length + DISK_FORMATS.indexOf(e.format)) * (PROVENANCES.length + 1) +
  (e.provenance === null ? PROVENANCES.length : PROVENANCES.indexOf(e.provenance));

/** Census lines added by layout. */
const census = (all: readonly CensusCounts[]): CensusCounts => {
  const lines = new Map<number, CensusEntry>();
  for (const c of all) {
    for (const e of c.entries) {
      const had = lines.get(rank(e));
      lines.set(rank(e), had === undefined ? e : { ...had, disks: had.disks + e.disks });
    }
  }
  return {
    entries: [...lines].sort(([a], [b]) => a - b).map(([, e]) => e),
    recorded: all.reduce((a, c) => a + c.recorded, 0),
    missing: all.reduce((a, c) => a + c.missing, 0),
  };
};

const examples = (all: readonly ExampleList[]): ExampleList => ({
  probes: all.flatMap((e) => e.probes).slice(0, LIMIT),
  leaks: all.flatMap((e) => e.leaks).slice(0, LIMIT),
});

const sample = (cells: readonly FleetSample[]): FleetSample => {
  const layouts: Record<string, number> = {};
  for (const s of cells) addInto(layouts, s.layouts);
  const total = (k: 'event' | 'live' | 'upgradedHosts' | 'recorded' | 'missing' | 'derived' | 'probes' | 'leaks'): number => cells.reduce((a, s) => a + s[k], 0);
  return {
    event: total('event'), live: total('live'), upgradedHosts: total('upgradedHosts'), layouts: sorted(layouts),
    recorded: total('recorded'), missing: total('missing'), derived: total('derived'), probes: total('probes'), leaks: total('leaks'),
  };
};

/**
 * Merge the summaries of a fleet's cells (in cell order); `seed` is the
 * run's (each cell ran on its own, drawn from it), `timing` what the caller
 * measured of the whole run.
 */
export const mergeSummaries = (all: readonly FleetSummary[], seed: number, timing: FleetSummary['timing']): FleetSummary => {
  const first = all[0];
  if (first === undefined) throw new Error('mergeSummaries of no cells');
  const sum = (f: (s: FleetSummary) => number): number => all.reduce((a, s) => a + f(s), 0);
  const hostKinds: Partial<Record<HostKind, number>> = {};
  for (const s of all) addInto(hostKinds, s.fleet.hostKinds);
  const merged = census(all.map((s) => s.census));
  const disks = merged.recorded + merged.missing;
  const samples = first.samples.map((_, k) => sample(all.map((s) => s.samples[k]).filter((x): x is FleetSample => x !== undefined)));
  return {
    fleet: {
      seed, mode: first.fleet.mode, cells: all.length,
      hosts: sum((s) => s.fleet.hosts), instances: sum((s) => s.fleet.instances), events: sum((s) => s.fleet.events),
      hostKinds: sorted(hostKinds), legacyHosts: sum((s) => s.fleet.legacyHosts), upgradedHosts: sum((s) => s.fleet.upgradedHosts),
    },
    outcomes: outcomes(all),
    totals: { ok: sum((s) => s.totals.ok), error: sum((s) => s.totals.error) },
    counters: {
      probes: sum((s) => s.counters.probes), leaks: sum((s) => s.counters.leaks),
      commands: sum((s) => s.counters.commands), dbRoundTrips: sum((s) => s.counters.dbRoundTrips),
      classic: { probes: sum((s) => s.counters.classic.probes), leaks: sum((s) => s.counters.classic.leaks) },
    },
    byCarrier: {
      metadata: carrierSum(all.map((s) => s.byCarrier.metadata)),
      legacy: carrierSum(all.map((s) => s.byCarrier.legacy)),
      host: carrierSum(all.map((s) => s.byCarrier.host)),
    },
    instances: { live: sum((s) => s.instances.live), bootsAttempted: sum((s) => s.instances.bootsAttempted) },
    census: { ...merged, withRecordsShare: disks === 0 ? 1 : merged.recorded / disks },
    examples: { ...examples(all.map((s) => s.examples)), classic: examples(all.map((s) => s.examples.classic)) },
    samples,
    timing,
  };
};
