import type { Counters, DiskReport, ExpectationReport, StepReport } from '../report/run-report.js';
import type { Count, DiskExpectation, Expectations } from '../scenario/scenario.js';
import { INSTANCES_PATH } from '../world/nova-paths.js';

/** What a run produced, as expectations see it. */
export interface RunFacts {
  /** Which driver ran: in metadata mode a listed disk must have a record. */
  readonly mode: 'metadata' | 'legacy';
  readonly steps: readonly StepReport[];
  readonly counters: Counters;
  readonly disks: readonly DiskReport[];
}

const countHolds = (expected: Count, actual: number): boolean => (typeof expected === 'number' ? actual === expected : actual >= expected.min);

const FIELDS = ['host', 'backend', 'format', 'size', 'location', 'provenance'] as const;

/**
 * Whether an expected `location` names the disk: as its record states it (a file name in the instance directory,
 * `vg/lv`, `pool/image`), or as the host addresses it (the file's absolute path, `/dev/vg/lv`, `rbd:pool/image`).
 */
const locationMatches = (expected: string, d: DiskReport): boolean => {
  if (expected === d.location) return true;
  switch (d.backend) {
    case 'lvm':
      return expected === `/dev/${d.location}`;
    case 'rbd':
      return expected === `rbd:${d.location}`;
    default:
      return !d.location.startsWith('/') && expected === `${INSTANCES_PATH}/${d.instance}/${d.location}`;
  }
};

const diskChecks = (e: DiskExpectation, disks: readonly DiskReport[], mode: RunFacts['mode']): ExpectationReport[] => {
  const name = `disk ${e.instance}/${e.disk}`;
  const found = disks.find((d) => d.instance === e.instance && d.disk === e.disk);
  if (e.absent === true) {
    // A disk of the classic driver (no record: provenance null) is listed from the replay's own account of it, which is
    // no record: once its host no longer holds it, it has neither.
    const gone = found === undefined || (found.provenance === null && !found.present);
    const actual = gone ? 'absent' : found.present ? (found.provenance === null ? 'disk' : 'record and disk') : 'record';
    return [{ what: `${name} absent`, expected: 'absent', actual, ok: gone }];
  }
  if (found === undefined) return [{ what: name, expected: 'present', actual: 'absent', ok: false }];
  const out: ExpectationReport[] = [{ what: `${name} on host`, expected: 'present', actual: found.present ? 'present' : 'missing', ok: found.present }];
  // The metadata driver's disks are its records: one the classic driver made and nothing adopted yet is listed from
  // disk.info and the host's options, which is what the legacy model runs on, not what a record says.
  if (mode === 'metadata' && found.provenance === null) out.push({ what: `${name} recorded`, expected: 'record', actual: 'no record (a classic driver disk not adopted)', ok: false });
  for (const field of FIELDS) {
    const expected = e[field];
    if (expected === undefined) continue;
    const actual = found[field];
    const ok = field === 'location' && typeof expected === 'string' ? locationMatches(expected, found) : actual === expected;
    out.push({ what: `${name} ${field}`, expected, actual, ok });
  }
  return out;
};

/** Check an `expect` (or `expect_legacy`) block against a run. */
export const checkExpectations = (block: Expectations | undefined, facts: RunFacts): ExpectationReport[] => {
  if (block === undefined) return [];
  const out: ExpectationReport[] = [];
  if (block.probes !== undefined) out.push({ what: 'probes', expected: block.probes, actual: facts.counters.probes, ok: countHolds(block.probes, facts.counters.probes) });
  if (block.leaks !== undefined) out.push({ what: 'leaks', expected: block.leaks, actual: facts.counters.leaks, ok: countHolds(block.leaks, facts.counters.leaks) });
  for (const s of block.steps ?? []) {
    const step = facts.steps.find((r) => r.index === s.index);
    const actual = step === undefined ? 'not run' : step.outcome === 'ok' ? 'ok' : `error ${step.error?.code ?? ''}`.trim();
    const ok = step !== undefined && step.outcome === s.outcome && (s.code === undefined || step.error?.code === s.code);
    out.push({ what: `step ${s.index} outcome`, expected: s.code === undefined ? s.outcome : `${s.outcome} ${s.code}`, actual, ok });
  }
  for (const d of block.disks ?? []) out.push(...diskChecks(d, facts.disks, facts.mode));
  return out;
};
