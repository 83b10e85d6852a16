/**
 * One call from a connection URL to a ready repository: pick the dialect
 * (url/database-url.ts), open a pool or file, count its round trips, bring
 * the schema up to date, and hand back the repository with a way to close it.
 */
import type { RepositoryFailed } from '@disk-ledger/domain';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { Kysely, type Dialect } from 'kysely';
import { repositoryFailed } from './errors/repository-errors.js';
import { isRecord } from './rows/decode.js';
import { mysqlDialect } from './mysql/mysql-connect.js';
import { mysqlFlavour } from './mysql/mysql-flavour.js';
import type { PoolOptions } from './pool-options.js';
import { postgresDialect } from './postgres/postgres-connect.js';
import { postgresFlavour } from './postgres/postgres-flavour.js';
import { SqlBlockDeviceMappingRepository, type SqlRepositoryOptions } from './repository/sql-repository.js';
import type { DialectName, SqlFlavour } from './repository/sql-flavour.js';
import { countingDialect, RoundTripCounter } from './round-trips/round-trip-counter.js';
import { migrate, NOVA_TABLES, pendingMigration, type MigrationReport } from './schema/migrate.js';
import type { NovaTables } from './schema/nova-tables.js';
import { sqliteDialect } from './sqlite/sqlite-connect.js';
import { sqliteFlavour } from './sqlite/sqlite-flavour.js';
import { parseDatabaseUrl, type DatabaseTarget, type DatabaseUrlInvalid } from './url/database-url.js';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions extends SqlRepositoryOptions, PoolOptions {
  /**
   * Bring the schema up to date on open (`true`, the default); leave it as
   * it is (`false`); `'require'` it up to date: the open fails, changing
   * nothing, when the schema needs `migrate` or a SQLite file does not exist
   * (tools that only read or fill rows must not create or alter a database);
   * or `'fresh'`: create the whole schema in a database that has none of its
   * tables (a new SQLite file included), and otherwise require it up to date
   * (a simulation may set up its own database, never alter someone's).
   */
  readonly migrate?: boolean | 'require' | 'fresh';
  /**
   * Whether the caller will write (default true). A SQLite file that cannot
   * be written, or whose directory cannot (SQLite keeps its journal there),
   * is then refused on open, not at the first write.
   */
  readonly writes?: boolean;
  /** Count round trips into this counter (default: a new one, exposed as `roundTrips`). */
  readonly roundTrips?: RoundTripCounter;
}

/** An open database. */
export interface SqlDatabase {
  readonly dialect: DialectName;
  /** The URL, password redacted. */
  readonly url: string;
  /** The kysely instance, for tools and tests; the repository is the supported way in. */
  readonly db: Kysely<NovaTables>;
  readonly flavour: SqlFlavour;
  readonly repository: SqlBlockDeviceMappingRepository;
  /** Every round trip made through `db`. */
  readonly roundTrips: RoundTripCounter;
  /** What the migration on open did; `null` when it was skipped. */
  readonly migration: MigrationReport | null;
  /** Close the pool or file; closing again does nothing. */
  close(): Promise<void>;
}

/** Why a database could not be opened. */
export type OpenDatabaseError = DatabaseUrlInvalid | RepositoryFailed;

const FLAVOURS: Readonly<Record<DialectName, SqlFlavour>> = { sqlite: sqliteFlavour, postgres: postgresFlavour, mysql: mysqlFlavour };

const dialectOf = (target: DatabaseTarget, pool: PoolOptions): Dialect => {
  switch (target.dialect) {
    case 'sqlite':
      return sqliteDialect(target.path);
    case 'postgres':
      return postgresDialect(target.url, pool);
    case 'mysql':
      return mysqlDialect(target.url, pool);
  }
};

/** Close the connection of an open that failed, and fail with `message`. */
const closed = (db: Kysely<NovaTables>, message: string, cause?: unknown): TE.TaskEither<RepositoryFailed, never> =>
  pipe(
    TE.fromTask(() => db.destroy().catch(() => undefined)),
    TE.chainEitherK(() => E.left(repositoryFailed(message, cause))),
  );

/**
 * The database as it is, or why it is not up to date (nothing is created or
 * altered); with `fresh`, one that has none of the tables gets them all.
 */
const required = (
  target: DatabaseTarget,
  db: Kysely<NovaTables>,
  flavour: SqlFlavour,
  open: (migration: MigrationReport | null) => SqlDatabase,
  fresh: boolean,
): TE.TaskEither<RepositoryFailed, SqlDatabase> => {
  const refuse = (why: string): TE.TaskEither<RepositoryFailed, never> => closed(db, `${target.redacted}: ${why}`);
  if (!fresh && target.dialect === 'sqlite' && target.path !== ':memory:' && !existsSync(target.path)) return refuse('no such database file (`db upgrade` creates one)');
  return pipe(
    pendingMigration(db, flavour),
    TE.orElseW((e) => refuse(e.message)),
    TE.chainW((p) => {
      const missing = [...p.createdTables, ...p.addedColumns];
      if (missing.length === 0) return TE.right(open(null));
      if (fresh && p.createdTables.length === NOVA_TABLES.length) {
        return pipe(
          migrate(db, flavour),
          TE.map(open),
          TE.orElseW((e) => closed(db, `opening ${target.redacted}: ${e.message}`, e.cause)),
        );
      }
      return refuse(`the schema is not up to date (missing ${missing.join(', ')}): run \`db upgrade\` first`);
    }),
  );
};

/** Why an existing SQLite file cannot be written, or `null` (a missing file is for the open to report or create). */
const readOnlyFile = (path: string): string | null => {
  if (path === ':memory:' || !existsSync(path)) return null;
  for (const p of [path, dirname(path)]) {
    try {
      accessSync(p, constants.W_OK);
    } catch (cause) {
      return `${p === path ? 'the database file' : 'its directory (where SQLite writes its journal)'} cannot be written (${isRecord(cause) && typeof cause.code === 'string' ? cause.code : 'denied'})`;
    }
  }
  return null;
};

/** Open the database named by `url` (see url/database-url.ts for the forms), migrated unless told otherwise. */
export const openDatabase = (url: string, options: OpenDatabaseOptions = {}): TE.TaskEither<OpenDatabaseError, SqlDatabase> =>
  pipe(
    TE.fromEither(parseDatabaseUrl(url)),
    TE.chainW((target) => {
      const readOnly = target.dialect === 'sqlite' && (options.writes ?? true) ? readOnlyFile(target.path) : null;
      if (readOnly !== null) return TE.left(repositoryFailed(`${target.redacted}: ${readOnly}`));
      const roundTrips = options.roundTrips ?? new RoundTripCounter();
      const flavour = FLAVOURS[target.dialect];
      // A driver refuses some URL options (mysql2's `ssl=<unknown profile>`) by throwing as the pool is made: bad input, not a bug.
      const dialect = E.tryCatch(() => dialectOf(target, options), (cause) => repositoryFailed(`${target.redacted}: the database driver refuses its options: ${cause instanceof Error ? cause.message : String(cause)}`, cause));
      if (E.isLeft(dialect)) return TE.left(dialect.left);
      const db = new Kysely<NovaTables>({ dialect: countingDialect(dialect.right, roundTrips) });
      // One destroy for every close: kysely's second destroy of a pool throws.
      let closing: Promise<void> | undefined;
      const open = (migration: MigrationReport | null): SqlDatabase => ({
        dialect: target.dialect,
        url: target.redacted,
        db,
        flavour,
        repository: new SqlBlockDeviceMappingRepository(db, flavour, options),
        roundTrips,
        migration,
        close: () => (closing ??= db.destroy()),
      });
      if (options.migrate === false) return TE.right(open(null));
      if (options.migrate === 'require' || options.migrate === 'fresh') return required(target, db, flavour, open, options.migrate === 'fresh');
      return pipe(
        migrate(db, flavour),
        TE.map(open),
        TE.orElseW((e) => closed(db, `opening ${target.redacted}: ${e.message}`, e.cause)),
      );
    }),
  );
