/**
 * Opens SQLite through better-sqlite3, the embedded default: a file or
 * `:memory:`. Each connection gets the session objects saveRecords needs
 * (sqlite-save-records.ts) and enforces foreign keys.
 *
 * Lock waits are asynchronous. better-sqlite3 is synchronous, so its
 * `busy_timeout` would block the event loop while it waits, and when the
 * lock holder is another connection of the same process (awaiting its next
 * statement) it could never finish: the wait would always time out. So the
 * driver's timeout is 0 and a statement refused with SQLITE_BUSY (which
 * changed nothing) is retried after an awaited pause, for up to 10 s.
 */
import Database from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, type Dialect } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRecord } from '../rows/decode.js';
import { wrapConnections } from '../round-trips/wrap-connections.js';
import { SQLITE_SESSION_SETUP } from './sqlite-save-records.js';
import { cachingStatements } from './statement-cache.js';

const BUSY_DEADLINE_MS = 10_000;

const isBusy = (cause: unknown): boolean => isRecord(cause) && typeof cause.code === 'string' && cause.code.startsWith('SQLITE_BUSY');

/** Run `f`, again after an awaited pause while SQLite answers SQLITE_BUSY, for up to {@link BUSY_DEADLINE_MS}. */
const retryBusy = async <T>(f: () => Promise<T>): Promise<T> => {
  const deadline = Date.now() + BUSY_DEADLINE_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await f();
    } catch (cause) {
      if (!isBusy(cause) || Date.now() > deadline) throw cause;
      await sleep(Math.random() * Math.min(2 ** attempt, 50));
    }
  }
};

/** A kysely dialect for the SQLite database at `path` (`:memory:` for a private in-memory one). */
export const sqliteDialect = (path: string): Dialect =>
  wrapConnections(
    new SqliteDialect({
      database: async () => {
        const db = new Database(path);
        db.pragma('busy_timeout = 0');
        db.pragma('foreign_keys = ON');
        return cachingStatements(db);
      },
      // The session's TEMP objects read the main schema, so another connection's lock refuses them as it does any statement.
      onCreateConnection: async (connection) => {
        for (const statement of SQLITE_SESSION_SETUP) await retryBusy(() => connection.executeQuery(CompiledQuery.raw(statement)));
      },
    }),
    { executeQuery: (inner, query) => retryBusy(() => inner.executeQuery(query)) },
  );
