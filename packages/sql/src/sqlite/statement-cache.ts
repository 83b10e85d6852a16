/**
 * A better-sqlite3 database that prepares each SQL text once. kysely's SQLite
 * driver prepares every query anew, and compiling a statement is most of its
 * cost here: the single statement of saveRecords fires an INSTEAD OF trigger
 * whose whole program SQLite compiles with it, about ten times the cost of
 * running it. The texts repeat (parameters are bound, never inlined), so a
 * small cache holds nearly every one.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Statements kept per connection; the least recently used goes first. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * `db` for kysely, its statements cached by SQL text. A cached statement is
 * reused only when idle: better-sqlite3 refuses to run a statement while an
 * iterator of it is open, so a busy one is prepared again, uncached.
 */
export const cachingStatements = (db: Database.Database, size: number = STATEMENT_CACHE_SIZE): SqliteDatabase => {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare: (sql: string): SqliteStatement => {
      const hit = cache.get(sql);
      if (hit !== undefined) {
        if (hit.busy) return db.prepare(sql);
        // Re-inserted so that the Map's order is the order of last use.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = db.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > size) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
      }
      return statement;
    },
  };
};
