/**
 * `disk-ledger fleet`: generate a heterogeneous fleet and a random operation
 * stream from a seed, replay it on the in-memory host with progress on
 * stderr, and print a summary (or its JSON object with `--json`); with
 * `--report FILE.html`, also write a self-contained HTML report. Exit 0 when
 * the run completed, 1 when the report could not be written after the run,
 * 2 for invalid flags or an unwritable report path (checked before running).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { randomUUID } from 'node:crypto';
import { lstat, open, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { planCells } from '../fleet/cells.js';
import { refuse } from './refusal.js';
import type { FleetOptions } from '../fleet/fleet-plan.js';
import { runFleet, sequentialCells, type CellRunner } from '../fleet/fleet-run.js';
import { renderHtml } from '../fleet/html-report.js';
import { progressFor, type ProgressStream } from '../fleet/progress.js';
import { renderSummary } from '../fleet/summary-text.js';
import type { StepDriver } from '../replay/step-driver.js';
import type { World } from '../world/world.js';

// ---- types

/** The flags of `disk-ledger fleet`, parsed. */
export interface FleetCommandOptions extends FleetOptions {
  /** Where to write the HTML report, if anywhere. */
  readonly report?: string;
  readonly json: boolean;
  /** Threads that run cells side by side; default one per cell, at most one per core. */
  readonly workers?: number;
}

/** What the command needs from its caller. */
export interface FleetCommandDeps {
  /** Builds the classic driver's reference model on a world. */
  readonly legacyDriver: (world: World) => StepDriver;
  readonly print: (s: string) => void;
  readonly printErr: (s: string) => void;
  /** Where progress goes: a bar when it is a terminal, plain lines otherwise. */
  readonly progress: ProgressStream;
  /** Runs cells on up to `workers` threads; without it, cells run one after another on this thread. */
  readonly threads?: (workers: number) => CellRunner;
}

// ---- flag parsing

/** Decimal digits only: `0x10`, `1e9` and `4.5` are not counts a user means. */
const DECIMAL = /^-?[0-9]+$/;

/** An integer flag from 1 to `max`, in decimal. */
export const boundedInteger =
  (max: number) =>
  (value: string): number => {
    const text = value.trim();
    const n = Number(text);
    if (!DECIMAL.test(text) || n < 1 || (!Number.isSafeInteger(n) && n <= max)) throw new InvalidArgumentError('must be a positive integer, in decimal');
    if (n > max) throw new InvalidArgumentError(`must be at most ${max.toLocaleString('en-US')}`);
    return n;
  };

/** A positive integer flag, in decimal. */
export const positiveInteger = boundedInteger(Number.MAX_SAFE_INTEGER);

/** A seed: any integer in decimal, below 2^53 in size (every bit of it counts). */
export const seedInteger = (value: string): number => {
  const text = value.trim();
  const n = Number(text);
  if (!DECIMAL.test(text) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer, in decimal');
  return n;
};

// Far beyond what a run on one machine finishes (a million events take about a minute and a half), well within memory for the plan.
const MAX_HOSTS = 100_000;
const MAX_INSTANCES = 100_000_000;
const MAX_EVENTS = 1_000_000_000;

/** Create and remove a file of a unique name in `dir`: whether a file can be made there, as the run will make one. */
const makeFileIn = async (dir: string): Promise<void> => {
  const probe = join(dir, `.disk-ledger-report-${process.pid}-${randomUUID()}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (e) {
    // The probe's own name would only puzzle: say what it found out.
    const code = e instanceof Error && 'code' in e ? String(e.code) : String(e);
    throw new Error(`no file can be created in ${dir} (${code})`, { cause: e });
  }
  await rm(probe, { force: true });
};

/**
 * Why `path` cannot take the report, or `null` when it can, so that a run
 * never ends unable to write. Nothing at `path` is created or changed: an
 * existing file is opened for appending, and a new one's directory (for a
 * link to a missing file, the directory of the file it names) is tried with
 * a file of another name.
 */
const unwritable = async (path: string): Promise<string | null> => {
  if (path.trim() === '') return 'the path is empty';
  const full = resolve(path);
  const existing = await stat(full).catch(() => null);
  if (existing?.isDirectory() === true) return `${path} is a directory`;
  try {
    // Opened for writing, as the run will: permissions alone (access()) would pass a file under /proc.
    if (existing !== null) {
      await (await open(full, 'a')).close();
      return null;
    }
    const link = await lstat(full).catch(() => null);
    const target = link?.isSymbolicLink() === true ? resolve(dirname(full), await readlink(full)) : full;
    await makeFileIn(dirname(target));
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
};

/**
 * Write the report. A write that fails part-way (a full disk) leaves no
 * file where there was none; an earlier report it was replacing is lost.
 */
const writeReport = async (path: string, html: string): Promise<void> => {
  const existed = await stat(path).then(() => true, () => false);
  try {
    await writeFile(path, html);
  } catch (e) {
    // Through a link, the partial file is the one it names.
    const partial = existed ? null : await realpath(path).catch(() => null);
    if (partial !== null) await rm(partial, { force: true });
    throw e;
  }
};

// ---- the command

/** Run a fleet; resolves to the exit code. */
export const fleetCommand = async (o: FleetCommandOptions, deps: FleetCommandDeps): Promise<number> => {
  const refused = (code: string, message: string): number => refuse({ out: deps.print, err: deps.printErr }, 'fleet', o.json, { code, message });
  if (o.report !== undefined) {
    const why = await unwritable(o.report);
    if (why !== null) return refused('REPORT_UNWRITABLE', `cannot write the report to ${o.report}: ${why}`);
  }
  const options: FleetOptions = { hosts: o.hosts, instances: o.instances, events: o.events, seed: o.seed, mode: o.mode, ...(o.cells === undefined ? {} : { cells: o.cells }) };
  const cells = planCells(options);
  if (E.isLeft(cells)) return refused('FLEET_INVALID', `${o.cells === undefined ? '' : '--cells: '}${cells.left}`);
  const workers = Math.min(o.workers ?? availableParallelism(), cells.right.length);
  const progress = progressFor(deps.progress, o.events);
  const runDeps = { legacyDriver: deps.legacyDriver, onProgress: (done: number, total: number) => progress.update(done, total) };
  const runner = workers > 1 && deps.threads !== undefined ? deps.threads(workers) : sequentialCells(runDeps);
  const summary = await runFleet(options, { ...runDeps, cells: runner }).finally(() => progress.stop());
  let written: string | null = null;
  if (o.report !== undefined) {
    try {
      await writeReport(o.report, renderHtml(summary));
      written = o.report;
    } catch (e) {
      // The run's result is still worth having: it is printed, and the exit code says the report is missing.
      deps.printErr(`disk-ledger fleet: cannot write the report to ${o.report}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (o.json) deps.print(JSON.stringify(summary, null, 2));
  else deps.print(`${renderSummary(summary)}${written === null ? '' : `\n\n  report: ${written}`}`);
  return o.report !== undefined && written === null ? 1 : 0;
};

/** Declare `disk-ledger fleet` on `program`; `exit` receives the command's exit code. */
export const addFleetCommand = (program: Command, deps: FleetCommandDeps & { readonly exit: (code: number) => void }): Command =>
  program
    .command('fleet')
    .description('Replay a generated heterogeneous fleet and a random operation stream (same seed, same result); print a summary')
    .addOption(new Option('--hosts <n>', 'compute hosts').argParser(boundedInteger(MAX_HOSTS)).default(20))
    .addOption(new Option('--instances <n>', 'most instances alive at once').argParser(boundedInteger(MAX_INSTANCES)).default(1000))
    .addOption(new Option('--events <n>', 'events to generate and replay').argParser(boundedInteger(MAX_EVENTS)).default(10000))
    .addOption(new Option('--seed <n>', 'seed of the generator').argParser(seedInteger).default(1))
    .addOption(new Option('--cells <n>', 'split the fleet into cells with their own hosts, instances and in-memory database (default: one per 25 hosts)').argParser(positiveInteger))
    .addOption(new Option('--workers <n>', 'threads that run cells side by side (default: one per cell, at most one per core); the result does not depend on it').argParser(positiveInteger))
    .addOption(new Option('--mode <mode>', 'which driver replays (metadata: hosts start partly on the classic driver and are upgraded)').choices(['metadata', 'legacy']).default('metadata'))
    .option('--report <file>', 'also write a self-contained HTML report')
    .option('--json', 'print the summary object instead of a table', false)
    .action(async (opts: FleetCommandOptions) => {
      deps.exit(await fleetCommand(opts, deps));
    });
