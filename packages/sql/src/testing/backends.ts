/**
 * The databases the SQL tests run on: SQLite in memory and in a temporary
 * file, and (when their servers are configured) PostgreSQL and MariaDB, each
 * test in a fresh database. Test-only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { openDatabase, type OpenDatabaseOptions, type SqlDatabase } from '../open-database.js';
import type { DialectName } from '../repository/sql-flavour.js';
import { freshDatabase } from './fresh-database.js';
import { describeWithServer, type ServerDialect } from './server-env.js';

/** An opened test database and how to dispose of it. */
export interface TestDatabase {
  readonly database: SqlDatabase;
  /** Its URL, password included, to open more pools on it. */
  readonly url: string;
  /** Close it and remove what it left (file, server database). */
  dispose(): Promise<void>;
}

/** One place to run a suite. */
export interface Backend {
  readonly name: string;
  readonly dialect: DialectName;
  open(options?: OpenDatabaseOptions): Promise<TestDatabase>;
}

/** Open `url` or throw. */
export const opened = async (url: string, options: OpenDatabaseOptions | undefined): Promise<SqlDatabase> => {
  const result = await openDatabase(url, options)();
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

/** SQLite in memory. */
export const sqliteMemory: Backend = {
  name: 'SQLite (:memory:)',
  dialect: 'sqlite',
  open: async (options) => {
    const database = await opened('sqlite::memory:', options);
    return { database, url: 'sqlite::memory:', dispose: () => database.close() };
  },
};

/** SQLite in a temporary file. */
export const sqliteFile: Backend = {
  name: 'SQLite (file)',
  dialect: 'sqlite',
  open: async (options) => {
    const dir = mkdtempSync(join(tmpdir(), 'disk-ledger-sql-'));
    const url = `sqlite:${join(dir, 'ledger.db')}`;
    const database = await opened(url, options);
    return {
      database,
      url,
      dispose: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A server database, fresh for each `open`. */
export const serverBackend = (dialect: ServerDialect, serverUrl: string): Backend => ({
  name: dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB',
  dialect,
  open: async (options) => {
    const fresh = await freshDatabase(dialect, serverUrl);
    const database = await opened(fresh.url, options);
    return {
      database,
      url: fresh.url,
      dispose: async () => {
        await database.close();
        await fresh.drop();
      },
    };
  },
});

/** Run `body` once per backend: both SQLite forms always, each server when configured (see server-env.ts). */
export const forEachBackend = (title: string, body: (backend: Backend) => void): void => {
  for (const backend of [sqliteMemory, sqliteFile]) body(backend);
  describeWithServer('postgres', `${title} on PostgreSQL`, (url) => body(serverBackend('postgres', url)));
  describeWithServer('mysql', `${title} on MariaDB`, (url) => body(serverBackend('mysql', url)));
};
