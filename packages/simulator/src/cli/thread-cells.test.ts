import { describe, expect, it } from 'vitest';
import type { FleetCell } from '../fleet/cells.js';
import { threadCells } from './thread-cells.js';

const STUB = new URL('./testing/stub-cell-worker.mjs', import.meta.url);

const cellsOf = (seeds: readonly number[]): FleetCell[] =>
  seeds.map((seed, index) => ({ index, of: seeds.length, hostPrefix: `c${index + 1}-`, options: { hosts: 1, instances: 1, events: 1, seed, mode: 'metadata', cells: 1 } }));

describe('threadCells', () => {
  it('runs more cells than threads on that many threads, each started once, and returns the summaries in cell order', async () => {
    const progress: [number, number][] = [];
    const summaries = await threadCells(2, STUB)(cellsOf([1, 2, 3, 4, 5]), (cell, done) => progress.push([cell, done]));
    const seen = summaries as unknown as readonly { readonly cell: number; readonly threadId: number }[];
    expect(seen.map((s) => s.cell)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(seen.map((s) => s.threadId)).size).toBe(2);
    expect(progress.map(([cell]) => cell).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('fails the run, naming the cell, when a worker dies on it', async () => {
    await expect(threadCells(2, STUB)(cellsOf([1, 13, 3]), () => undefined)).rejects.toThrow(/fleet cell 2 failed: cell 13 is unlucky/);
  });

  it('returns nothing for no cells', async () => {
    await expect(threadCells(2, STUB)([], () => undefined)).resolves.toEqual([]);
  });
});
