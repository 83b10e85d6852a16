/**
 * Opens MariaDB or MySQL through a mysql2 pool. `multipleStatements` lets
 * saveRecords send its script as one query (values are still escaped `?`
 * parameters); `dateStrings` and UTC keep DATETIME values as nova's naive
 * UTC text instead of local-time `Date`s.
 *
 * Each connection is set up as PostgreSQL behaves by default, so that the
 * repository's transactions mean the same on both servers:
 * - READ COMMITTED: under InnoDB's default REPEATABLE READ, a transaction
 *   that lost a compare-and-set to a writer not taking the instance lock
 *   (nova, or the online migration's fill) read the row from its snapshot,
 *   before the winner, and found it still empty;
 * - `sql_mode` TRADITIONAL (as oslo.db sets it for nova): a value too long
 *   for its column is refused, never truncated, whatever the server's own
 *   default mode.
 */
import { CompiledQuery, MysqlDialect, type DatabaseConnection, type Dialect } from 'kysely';
import { createPool } from 'mysql2';
import { CONNECT_TIMEOUT_MS, type PoolOptions } from '../pool-options.js';

/** The session settings every connection starts with. */
const MYSQL_SESSION = ["SET SESSION sql_mode = 'TRADITIONAL'", 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'] as const;

const setUp = async (connection: DatabaseConnection): Promise<void> => {
  for (const statement of MYSQL_SESSION) await connection.executeQuery(CompiledQuery.raw(statement));
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
