/**
 * The SQL repository, on SQLite (in memory) and PostgreSQL in one run:
 *
 * - round trips of one instance save (five disks, rows updated and created,
 *   an instance-level record): must be exactly 1 on each database;
 * - fillUnpopulated (the online migration's batched write, with its
 *   "still empty and live" guard) in rows per second, against a bare bulk
 *   UPDATE … FROM (VALUES …) of the same rows through the same driver.
 *
 * The reported pair is PostgreSQL's (the shared deployment); SQLite's is in
 * the notes, and the target must hold on both. PostgreSQL comes from
 * DISK_LEDGER_PG_URL or tools/db/start.sh's env file; without it the result
 * says so and is not ok.
 */
import { openDatabase, type SqlDatabase } from '../../packages/sql/src/index.js';
import { freshDatabase } from '../../packages/sql/src/testing/fresh-database.js';
import { rawFill, resetDriverInfo } from '../../packages/sql/src/testing/raw-fill.js';
import { serverUrl } from '../../packages/sql/src/testing/server-url.js';
import { id } from '../../packages/sql/src/testing/task.js';
import type { BenchResult } from './support/bench-result.js';

const INSTANCES = 1000;
const BATCH = 500;
const ROUNDS = 7;
const TARGET_RATIO = 0.5;
const RECORD = JSON.stringify({ version: '1.1', data: { backend: 'flat', format: 'qcow2', size: 21_474_836_480, location: '/var/lib/nova/instances/3f6c0b38-94a4-4a4e-8d0a-6a7e5c1f9d21/disk', provenance: 'derived' } });

interface Measured {
  readonly saveRoundTrips: number;
  readonly subjectRowsPerSec: number;
  readonly baselineRowsPerSec: number;
}

const must = async <A>(task: () => Promise<{ _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: A }>): Promise<A> => {
  const r = await task();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

const timed = async (run: () => Promise<void>): Promise<number> => {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
};

const measure = async (database: SqlDatabase): Promise<Measured> => {
  const { repository, roundTrips, db, dialect } = database;
  for (let i = 0; i < INSTANCES; i += 1) await must(repository.createInstance(id(`bench-${i}`), 'h1', ['root', 'ephemeral0', 'swap']));
  const rows = (await must(repository.listUnpopulated(INSTANCES * 3))).map((r) => ({ bdmId: r.bdmId ?? 0, driverInfo: RECORD }));
  const batches = Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, i) => rows.slice(i * BATCH, (i + 1) * BATCH));
  const subject: number[] = [];
  const baseline: number[] = [];
  const runSubject = async (): Promise<void> => {
    for (const batch of batches) await must(repository.fillUnpopulated(batch));
  };
  const runBaseline = async (): Promise<void> => {
    for (const batch of batches) await rawFill(db, dialect, batch);
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which goes first so neither always meets a warm cache.
    for (const [run, out] of round % 2 === 0 ? ([[runSubject, subject], [runBaseline, baseline]] as const) : ([[runBaseline, baseline], [runSubject, subject]] as const)) {
      await resetDriverInfo(db);
      out.push(rows.length / (await timed(run)));
    }
  }
  const left = await must(repository.countUnpopulated());
  if (left !== 0) throw new Error(`benchmark left ${left} of ${rows.length} rows unfilled`);
  // One save of a whole instance: root and swap exist, two ephemerals are created, a config drive record is added.
  await must(repository.createInstance(id('bench-save'), 'h1', ['root', 'swap']));
  const save = await roundTrips.measure(() =>
    must(
      repository.saveRecords(id('bench-save'), [
        { disk: 'root', driverInfo: RECORD },
        { disk: 'ephemeral0', driverInfo: RECORD },
        { disk: 'ephemeral1', driverInfo: RECORD },
        { disk: 'swap', driverInfo: RECORD },
        { disk: 'config', driverInfo: RECORD },
      ]),
    ),
  );
  return { saveRoundTrips: save.roundTrips, subjectRowsPerSec: median(subject), baselineRowsPerSec: median(baseline) };
};

const onSqlite = async (): Promise<Measured> => {
  const database = await must(openDatabase('sqlite::memory:'));
  try {
    return await measure(database);
  } finally {
    await database.close();
  }
};

const onPostgres = async (url: string): Promise<Measured> => {
  const fresh = await freshDatabase('postgres', url);
  const database = await must(openDatabase(fresh.url));
  try {
    return await measure(database);
  } finally {
    await database.close();
    await fresh.drop();
  }
};

const describe = (name: string, m: Measured): string =>
  `${name}: saveRecords ${m.saveRoundTrips} round trip(s); fillUnpopulated ${Math.round(m.subjectRowsPerSec).toLocaleString('en-US')} rows/s vs raw UPDATE ${Math.round(m.baselineRowsPerSec).toLocaleString('en-US')} rows/s (ratio ${(m.subjectRowsPerSec / m.baselineRowsPerSec).toFixed(3)})`;

/** Measure round trips per save and the batched fill rate on SQLite and PostgreSQL. */
export default async function sqlBenchmark(): Promise<BenchResult> {
  const sqlite = await onSqlite();
  const pgUrl = serverUrl('postgres');
  const postgres = pgUrl === undefined ? null : await onPostgres(pgUrl);
  const shown = postgres ?? sqlite;
  const measured = postgres === null ? [sqlite] : [sqlite, postgres];
  const ok = postgres !== null && measured.every((m) => m.saveRoundTrips === 1 && m.subjectRowsPerSec / m.baselineRowsPerSec >= TARGET_RATIO);
  const where = postgres === null ? 'SQLite' : 'PostgreSQL';
  return {
    name: 'sql',
    baseline: { label: `raw bulk UPDATE … FROM (VALUES …), ${where}`, value: Math.round(shown.baselineRowsPerSec), unit: 'rows/s' },
    subject: { label: `fillUnpopulated (guarded, one statement per batch), ${where}`, value: Math.round(shown.subjectRowsPerSec), unit: 'rows/s' },
    ratio: shown.subjectRowsPerSec / shown.baselineRowsPerSec,
    target: `fill ≥ ${TARGET_RATIO}× raw UPDATE and saveRecords = 1 round trip, on SQLite and PostgreSQL`,
    ok,
    notes: [
      describe('SQLite (:memory:)', sqlite),
      postgres === null ? 'PostgreSQL: not available (run `bash tools/db/start.sh`), so the target is not met' : describe('PostgreSQL', postgres),
      `${INSTANCES * 3} rows in batches of ${BATCH}, median of ${ROUNDS} alternating rounds`,
    ].join('; '),
  };
}
