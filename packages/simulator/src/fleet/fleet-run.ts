/**
 * A fleet run: split the fleet into cells (cells.ts), run each cell's events
 * on its own world, and merge the cells' summaries. A fleet of one cell is
 * that cell's run as it is. Several cells run one after another here, or
 * side by side when the caller supplies a {@link CellRunner} that uses
 * threads (the CLI does); the result is the same either way.
 */
import * as E from 'fp-ts/lib/Either.js';
import { performance } from 'node:perf_hooks';
import { runCell, type CellRunDeps } from './cell-run.js';
import { planCells, type FleetCell } from './cells.js';
import type { FleetOptions } from './fleet-plan.js';
import type { FleetSummary } from './fleet-summary.js';
import { mergeSummaries } from './merge-summaries.js';

// ---- types

/** Runs the cells of a fleet, reporting each cell's events done; resolves to their summaries in cell order. */
export type CellRunner = (cells: readonly FleetCell[], onProgress: (cell: number, done: number) => void) => Promise<readonly FleetSummary[]>;

/** What a fleet run needs besides its options. */
export interface FleetRunDeps extends CellRunDeps {
  /** Runs the cells when there are several; default: one after another on this thread, with these deps. */
  readonly cells?: CellRunner;
}

// ---- the run

/** Runs cells one after another on this thread. */
export const sequentialCells =
  (deps: CellRunDeps): CellRunner =>
  async (cells, onProgress) => {
    const out: FleetSummary[] = [];
    for (const cell of cells) out.push(await runCell(cell, { ...deps, onProgress: (done) => onProgress(cell.index, done) }));
    return out;
  };

/**
 * Run a generated fleet and summarise it. Options that cannot be split into
 * their cells (fewer hosts, instances or events than cells) are a caller's
 * bug here: the CLI checks them with `planCells` first.
 */
export const runFleet = async (options: FleetOptions, deps: FleetRunDeps): Promise<FleetSummary> => {
  const planned = planCells(options);
  if (E.isLeft(planned)) throw new Error(`fleet options: ${planned.left}`);
  const cells = planned.right;
  const only = cells[0];
  if (cells.length === 1 && only !== undefined) return runCell(only, deps);

  const started = performance.now();
  const doneByCell = cells.map(() => 0);
  let reported = 0;
  const onProgress = (cell: number, done: number): void => {
    doneByCell[cell] = done;
    const all = doneByCell.reduce((a, d) => a + d, 0);
    // Cells report in their own rhythm; the caller sees a count that only grows.
    if (all <= reported) return;
    reported = all;
    deps.onProgress?.(all, options.events);
  };
  const runner = deps.cells ?? sequentialCells(deps);
  const summaries = await runner(cells, onProgress);
  const loopMs = performance.now() - started;
  const msByLabel: Record<string, number> = {};
  for (const s of summaries) for (const [k, v] of Object.entries(s.timing.msByLabel)) msByLabel[k] = (msByLabel[k] ?? 0) + v;
  return mergeSummaries(summaries, options.seed, {
    wallMs: Math.round(loopMs),
    loopMs: Math.round(loopMs),
    eventsPerSec: loopMs > 0 ? Math.round((options.events * 1000) / loopMs) : 0,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    // The slowest cell's clock at each sample: the fleet reached it when every cell had.
    sampleMs: (summaries[0]?.timing.sampleMs ?? []).map((_, k) => Math.max(...summaries.map((s) => s.timing.sampleMs[k] ?? 0))),
    msByLabel: Object.fromEntries(Object.entries(msByLabel).sort(([a], [b]) => (a < b ? -1 : 1))),
  });
};
