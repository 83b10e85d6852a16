/**
 * Runs the benchmarks in tools/bench (`*.bench.ts`, each default-exporting an
 * async function that returns a BenchResult): all of them, or those named on
 * the command line (`pnpm bench codec`). Prints a table, rewrites the
 * generated section of BENCHMARKS.md, and exits 1 if a target was missed.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isBenchResult, type BenchResult } from './support/bench-result.js';
import { describeMachine, formatMachine } from './support/machine.js';
import { formatTable, rewriteSection } from './support/report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPORT = join(HERE, '..', '..', 'BENCHMARKS.md');
const SUFFIX = '.bench.ts';

const available = readdirSync(HERE)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length))
  .sort();

const readReport = (): string => {
  try {
    return readFileSync(REPORT, 'utf8');
  } catch {
    return '# Benchmarks\n';
  }
};

const runOne = async (name: string): Promise<BenchResult> => {
  const mod: unknown = await import(pathToFileURL(join(HERE, `${name}${SUFFIX}`)).href);
  const run = typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : undefined;
  if (typeof run !== 'function') throw new Error(`${name}${SUFFIX} has no default export function`);
  const result: unknown = await run();
  if (!isBenchResult(result)) throw new Error(`${name}${SUFFIX} returned something that is not a BenchResult`);
  // The file name is the report key, so a renamed result would orphan its old block.
  if (result.name !== name) throw new Error(`${name}${SUFFIX} returned a result named ${JSON.stringify(result.name)}`);
  return result;
};

const main = async (): Promise<number> => {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
    return 2;
  }
  const selected = wanted.length > 0 ? wanted : available;
  const machine = describeMachine();
  process.stdout.write(`${formatMachine(machine)}\n`);
  const results: BenchResult[] = [];
  for (const name of selected) {
    process.stdout.write(`running ${name}…\n`);
    results.push(await runOne(name));
  }
  process.stdout.write(`\n${formatTable(results)}\n`);
  const command = ['pnpm bench', ...wanted].join(' ');
  writeFileSync(REPORT, rewriteSection(readReport(), results, machine, command, available));
  process.stdout.write(`\nwrote ${REPORT}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
};

process.exitCode = await main();
