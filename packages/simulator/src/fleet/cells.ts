/**
 * A fleet split into cells, as nova splits a large deployment: each cell has
 * its own hosts, its own database and its own instances, and an instance
 * never moves between cells. Each cell is generated from its own seed (drawn
 * from the run's seed) and replayed on its own world, so cells can run side
 * by side on separate threads. The split depends on the options alone, never
 * on how many threads run it: same options, same cells, same result.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { FleetOptions } from './fleet-plan.js';
import { mulberry32 } from './prng.js';

// ---- types

/** One cell of a fleet run: its share of the hosts, instances and events. */
export interface FleetCell {
  /** 0-based. */
  readonly index: number;
  /** How many cells the fleet has. */
  readonly of: number;
  /** The cell's own options: its share of the fleet and its own seed. */
  readonly options: FleetOptions;
  /** Prefixes the cell's host names (`c2-`) so that hosts stay distinct across cells; empty for a single cell. */
  readonly hostPrefix: string;
}

// ---- constructors

/** Hosts per cell when the cell count is not given. */
export const HOSTS_PER_CELL = 25;

/** Cells of a fleet of `hosts` hosts when the count is not given: one per {@link HOSTS_PER_CELL} hosts. */
export const defaultCells = (hosts: number): number => Math.max(1, Math.ceil(hosts / HOSTS_PER_CELL));

/** `total` split over `n` parts, the first `total % n` parts one larger. */
const share = (total: number, n: number, i: number): number => Math.floor(total / n) + (i < total % n ? 1 : 0);

/**
 * The cells of a run. A single cell is the whole fleet with the run's own
 * seed. Otherwise every cell needs at least one host, one instance and one
 * event; the `Left` names the option that is too small.
 */
export const planCells = (o: FleetOptions): E.Either<string, readonly FleetCell[]> => {
  const n = o.cells ?? defaultCells(o.hosts);
  if (!Number.isSafeInteger(n) || n < 1) return E.left(`cells must be a positive integer (got ${n})`);
  for (const key of ['hosts', 'instances', 'events'] as const) {
    const why = o.cells === undefined ? `${o.hosts} hosts make ${n} cells (one per ${HOSTS_PER_CELL} hosts), which` : `${n} cells`;
    if (o[key] < n) return E.left(`${why} need at least ${n} ${key} (got ${o[key]})`);
  }
  if (n === 1) return E.right([{ index: 0, of: 1, options: { ...o, cells: 1 }, hostPrefix: '' }]);
  const seeds = mulberry32(o.seed);
  return E.right(
    Array.from({ length: n }, (_, i) => ({
      index: i,
      of: n,
      options: {
        hosts: share(o.hosts, n, i),
        instances: share(o.instances, n, i),
        events: share(o.events, n, i),
        seed: Math.floor(seeds.next() * 2 ** 32) | 0,
        mode: o.mode,
        cells: 1,
      },
      hostPrefix: `c${i + 1}-`,
    })),
  );
};
