/**
 * A fresh, empty database on a test server, dropped again afterwards, so
 * every test starts from nothing. Test-only.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import { mysqlDialect } from '../mysql/mysql-connect.js';
import { postgresDialect } from '../postgres/postgres-connect.js';
import type { ServerDialect } from './server-env.js';

/** A database made for one test. */
export interface FreshDatabase {
  /** Its URL. */
  readonly url: string;
  /** Drop it (close every pool on it first). */
  drop(): Promise<void>;
}

const withAdmin = async <A>(dialect: ServerDialect, url: string, run: (admin: Kysely<unknown>) => Promise<A>): Promise<A> => {
  const admin = new Kysely<unknown>({ dialect: dialect === 'postgres' ? postgresDialect(url, { max: 1 }) : mysqlDialect(url, { max: 1 }) });
  try {
    return await run(admin);
  } finally {
    await admin.destroy();
  }
};

/** Create a database named `disk_ledger_t_<random>` next to the one `serverUrl` names. */
export const freshDatabase = async (dialect: ServerDialect, serverUrl: string): Promise<FreshDatabase> => {
  const name = `disk_ledger_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(dialect, serverUrl, (admin) => sql`CREATE DATABASE ${sql.id(name)}`.execute(admin));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(dialect, serverUrl, async (admin) => {
        await (dialect === 'postgres'
          ? sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin)
          : sql`DROP DATABASE IF EXISTS ${sql.id(name)}`.execute(admin));
      }),
  };
};
