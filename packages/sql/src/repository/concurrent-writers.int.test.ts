/**
 * Writers of one instance's records on separate connections, as two
 * services sharing a database would be: each call's writes land whole and
 * once, however the calls interleave. A third transaction holds the
 * instance row while the writers start, so that both have begun (and, on
 * PostgreSQL, taken their snapshots) before either can lock it.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
import { forEachBackend, opened, type TestDatabase } from '../testing/backends.js';
import { id, right } from '../testing/task.js';

/** Start `during` while a transaction of `db` holds the instance row, and release it `ms` later; resolves when `during` has. */
const held = async (db: SqlDatabase, instance: string, ms: number, during: () => Promise<unknown>): Promise<void> => {
  let running: Promise<unknown> = Promise.resolve();
  await db.db.transaction().execute(async (trx) => {
    await sql`SELECT id FROM instances WHERE uuid = ${instance} FOR UPDATE`.execute(trx);
    running = during();
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
  await running;
};

forEachBackend('concurrent writers', (backend) => {
  describe(`concurrent writers on ${backend.name}`, () => {
    let t: TestDatabase;
    let others: SqlDatabase[] = [];
    beforeEach(async () => {
      t = await backend.open();
    });
    afterEach(async () => {
      for (const o of others) await o.close();
      others = [];
      await t.dispose();
    });

    it('two saveRecords creating the same disk make one row, the last writer\'s record', async ({ skip }) => {
      if (backend.dialect === 'sqlite') skip('SQLite serialises writers on one file lock; the race needs row locks');
      others = await Promise.all([0, 1, 2].map(() => opened(t.url, { migrate: false })));
      const [a, b, holder] = others;
      if (a === undefined || b === undefined || holder === undefined) throw new Error('three pools expected');
      for (let i = 0; i < 5; i += 1) {
        const vm = id(`3f6c0b38-94a4-4a4e-8d0a-6a7e5c1f9e0${i}`);
        await right(t.database.repository.createInstance(vm, 'h1', ['root']));
        let results: unknown[] = [];
        await held(holder, vm, 300, async () => {
          results = await Promise.all([
            a.repository.saveRecords(vm, [{ disk: 'ephemeral0', driverInfo: 'A' }])(),
            b.repository.saveRecords(vm, [{ disk: 'ephemeral0', driverInfo: 'B' }])(),
          ]);
        });
        expect(results.map((r) => (r as { _tag: string })._tag)).toEqual(['Right', 'Right']);
        const disks = await right(t.database.repository.listDisks(vm));
        expect(disks.map((d) => d.disk)).toEqual(['root', 'ephemeral0']);
        expect(['A', 'B']).toContain(disks[1]?.driverInfo);
      }
    }, 30_000);
  });
});
