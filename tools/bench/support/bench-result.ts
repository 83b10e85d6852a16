/** One side of a comparison: a rate, or a plain value with its unit. */
export type Measurement =
  | { readonly label: string; readonly opsPerSec: number }
  | { readonly label: string; readonly value: number; readonly unit?: string };

/**
 * What every `tools/bench/*.bench.ts` default export resolves to: a subject
 * measured against a baseline in the same run, and whether it met its target.
 */
export interface BenchResult {
  /** Short name, used on the command line and as the report key. */
  readonly name: string;
  readonly baseline: Measurement;
  readonly subject: Measurement;
  /** subject / baseline, as the target states it. */
  readonly ratio: number;
  /** The target in words, e.g. "subject ≥ 1/3 of baseline". */
  readonly target: string;
  readonly ok: boolean;
  readonly notes?: string;
}

/** A benchmark module's default export. */
export type Benchmark = () => Promise<BenchResult>;

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null;

const isMeasurement = (u: unknown): u is Measurement =>
  isObject(u) &&
  typeof u.label === 'string' &&
  (typeof u.opsPerSec === 'number' || typeof u.value === 'number') &&
  (u.unit === undefined || typeof u.unit === 'string');

/** Check what a benchmark module returned, since the runner loads modules it does not know. */
export const isBenchResult = (u: unknown): u is BenchResult =>
  isObject(u) &&
  typeof u.name === 'string' &&
  isMeasurement(u.baseline) &&
  isMeasurement(u.subject) &&
  typeof u.ratio === 'number' &&
  typeof u.target === 'string' &&
  typeof u.ok === 'boolean' &&
  (u.notes === undefined || typeof u.notes === 'string');

/** A measurement for people: `123,456 ops/s` or `42 ms`. */
export const formatMeasurement = (m: Measurement): string =>
  'opsPerSec' in m
    ? `${Math.round(m.opsPerSec).toLocaleString('en-US')} ops/s`
    : `${m.value.toLocaleString('en-US', { maximumFractionDigits: 3 })}${m.unit === undefined ? '' : ` ${m.unit}`}`;
