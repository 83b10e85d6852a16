/**
 * Opens PostgreSQL through a node-postgres pool. A client that loses its
 * server (a restart, a failover, `pg_terminate_backend`) emits `error`: on
 * the pool while it is idle, on the client itself while a transaction holds
 * it. Both are absorbed here (the query in flight, or the next one, fails
 * and is reported as a value) instead of crashing the process, which
 * Node.js does for an `error` event nobody listens to.
 */
import { PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';
import { CONNECT_TIMEOUT_MS, type PoolOptions } from '../pool-options.js';

const absorb = (): void => undefined;

/** A kysely dialect for the PostgreSQL server at `url`. */
export const postgresDialect = (url: string, options: PoolOptions = {}): Dialect => {
  // node-postgres waits for ever by default: a server that accepts the connection but never answers would hang the caller.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS });
  pool.on('error', absorb);
  pool.on('connect', (client) => client.on('error', absorb));
  return new PostgresDialect({ pool });
};
