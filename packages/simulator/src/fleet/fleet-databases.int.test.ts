/**
 * One generated fleet, replayed on each database the repository supports:
 * SQLite (in memory and in a file), and PostgreSQL and MariaDB when their
 * servers are configured. The in-memory repository is the reference; every
 * outcome, counter, census and sample must come out the same, since the
 * services see only the repository port.
 */
import 'reflect-metadata';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forEachBackend, type TestDatabase } from '../../../sql/src/testing/backends.js';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { runCell, type CellRunDeps } from './cell-run.js';
import { planCells, type FleetCell } from './cells.js';
import type { FleetSummary } from './fleet-summary.js';

const OPTIONS = { hosts: 6, instances: 300, events: 2500, seed: 5, mode: 'metadata' } as const;

const theCell = (): FleetCell => {
  const cells = planCells(OPTIONS);
  const only = E.isRight(cells) ? cells.right[0] : undefined;
  if (only === undefined) throw new Error('the options make no cell');
  return only;
};

/** A summary without its clock readings, which differ from run to run. */
const results = (s: FleetSummary): Omit<FleetSummary, 'timing'> => {
  const { timing: _timing, ...rest } = s;
  return rest;
};

const run = (repository?: CellRunDeps['repository']): Promise<FleetSummary> =>
  runCell(theCell(), { legacyDriver: (w) => new LegacyDriver(w), ...(repository === undefined ? {} : { repository }) });

describe('a generated fleet replayed on each database', () => {
  let reference: Omit<FleetSummary, 'timing'>;
  beforeAll(async () => {
    reference = results(await run());
    // A fleet whose every step failed would agree everywhere and show nothing.
    expect(reference.totals.ok).toBeGreaterThan(OPTIONS.events / 2);
    expect(reference.census.recorded).toBeGreaterThan(0);
  });

  forEachBackend('fleet', (backend) => {
    describe(`on ${backend.name}`, () => {
      let t: TestDatabase;
      beforeEach(async () => {
        t = await backend.open();
      });
      afterEach(async () => {
        await t.dispose();
      });

      it('gives the outcomes, counters, census and samples of the in-memory repository', async () => {
        expect(results(await run(t.database.repository))).toEqual(reference);
      }, 120_000);
    });
  });
});
