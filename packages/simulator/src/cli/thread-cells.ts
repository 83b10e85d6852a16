/**
 * Runs a fleet's cells on worker threads, at most `workers` at a time, each
 * cell on its own thread with its own heap: cells share nothing, so they
 * scale with the cores, and a cell's result does not depend on which thread
 * ran it or when.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FleetCell } from '../fleet/cells.js';
import type { FleetSummary } from '../fleet/fleet-summary.js';
import type { CellRunner } from '../fleet/fleet-run.js';

/** What a cell's worker posts: its events done, then its summary. */
export type CellMessage = { readonly kind: 'progress'; readonly done: number } | { readonly kind: 'done'; readonly summary: FleetSummary };

const isCellMessage = (u: unknown): u is CellMessage =>
  typeof u === 'object' && u !== null && ((u as { kind?: unknown }).kind === 'progress' || (u as { kind?: unknown }).kind === 'done');

/** The worker entry of the build, next to this module. */
const ENTRY = new URL('./fleet-worker.js', import.meta.url);

/**
 * The heap a cell's thread may grow to: a base plus a share per instance,
 * well above what a cell keeps alive (about 4 KiB per instance), so that
 * threads side by side stay within the machine's memory instead of each
 * growing its heap as if it were alone. A thread past it fails its cell.
 */
export const cellHeapLimits = (cell: FleetCell): ResourceLimits => ({
  maxOldGenerationSizeMb: 256 + Math.ceil((cell.options.instances * 10) / 1024),
  // A roomier young generation: most of an event's garbage dies there instead of being promoted (measured: about 10 % less CPU than the default).
  maxYoungGenerationSizeMb: 96,
});

/**
 * A {@link CellRunner} over at most `workers` threads at a time. `entry` is
 * the worker's module: fleet-worker.js of the build, or a module that loads
 * its TypeScript source (the benchmarks run from source).
 */
export const threadCells =
  (workers: number, entry: URL = ENTRY): CellRunner =>
  (cells, onProgress) =>
    new Promise<readonly FleetSummary[]>((resolve, reject) => {
      const results: (FleetSummary | undefined)[] = cells.map(() => undefined);
      const running = new Set<Worker>();
      let next = 0;
      let finished = 0;
      let failed = false;
      const fail = (e: Error): void => {
        if (failed) return;
        failed = true;
        for (const w of running) void w.terminate();
        reject(e);
      };
      const start = (): void => {
        const cell = cells[next];
        if (cell === undefined || failed) return;
        next += 1;
        const worker = new Worker(entry, { workerData: cell, resourceLimits: cellHeapLimits(cell) });
        running.add(worker);
        worker.on('message', (m: unknown) => {
          if (!isCellMessage(m)) return fail(new Error(`fleet cell ${cell.index + 1}: unexpected message from its worker`));
          if (m.kind === 'progress') return onProgress(cell.index, m.done);
          results[cell.index] = m.summary;
        });
        worker.on('error', (e) => fail(new Error(`fleet cell ${cell.index + 1} failed: ${e.message}`)));
        worker.on('exit', (code) => {
          running.delete(worker);
          if (failed) return;
          if (code !== 0 || results[cell.index] === undefined) return fail(new Error(`fleet cell ${cell.index + 1}: its worker exited (code ${code}) without a summary`));
          finished += 1;
          if (finished === cells.length) resolve(results.filter((r): r is FleetSummary => r !== undefined));
          else start();
        });
      };
      for (let i = 0; i < Math.min(Math.max(1, workers), cells.length); i += 1) start();
    });
