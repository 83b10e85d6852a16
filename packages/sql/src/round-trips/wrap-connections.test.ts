import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type CompiledQuery, type DatabaseConnection } from 'kysely';
import { describe, expect, it } from 'vitest';
import { wrapConnections } from './wrap-connections.js';

/** SQLite whose `rollback` fails as on a connection the server dropped; every statement's text is kept. */
const droppingRollbacks = () => {
  const seen: string[] = [];
  const db = new Kysely<Record<string, never>>({
    dialect: wrapConnections(new SqliteDialect({ database: new Database(':memory:') }), {
      executeQuery: (inner: DatabaseConnection, query: CompiledQuery) => {
        seen.push(query.sql);
        return query.sql === 'rollback' ? Promise.reject(new Error('Can\'t add new command when connection is in closed state')) : inner.executeQuery(query);
      },
    }),
  });
  return { db, seen };
};

describe('wrapConnections', () => {
  describe('when a transaction fails and its rollback fails too', () => {
    it('throws the failure that made it roll back, not the rollback\'s', async () => {
      const { db, seen } = droppingRollbacks();
      const tx = db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        throw new Error('Connection lost: The server closed the connection.');
      });
      await expect(tx).rejects.toThrow('Connection lost');
      expect(seen).toEqual(['begin', 'select 1', 'rollback']);
      await db.destroy();
    });
  });
});
