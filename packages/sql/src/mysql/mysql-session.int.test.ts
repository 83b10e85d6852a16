import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { opened } from '../testing/backends.js';
import { freshDatabase } from '../testing/fresh-database.js';
import { describeWithServer } from '../testing/server-env.js';

describeWithServer('mysql', 'a MariaDB connection, whatever the server defaults to', (serverUrl) => {
  it('refuses values too long for their column instead of truncating them, and reads what others committed, as PostgreSQL does', async () => {
    const fresh = await freshDatabase('mysql', serverUrl);
    const database = await opened(fresh.url, undefined);
    try {
      // Every connection of the pool, not only the first one.
      const sessions = await Promise.all(
        Array.from({ length: 4 }, () => sql<{ mode: string; isolation: string }>`SELECT @@SESSION.sql_mode AS mode, @@SESSION.tx_isolation AS isolation, SLEEP(0.05)`.execute(database.db)),
      );
      for (const s of sessions) {
        expect(s.rows[0]?.mode.split(',')).toEqual(expect.arrayContaining(['STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES', 'NO_ENGINE_SUBSTITUTION']));
        expect(s.rows[0]?.isolation).toBe('READ-COMMITTED');
      }
    } finally {
      await database.close();
      await fresh.drop();
    }
  });
});
