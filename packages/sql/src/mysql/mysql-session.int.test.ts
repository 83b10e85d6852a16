import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { opened } from '../testing/backends.js';
import { freshDatabase } from '../testing/fresh-database.js';
import { describeWithServer } from '../testing/server-env.js';

describeWithServer('mysql', 'a MariaDB connection, whatever the server defaults to', (serverUrl) => {
  it('refuses a value too long for its column instead of truncating it, on every connection of the pool', async () => {
    const fresh = await freshDatabase('mysql', serverUrl);
    const database = await opened(fresh.url, undefined);
    try {
      // Every connection of the pool, not only the first one.
      const sessions = await Promise.all(
        Array.from({ length: 4 }, () => sql<{ mode: string }>`SELECT @@SESSION.sql_mode AS mode, SLEEP(0.05)`.execute(database.db)),
      );
      for (const s of sessions) {
        expect(s.rows[0]?.mode.split(',')).toEqual(expect.arrayContaining(['STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES', 'NO_ENGINE_SUBSTITUTION']));
      }
      // What the mode is for: a value longer than its column is an error, not a silent truncation.
      const created = await database.repository.createInstance('vm1' as never, 'h1', ['root'])();
      expect(created._tag).toBe('Right');
      await expect(sql`UPDATE instances SET image_ref = ${'x'.repeat(300)} WHERE uuid = 'vm1'`.execute(database.db)).rejects.toThrow(/too long/i);
    } finally {
      await database.close();
      await fresh.drop();
    }
  });
});
