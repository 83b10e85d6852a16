import { describe, expect, it } from 'vitest';
import { mysqlFlavour } from '../mysql/mysql-flavour.js';
import { postgresFlavour } from '../postgres/postgres-flavour.js';
import { sqliteFlavour } from '../sqlite/sqlite-flavour.js';
import { retryTransient, TRANSIENT_ATTEMPTS } from './transient-retry.js';

const deadlock = Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213 });
const other = Object.assign(new Error('Duplicate entry'), { errno: 1062 });

/** A call that throws each of `throws` in turn, then returns how many times it ran. */
const scripted = (throws: readonly Error[]) => {
  let calls = 0;
  return {
    calls: () => calls,
    run: async (): Promise<number> => {
      calls += 1;
      const e = throws[calls - 1];
      if (e !== undefined) throw e;
      return calls;
    },
  };
};

describe('retryTransient', () => {
  it('runs a call the database aborted again, until it succeeds', async () => {
    const call = scripted([deadlock, deadlock]);
    expect(await retryTransient(mysqlFlavour.isTransient, call.run, TRANSIENT_ATTEMPTS, 0)).toBe(3);
  });

  it('returns any other failure at once, and the last one when every attempt was aborted', async () => {
    const once = scripted([other]);
    await expect(retryTransient(mysqlFlavour.isTransient, once.run, TRANSIENT_ATTEMPTS, 0)).rejects.toBe(other);
    expect(once.calls()).toBe(1);
    const always = scripted(Array.from({ length: 10 }, () => deadlock));
    await expect(retryTransient(mysqlFlavour.isTransient, always.run, 3, 0)).rejects.toBe(deadlock);
    expect(always.calls()).toBe(3);
  });

  it("knows each dialect's own aborts", () => {
    expect([1213, 1467, 1062, 1205].map((errno) => mysqlFlavour.isTransient({ errno }))).toEqual([true, true, false, false]);
    expect(['40P01', '40001', '23505', '57014'].map((code) => postgresFlavour.isTransient({ code }))).toEqual([true, true, false, false]);
    expect(sqliteFlavour.isTransient({ code: 'SQLITE_BUSY' })).toBe(false);
  });
});
