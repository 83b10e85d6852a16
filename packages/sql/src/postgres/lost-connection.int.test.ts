import * as E from 'fp-ts/lib/Either.js';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { expect, it } from 'vitest';
import { opened } from '../testing/backends.js';
import { freshDatabase } from '../testing/fresh-database.js';
import { describeWithServer } from '../testing/server-env.js';
import { id, right } from '../testing/task.js';

describeWithServer('postgres', 'a PostgreSQL connection terminated while a transaction holds it (a restart, a failover, an administrator)', (serverUrl) => {
  it('fails that call with REPOSITORY_FAILED instead of crashing the process; the next call gets a new connection', async () => {
    const fresh = await freshDatabase('postgres', serverUrl);
    const database = await opened(fresh.url, undefined);
    const admin = new pg.Client({ connectionString: fresh.url });
    await admin.connect();
    try {
      const vm = id('vm-terminated');
      await right(database.repository.createInstance(vm, 'h1', ['root']));
      // Hold the instance's lock, so that the compare-and-set waits inside its transaction, on its checked-out client.
      await admin.query('BEGIN');
      await admin.query('SELECT id FROM instances WHERE uuid = $1 FOR UPDATE', [vm]);
      const cas = database.repository.compareAndSetRecord(vm, 'root', '{"version":"1.1"}')();
      let waiting: number | undefined;
      for (let i = 0; i < 250 && waiting === undefined; i += 1) {
        const r = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        waiting = r.rows[0]?.pid;
        if (waiting === undefined) await sleep(20);
      }
      expect(waiting, 'the compare-and-set never waited on the lock').toBeDefined();
      await admin.query('SELECT pg_terminate_backend($1)', [waiting]);
      const r = await cas;
      expect(E.isLeft(r) && r.left.code).toBe('REPOSITORY_FAILED');
      await admin.query('ROLLBACK');
      // Let the terminated client's own events arrive, as they do after the failed query.
      await sleep(100);
      expect((await right(database.repository.listDisks(vm))).map((d) => [d.disk, d.driverInfo])).toEqual([['root', null]]);
    } finally {
      await admin.end();
      await database.close();
      await fresh.drop();
    }
  });
});
