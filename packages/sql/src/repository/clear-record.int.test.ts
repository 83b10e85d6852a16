import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
import { forEachBackend, opened, type TestDatabase } from '../testing/backends.js';
import { id, right } from '../testing/task.js';

const vm1 = id('3f6c0b38-94a4-4a4e-8d0a-6a7e5c1f9e01');

forEachBackend('clearRecord against a writer without the instance lock', (backend) => {
  // SQLite takes one writer at a time: there is no interleaving to test.
  if (backend.dialect === 'sqlite') return;
  describe(`clearRecord on ${backend.name}`, () => {
    let t: TestDatabase;
    let other: SqlDatabase | undefined;
    beforeEach(async () => {
      t = await backend.open();
    });
    afterEach(async () => {
      await other?.close();
      other = undefined;
      await t.dispose();
    });

    // Nova and the online migration's fill write driver_info without the instance lock. MariaDB's default collation
    // takes 'record-a' for 'RECORD-A ', so only a byte-for-byte guard keeps such a writer's record.
    it('keeps a record stored meanwhile that differs from the undone one only in letter case or trailing spaces', async () => {
      const repo = t.database.repository;
      await right(repo.createInstance(vm1, 'h1', ['root']));
      await right(repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'RECORD-A' }]));
      other = await opened(t.url, { migrate: false });
      let cleared: Promise<unknown> = Promise.resolve();
      await other.db.transaction().execute(async (trx) => {
        await sql`SELECT id FROM block_device_mapping WHERE instance_uuid = ${vm1} FOR UPDATE`.execute(trx);
        cleared = repo.clearRecord(vm1, 'root', 'RECORD-A')();
        // clearRecord reads the row (a snapshot) and waits on its lock for its guarded update.
        await new Promise((r) => setTimeout(r, 300));
        await sql`UPDATE block_device_mapping SET driver_info = ${'record-a '} WHERE instance_uuid = ${vm1}`.execute(trx);
      });
      expect(await cleared).toEqual({ _tag: 'Right', right: false });
      expect((await right(repo.listDisks(vm1)))[0]?.driverInfo).toBe('record-a ');
    }, 30_000);
  });
});
