import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type CompiledQuery, type DatabaseConnection } from 'kysely';
import { describe, expect, it } from 'vitest';
import { wrapConnections } from './wrap-connections.js';

/** SQLite whose `rollback` fails with `failure`; every statement's text is kept. */
const failingRollbacks = (failure: () => Error) => {
  const seen: string[] = [];
  const db = new Kysely<Record<string, never>>({
    dialect: wrapConnections(new SqliteDialect({ database: new Database(':memory:') }), {
      executeQuery: (inner: DatabaseConnection, query: CompiledQuery) => {
        seen.push(query.sql);
        return query.sql === 'rollback' ? Promise.reject(failure()) : inner.executeQuery(query);
      },
    }),
  });
  return { db, seen };
};

/** mysql2's error for a command on a connection it has lost. */
const closedState = (): Error => Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true });

describe('wrapConnections', () => {
  describe('when a transaction fails and its rollback fails too', () => {
    it('throws the failure that made it roll back when the connection is lost, not the rollback\'s', async () => {
      const { db, seen } = failingRollbacks(closedState);
      const tx = db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        throw new Error('Connection lost: The server closed the connection.');
      });
      await expect(tx).rejects.toThrow('Connection lost');
      expect(seen).toEqual(['begin', 'select 1', 'rollback']);
      await db.destroy();
    });

    it('throws the rollback\'s failure on a live connection, where the transaction may still be open', async () => {
      const { db } = failingRollbacks(() => new Error('database is locked'));
      const tx = db.transaction().execute(async () => {
        throw new Error('constraint failed');
      });
      await expect(tx).rejects.toThrow('database is locked');
      await db.destroy();
    });
  });
});
