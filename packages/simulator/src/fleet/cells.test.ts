import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { defaultCells, planCells } from './cells.js';
import type { FleetOptions } from './fleet-plan.js';

const O: FleetOptions = { hosts: 101, instances: 1001, events: 10_001, seed: 4, mode: 'metadata' };

const cellsOf = (o: FleetOptions) => {
  const c = planCells(o);
  if (E.isLeft(c)) throw new Error(c.left);
  return c.right;
};

describe('planCells', () => {
  it('makes one cell per 25 hosts by default', () => {
    expect([1, 25, 26, 100, 101].map(defaultCells)).toEqual([1, 1, 2, 4, 5]);
    expect(cellsOf(O)).toHaveLength(5);
  });

  it('gives a single cell the whole fleet, with the run\'s own seed and no host prefix', () => {
    expect(cellsOf({ ...O, hosts: 20 })).toEqual([{ index: 0, of: 1, options: { ...O, hosts: 20, cells: 1 }, hostPrefix: '' }]);
  });

  it('splits hosts, instances and events without losing any, the first cells one larger', () => {
    const cells = cellsOf({ ...O, cells: 4 });
    expect(cells.map((c) => c.options.hosts)).toEqual([26, 25, 25, 25]);
    expect(cells.map((c) => c.options.instances)).toEqual([251, 250, 250, 250]);
    expect(cells.map((c) => c.options.events)).toEqual([2501, 2500, 2500, 2500]);
    expect(cells.map((c) => c.hostPrefix)).toEqual(['c1-', 'c2-', 'c3-', 'c4-']);
    expect(cells.every((c) => c.options.cells === 1 && c.of === 4 && c.options.mode === 'metadata')).toBe(true);
  });

  it('draws each cell its own seed from the run\'s seed, the same every time', () => {
    const seeds = cellsOf({ ...O, cells: 4 }).map((c) => c.options.seed);
    expect(new Set(seeds).size).toBe(4);
    expect(cellsOf({ ...O, cells: 4 }).map((c) => c.options.seed)).toEqual(seeds);
    expect(cellsOf({ ...O, cells: 4, seed: 5 }).map((c) => c.options.seed)).not.toEqual(seeds);
  });

  it('refuses more cells than hosts, instances or events, naming which', () => {
    expect(planCells({ ...O, cells: 102 })).toEqual(E.left('102 cells need at least 102 hosts (got 101)'));
    expect(planCells({ ...O, hosts: 500, cells: 1002 })).toEqual(E.left('1002 cells need at least 1002 hosts (got 500)'));
    expect(planCells({ ...O, hosts: 5000, instances: 10, cells: 20 })).toEqual(E.left('20 cells need at least 20 instances (got 10)'));
    expect(planCells({ ...O, cells: 0 })).toEqual(E.left('cells must be a positive integer (got 0)'));
  });
});
