/**
 * Opens PostgreSQL through a node-postgres pool. Idle clients that lose their
 * server emit `error` on the pool; it is absorbed here (the next query fails
 * and is reported as a value) instead of crashing the process.
 */
import { PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';
import { CONNECT_TIMEOUT_MS, type PoolOptions } from '../pool-options.js';

/** A kysely dialect for the PostgreSQL server at `url`. */
export const postgresDialect = (url: string, options: PoolOptions = {}): Dialect => {
  // node-postgres waits for ever by default: a server that accepts the connection but never answers would hang the caller.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS });
  pool.on('error', () => undefined);
  return new PostgresDialect({ pool });
};
