/**
 * Runs a fleet's cells on worker threads, at most `workers` at a time. Each
 * thread is started once and runs cells one after another (starting one
 * loads the whole library again, about a second of CPU). Cells share
 * nothing, so they scale with the cores, and a cell's result does not depend
 * on which thread ran it or when.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FleetCell } from '../fleet/cells.js';
import type { FleetSummary } from '../fleet/fleet-summary.js';
import type { CellRunner } from '../fleet/fleet-run.js';

/** What the parent posts to a worker: a cell to run, or that there are no more. */
export type WorkerOrder = { readonly kind: 'cell'; readonly cell: FleetCell } | { readonly kind: 'stop' };

/** What a worker posts: the events done of the cell it runs, then that cell's summary. */
export type CellMessage =
  | { readonly kind: 'progress'; readonly cell: number; readonly done: number }
  | { readonly kind: 'done'; readonly cell: number; readonly summary: FleetSummary };

const isCellMessage = (u: unknown): u is CellMessage => {
  if (typeof u !== 'object' || u === null) return false;
  const m = u as { kind?: unknown; cell?: unknown };
  return (m.kind === 'progress' || m.kind === 'done') && typeof m.cell === 'number';
};

/** The worker entry of the build, next to this module. */
const ENTRY = new URL('./fleet-worker.js', import.meta.url);

/**
 * The heap a cell's thread may grow to: a base plus a share per instance,
 * well above what a cell keeps alive (about 8 KiB per instance), so that
 * threads side by side stay within the machine's memory instead of each
 * growing its heap as if it were alone. A thread past it fails its cell.
 */
export const cellHeapLimits = (cell: FleetCell): ResourceLimits => ({
  maxOldGenerationSizeMb: 256 + Math.ceil((cell.options.instances * 10) / 1024),
  // A roomier young generation: most of an event's garbage dies there instead of being promoted (measured: about 10 % less CPU than the default).
  maxYoungGenerationSizeMb: 96,
});

/**
 * A {@link CellRunner} over at most `workers` threads. `entry` is the
 * worker's module: fleet-worker.js of the build, or a module that loads its
 * TypeScript source (the benchmarks run from source).
 */
export const threadCells =
  (workers: number, entry: URL = ENTRY): CellRunner =>
  (cells, onProgress) =>
    new Promise<readonly FleetSummary[]>((resolve, reject) => {
      const results: (FleetSummary | undefined)[] = cells.map(() => undefined);
      const running = new Set<Worker>();
      // A run's cells differ by at most one instance: the largest one's limits serve every cell a thread runs.
      const largest = cells.reduce<FleetCell | undefined>((a, c) => (a === undefined || c.options.instances > a.options.instances ? c : a), undefined);
      const limits = largest === undefined ? undefined : cellHeapLimits(largest);
      let next = 0;
      let finished = 0;
      let failed = false;
      const fail = (e: Error): void => {
        if (failed) return;
        failed = true;
        for (const w of running) void w.terminate();
        reject(e);
      };
      const spawn = (): void => {
        const worker = new Worker(entry, limits === undefined ? {} : { resourceLimits: limits });
        running.add(worker);
        let current: FleetCell | undefined;
        const feed = (): void => {
          current = cells[next];
          if (current === undefined) return worker.postMessage({ kind: 'stop' } satisfies WorkerOrder);
          next += 1;
          worker.postMessage({ kind: 'cell', cell: current } satisfies WorkerOrder);
        };
        const which = (): string => (current === undefined ? 'a fleet worker' : `fleet cell ${current.index + 1}`);
        worker.on('message', (m: unknown) => {
          if (!isCellMessage(m) || m.cell !== current?.index) return fail(new Error(`${which()}: unexpected message from its worker`));
          if (m.kind === 'progress') return onProgress(m.cell, m.done);
          results[m.cell] = m.summary;
          finished += 1;
          feed();
        });
        worker.on('error', (e) => fail(new Error(`${which()} failed: ${e.message}`)));
        worker.on('exit', (code) => {
          running.delete(worker);
          if (failed) return;
          if (code !== 0 || current !== undefined) return fail(new Error(`${which()}: its worker exited (code ${code}) without a summary`));
          if (finished === cells.length && running.size === 0) resolve(results.filter((r): r is FleetSummary => r !== undefined));
        });
        feed();
      };
      if (cells.length === 0) return resolve([]);
      for (let i = 0; i < Math.min(Math.max(1, workers), cells.length); i += 1) spawn();
    });
