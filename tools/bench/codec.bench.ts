/**
 * Codec throughput: encode + decode round trips of a representative v1.1
 * record against bare JSON.stringify + JSON.parse of the same wire primitive.
 * The codec cannot beat bare JSON (it does that work too), so the target is
 * a share of it: validation may cost at most twice what the JSON itself costs.
 *
 * The decoder keeps what each text decoded to (a read of a stored record is
 * far more common than a write), so a loop over one record would time that
 * memo, not the codec. Both sides cycle through more distinct records than
 * the memo keeps, so every decode of the subject does its full work.
 */
import type { DiskMetadata } from '../../packages/domain/src/disk/disk-metadata.js';
import { decodeDiskMetadata, encodeDiskMetadata } from '../../packages/domain/src/metadata/index.js';
import type { BenchResult } from './support/bench-result.js';
import { SAMPLE } from '../../packages/domain/src/metadata/testing/primitives.js';
import { compareRates } from './support/measure.js';

const TARGET_RATIO = 1 / 3;

/** Distinct records cycled through: more than the decode memo keeps (8,192), so a text is gone before it comes round again. */
const POOL = 32_768;

/** `SAMPLE` with POOL different sizes: the same shape, a different text each. */
const RECORDS: readonly DiskMetadata[] = Array.from({ length: POOL }, (_, i) => ({ ...SAMPLE, size: SAMPLE.size + i * 512 }));

// Written to so the engine cannot drop the measured work as dead code.
let sink: unknown;

/** Measure the codec round trip against bare JSON. */
export default async function codecBenchmark(): Promise<BenchResult> {
  const texts = RECORDS.map((r) => encodeDiskMetadata(r));
  const primitives: readonly unknown[] = texts.map((t) => JSON.parse(t));
  for (const [i, text] of texts.entries()) {
    const check = decodeDiskMetadata(text);
    // fp-ts is the domain's dependency, not the root's, so narrow on the tag directly.
    if (check._tag === 'Left') throw new Error(`benchmark record ${i} does not decode: ${check.left.message}`);
  }
  const text = texts[0] ?? '';
  let b = 0;
  let s = 0;

  const rates = await compareRates(
    () => {
      sink = JSON.parse(JSON.stringify(primitives[b]));
      b = (b + 1) % POOL;
    },
    () => {
      sink = decodeDiskMetadata(encodeDiskMetadata(RECORDS[s] ?? SAMPLE));
      s = (s + 1) % POOL;
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
    notes: `${text.length}-byte records, ${POOL.toLocaleString('en-US')} distinct ones cycled (more than the decode memo keeps); median of 5 alternating rounds of 1 s, 200 round trips per sample`,
  };
}
