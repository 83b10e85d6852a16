/**
 * Opens MariaDB or MySQL through a mysql2 pool. `multipleStatements` lets
 * saveRecords send its script as one query (values are still escaped `?`
 * parameters); `dateStrings` and UTC keep DATETIME values as nova's naive
 * UTC text instead of local-time `Date`s.
 *
 * Each connection sets `sql_mode` to TRADITIONAL, as oslo.db does for nova:
 * a value too long for its column is refused, never truncated, whatever the
 * server's own default mode.
 */
import { CompiledQuery, MysqlDialect, type DatabaseConnection, type Dialect } from 'kysely';
import { createPool } from 'mysql2';
import { CONNECT_TIMEOUT_MS, type PoolOptions } from '../pool-options.js';

const setUp = async (connection: DatabaseConnection): Promise<void> => {
  await connection.executeQuery(CompiledQuery.raw("SET SESSION sql_mode = 'TRADITIONAL'"));
};

/** A kysely dialect for the MariaDB / MySQL server at `url` (`mysql://…`). */
export const mysqlDialect = (url: string, options: PoolOptions = {}): Dialect =>
  new MysqlDialect({
    pool: createPool({
      uri: url,
      connectionLimit: options.max ?? 10,
      connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      multipleStatements: true,
      dateStrings: true,
      timezone: 'Z',
      charset: 'utf8mb4',
    }),
    onCreateConnection: setUp,
  });
