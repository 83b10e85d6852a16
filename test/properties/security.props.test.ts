import 'reflect-metadata';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { writeScenario } from '../../packages/simulator/src/scenario/write-scenario.js';
import { faultsOf, legacyMisbehaves, load, replayChecked, type Broken, type OutcomeTally } from './generated-replay.js';
import { RUNS, SEED, SQLITE_RUNS } from './props-config.js';
import { scenarioArbitrary } from './scenario-arbitrary.js';

const OUT = join(process.cwd(), 'test-results');
/** Sequences the liveness control replays (fixed: its thresholds are for this many), and the attempts of one operation after which at least one success is required. */
const LIVE_RUNS = 1000;
const LIVE_DRAWS = 20;
const LIVE_DRAWS_PER_BACKEND = 40;
/** How often an operation must succeed overall for a backend where it never does to count as broken there. */
const LIVE_RATE = 0.15;
const TOOL_ERRORS: ReadonlySet<string> = new Set(['COMMAND_FAILED', 'COMMAND_UNSUPPORTED', 'COMMAND_NOT_FOUND', 'COMMAND_KILLED', 'EXECUTOR_FAILED', 'TOOL_OUTPUT_INVALID']);

/**
 * Save a counterexample as a replayable scenario and say where, with the
 * seed and path to re-run it. The scenario expects what the suite demands
 * of the metadata driver (no probe, no leak), so its replay fails on those;
 * the suite's other invariants, and the faults it injected, have no place
 * in the scenario format: the re-run line reproduces them exactly.
 */
const report = (file: object, broken: Broken, seed: number, path: string | undefined, repository: 'in-memory' | 'sqlite'): string => {
  const scenario = { ...load(file), expect: { probes: 0, leaks: 0 } };
  const text = writeScenario(scenario, [
    `counterexample of the security suite (seed ${seed}, path ${path ?? '?'}, ${repository} repository)`,
    ...faultsOf(file).map((f) => `injected (not replayed by the CLI): ${f.kind === 'crash' ? `a crash after command ${f.nth ?? 0}` : `a failing ${f.kind === 'command' ? 'command' : 'database call'}`} during step ${f.at}`),
    `step ${broken.step} (${broken.op}) broke: ${broken.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}`,
    'the replay below expects no probe and no leak; the other invariants are checked by the re-run',
    `re-run: pnpm test:props --seed ${seed}${path === undefined ? '' : ` --path ${path}`}`,
  ].join('\n'));
  mkdirSync(OUT, { recursive: true });
  const where = join(OUT, `counterexample-${seed}${repository === 'sqlite' ? '-sqlite' : ''}.yaml`);
  writeFileSync(where, text);
  return `${text}\n(saved to ${where}; replay it with: pnpm disk-ledger replay ${where})`;
};

const check = async (runs: number, openRepo?: () => Promise<Parameters<typeof replayChecked>[1]>) => {
  let found: { file: object; broken: Broken } | null = null;
  const result = await fc.check(
    fc.asyncProperty(scenarioArbitrary, async (file) => {
      const broken = await replayChecked(load(file), openRepo === undefined ? undefined : await openRepo(), faultsOf(file));
      if (broken !== null) found = { file, broken };
      return broken === null;
    }),
    { numRuns: runs, seed: SEED, path: process.env['PROPS_PATH'], endOnFailure: false },
  );
  return { result, found: found as { file: object; broken: Broken } | null };
};

describe('security suite: no operation sequence probes, leaks, loses or contradicts a disk', () => {
  it(`holds for ${RUNS} generated sequences on the in-memory repository`, async () => {
    const { result, found } = await check(RUNS);
    const message = result.failed && found !== null ? report(found.file, found.broken, SEED, result.counterexamplePath ?? undefined, 'in-memory') : '';
    expect(result.failed, message).toBe(false);
  });

  it(`holds for ${SQLITE_RUNS} generated sequences on SQLite`, async () => {
    const open = async () => {
      const db = await openDatabase('sqlite::memory:')();
      if (E.isLeft(db)) throw new Error(db.left.message);
      const { repository, roundTrips } = db.right;
      return Object.assign(repository, { get roundTrips() { return roundTrips.count; } });
    };
    const { result, found } = await check(SQLITE_RUNS, open);
    const message = result.failed && found !== null ? report(found.file, found.broken, SEED, result.counterexamplePath ?? undefined, 'sqlite') : '';
    expect(result.failed, message).toBe(false);
  });

  it('control: every operation the generators draw succeeds, on each backend where it often can, and no tool refuses an argv of the library, so the invariants above are not kept by doing nothing', async () => {
    const tally: OutcomeTally = new Map();
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (file) => {
        await replayChecked(load(file), undefined, faultsOf(file), 'metadata', tally);
      }),
      { numRuns: LIVE_RUNS, seed: SEED },
    );
    // Per operation across backends too: confirm, revert and unrescue need a state few sequences reach on any one backend.
    const byOp: OutcomeTally = new Map();
    for (const [key, t] of tally) {
      const op = `${key.split(' ')[0] ?? key} on any backend`;
      const all = byOp.get(op) ?? { ok: 0, total: 0, codes: new Map<string, number>() };
      all.ok += t.ok;
      all.total += t.total;
      for (const [c, n] of t.codes) all.codes.set(c, (all.codes.get(c) ?? 0) + n);
      byOp.set(op, all);
    }
    // Drawn often enough to have met an instance in a state that allows it, an operation must have worked at least
    // once; on one backend too, when it works often enough overall (a rarely possible one, like a confirm, is judged
    // overall only).
    const rate = (key: string): number => {
      const t = byOp.get(`${key.split(' ')[0] ?? key} on any backend`);
      return t === undefined || t.total === 0 ? 0 : t.ok / t.total;
    };
    const dead = [
      ...[...tally].filter(([k, t]) => t.total >= LIVE_DRAWS_PER_BACKEND && t.ok === 0 && rate(k) >= LIVE_RATE),
      ...[...byOp].filter(([, t]) => t.total >= LIVE_DRAWS && t.ok === 0),
    ];
    const shown = dead.map(([k, t]) => `${k}: 0 of ${t.total} succeeded (${[...t.codes].map(([c, n]) => `${c} ×${n}`).join(', ')})`);
    if (process.env['PROPS_TALLY'] !== undefined) console.log([...tally].map(([k, t]) => `${k}: ${t.ok}/${t.total} ${[...t.codes].map(([c, n]) => `${c}×${n}`).join(' ')}`).sort().join('\n'));
    expect(shown, 'operations that never succeed').toEqual([]);
    expect(tally.size, 'the tally saw no operation').toBeGreaterThan(0);
    // With no fault injected, a tool refusing the library's own argv (or printing what the library cannot read) is a bug
    // of the library: a missing or wrong format, a path it should not have named.
    const toolErrors = [...tally].flatMap(([k, t]) => [...t.codes].filter(([c]) => TOOL_ERRORS.has(c)).map(([c, n]) => `${k}: ${c} ×${n}`));
    expect(toolErrors, 'tool errors in steps with no fault injected').toEqual([]);
  });

  it('control: the same generators find a probe or a leak in the classic driver’s model', async () => {
    const result = await fc.check(
      fc.asyncProperty(scenarioArbitrary, async (file) => !(await legacyMisbehaves(load(file)))),
      { numRuns: RUNS, seed: SEED },
    );
    expect(result.failed, 'the suite could not tell the classic driver from the metadata driver: it cannot fail').toBe(true);
  });

  it('control: the suite’s own checks, run on the classic driver’s model with nothing set apart, report its probes and leaks', async () => {
    const result = await fc.check(
      fc.asyncProperty(scenarioArbitrary, async (file) => {
        const broken = await replayChecked(load(file), undefined, [], 'everyone');
        return !(broken?.violations.some((v) => v.invariant === '1 zero probes' || v.invariant === '2 zero leaks') ?? false);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(result.failed, 'the checks never report a probe or a leak of the classic driver: they cannot fail').toBe(true);
  });
});
