/**
 * Codec throughput: encode + decode round trips of a representative v1.1
 * record against bare JSON.stringify + JSON.parse of the same wire primitive.
 * The codec cannot beat bare JSON (it does that work too), so the target is
 * a share of it: validation may cost at most twice what the JSON itself costs.
 */
import type { DiskMetadata } from '../../packages/domain/src/disk/disk-metadata.js';
import { decodeDiskMetadata, encodeDiskMetadata } from '../../packages/domain/src/metadata/index.js';
import type { BenchResult } from './support/bench-result.js';
import { SAMPLE } from '../../packages/domain/src/metadata/testing/primitives.js';
import { compareRates } from './support/measure.js';

const TARGET_RATIO = 1 / 3;

const RECORD: DiskMetadata = SAMPLE;

// Written to so the engine cannot drop the measured work as dead code.
let sink: unknown;

/** Measure the codec round trip against bare JSON. */
export default async function codecBenchmark(): Promise<BenchResult> {
  const text = encodeDiskMetadata(RECORD);
  const primitive: unknown = JSON.parse(text);
  const check = decodeDiskMetadata(text);
  // fp-ts is the domain's dependency, not the root's, so narrow on the tag directly.
  if (check._tag === 'Left') throw new Error(`benchmark record does not decode: ${check.left.message}`);

  const rates = await compareRates(
    () => {
      sink = JSON.parse(JSON.stringify(primitive));
    },
    () => {
      sink = decodeDiskMetadata(encodeDiskMetadata(RECORD));
    },
    { batch: 200, timeMs: 1000, rounds: 5 },
  );
  if (sink === undefined) throw new Error('benchmark produced nothing');

  const ratio = rates.subject / rates.baseline;
  return {
    name: 'codec',
    baseline: { label: 'JSON.stringify + JSON.parse of the v1.1 wire primitive', opsPerSec: rates.baseline },
    subject: { label: 'encodeDiskMetadata + decodeDiskMetadata (v1.1)', opsPerSec: rates.subject },
    ratio,
    target: 'subject ≥ 1/3 of baseline (ratio ≥ 0.333)',
    ok: ratio >= TARGET_RATIO,
    notes: `${text.length}-byte record; median of 5 alternating rounds of 1 s, 200 round trips per sample`,
  };
}
