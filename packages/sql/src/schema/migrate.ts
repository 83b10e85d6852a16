/**
 * Schema migration, with no bookkeeping table: the schema's state is read
 * from the database itself (kysely's introspection: information_schema,
 * pg_catalog or sqlite_master), because nova's `archive_deleted_rows` fails on
 * tables it does not know, so a nova database must not gain one.
 *
 * - An empty database (or one holding only these tables) gets the standalone
 *   schema: nova's `instances`, `instance_extra` and `block_device_mapping`
 *   with the two added columns.
 * - A database that has nova's tables gets only the two columns, and nova's
 *   shadow tables (`shadow_block_device_mapping`, `shadow_instance_extra`) the
 *   same two, so that their shape matches (nova's own archive copies only
 *   its model's columns: the records of rows it archives are not kept).
 *   Nothing else is touched: no table, index or constraint.
 * - A database with other tables but not nova's is refused.
 *
 * Running it again changes nothing that is complete: on a standalone
 * database it re-asserts every table and index (IF NOT EXISTS), which
 * finishes a run that stopped part-way. Processes migrating at once each
 * succeed. Both added columns are nullable without a default, which
 * PostgreSQL and InnoDB add without rewriting the table.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { sql, type Kysely } from 'kysely';
import type { RepositoryFailed } from '@disk-ledger/domain';
import { driverFailed, repositoryFailed } from '../errors/repository-errors.js';
import type { SqlFlavour } from '../repository/sql-flavour.js';
import { isRecord } from '../rows/decode.js';
import { ADDED_COLUMNS, type NovaTables } from './nova-tables.js';
import { STANDALONE_TABLES, type TableSpec } from './table-spec.js';

/** What a migration did. */
export interface MigrationReport {
  /** Tables created (only for a standalone database). */
  readonly createdTables: readonly string[];
  /** Columns added, as `table.column`. */
  readonly addedColumns: readonly string[];
}

type Tables = ReadonlyMap<string, ReadonlySet<string>>;

/** The tables a standalone database of this package holds (nova's names). */
export const NOVA_TABLES: readonly string[] = STANDALONE_TABLES.map((t) => t.name);

const introspect = async (db: Kysely<NovaTables>, flavour: SqlFlavour): Promise<Tables> => {
  const schema = await flavour.currentSchema(db);
  const tables = await db.introspection.getTables();
  return new Map(
    tables
      .filter((t) => !t.isView && (schema === null || t.schema === schema))
      .map((t) => [t.name, new Set(t.columns.map((c) => c.name))] as const),
  );
};

const createTable = async (db: Kysely<NovaTables>, flavour: SqlFlavour, spec: TableSpec): Promise<void> => {
  let create = db.schema.createTable(spec.name).ifNotExists();
  for (const c of spec.columns) {
    create = create.addColumn(c.name, sql.raw(flavour.columnType(c.type)), (col) => {
      let out = col;
      if (c.type === 'id') out = out.primaryKey();
      if (c.type === 'id' && flavour.idAutoIncrement) out = out.autoIncrement();
      if (c.notNull === true) out = out.notNull();
      if (c.defaultValue !== undefined) out = out.defaultTo(c.defaultValue);
      return out;
    });
  }
  if (flavour.tableOptions !== null) create = create.modifyEnd(sql.raw(flavour.tableOptions));
  await create.execute();
  // Unique constraints as unique indexes: the same guarantee, and kysely can name their columns untyped.
  for (const u of spec.unique) await db.schema.createIndex(u.name).ifNotExists().unique().on(spec.name).columns([...u.columns]).execute();
  for (const ix of spec.indexes) await db.schema.createIndex(ix.name).ifNotExists().on(spec.name).columns([...ix.columns]).execute();
};

const addColumn = async (db: Kysely<NovaTables>, flavour: SqlFlavour, table: string, column: string, type: 'text' | 'mediumtext'): Promise<void> => {
  try {
    await db.schema.alterTable(table).addColumn(column, sql.raw(flavour.columnType(type))).execute();
  } catch (cause) {
    // Another process migrating at the same moment added it first: that is the goal reached.
    const now = await introspect(db, flavour);
    if (!(now.get(table)?.has(column) ?? false)) throw cause;
  }
};

/**
 * The tables present under nova's names that lack columns this package's
 * own would have (the two it adds aside): someone else's tables, not a
 * schema of this package that a run left part-made.
 */
const foreignTables = (tables: Tables): string[] =>
  STANDALONE_TABLES.flatMap((spec) => {
    const present = tables.get(spec.name);
    if (present === undefined) return [];
    const lacking = spec.columns.map((c) => c.name).filter((c) => !present.has(c) && !ADDED_COLUMNS.some((a) => a.table === spec.name && a.column === c));
    return lacking.length === 0 ? [] : [`${spec.name} (no ${lacking.slice(0, 3).join(', ')}${lacking.length > 3 ? ', …' : ''})`];
  });

const run = async (db: Kysely<NovaTables>, flavour: SqlFlavour): Promise<E.Either<RepositoryFailed, MigrationReport>> => {
  const tables = await introspect(db, flavour);
  const missing = NOVA_TABLES.filter((t) => !tables.has(t));
  const createdTables: string[] = [];
  const others = [...tables.keys()].filter((t) => !NOVA_TABLES.includes(t));
  // A database of these tables alone is this package's own: each run makes sure of all of it, so a run that
  // stopped part-way (MySQL commits each DDL statement) is finished, indexes included. Nova's are never touched.
  const standalone = others.length === 0;
  if (missing.length > 0 || standalone) {
    if (!standalone) {
      return E.left(repositoryFailed(
        `the database has tables (${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}) but not nova's ${missing.join(', ')}: ` +
          "refusing to create tables in a database that is neither empty nor nova's",
      ));
    }
    const foreign = foreignTables(tables);
    if (foreign.length > 0) {
      return E.left(repositoryFailed(
        `the database has ${foreign.join(', ')}, named as nova's but not shaped so: refusing to create tables in a database that is neither empty nor nova's`,
      ));
    }
    // DDL is transactional in PostgreSQL and SQLite; MySQL commits each
    // statement, and a rerun finishes a half-made schema (IF NOT EXISTS).
    await db.transaction().execute(async (trx) => {
      for (const spec of STANDALONE_TABLES) {
        await createTable(trx, flavour, spec);
        if (!tables.has(spec.name)) createdTables.push(spec.name);
      }
    });
  }
  const after = missing.length > 0 ? await introspect(db, flavour) : tables;
  const adds = missingColumns(after);
  if (flavour.dialect === 'mysql') {
    // MySQL commits each DDL statement: a failure part-way leaves what was added, and a rerun adds the rest.
    for (const { table, column, type } of adds) await addColumn(db, flavour, table, column, type);
  } else if (adds.length > 0) {
    await addAllOrNone(db, flavour, adds);
  }
  return E.right({ createdTables, addedColumns: adds.map((c) => `${c.table}.${c.column}`) });
};

/**
 * Every column or none (DDL is transactional in PostgreSQL and SQLite): a
 * user who may alter some tables and not others must not leave live tables
 * with a column their shadow tables lack, which breaks nova's archiving.
 * Another process adding them at the same moment is the goal reached.
 */
const addAllOrNone = async (db: Kysely<NovaTables>, flavour: SqlFlavour, adds: ReturnType<typeof missingColumns>): Promise<void> => {
  try {
    await db.transaction().execute(async (trx) => {
      for (const { table, column, type } of adds) await trx.schema.alterTable(table).addColumn(column, sql.raw(flavour.columnType(type))).execute();
    });
  } catch (cause) {
    if (missingColumns(await introspect(db, flavour)).length > 0) throw cause;
  }
};

/** The added columns (and their shadow tables' twins) that the tables present lack. */
const missingColumns = (tables: Tables): { readonly table: string; readonly column: string; readonly type: 'text' | 'mediumtext' }[] =>
  ADDED_COLUMNS.flatMap((c) =>
    [c.table, `shadow_${c.table}`].flatMap((table) => {
      const columns = tables.get(table);
      return columns === undefined || columns.has(c.column) ? [] : [{ ...c, table }];
    }),
  );

/**
 * Another process migrating the same database at the same moment can make a
 * statement fail that IF NOT EXISTS does not cover (PostgreSQL's catalog
 * race on CREATE TABLE, a column or index the other process added first), or
 * deadlock with it: the run is tried again, and finds that work done. Any
 * other failure (a server that does not answer, a lock held past the wait)
 * is not, so it fails after one wait, not three.
 */
const ATTEMPTS = 3;

// PostgreSQL: unique_violation (on its catalog), duplicate_table, duplicate_column, duplicate_object.
const PG_EXISTS = new Set(['23505', '42P07', '42701', '42710']);
// MySQL / MariaDB: ER_TABLE_EXISTS_ERROR, ER_DUP_FIELDNAME, ER_DUP_KEYNAME.
const MYSQL_EXISTS = new Set([1050, 1060, 1061]);
const SQLITE_EXISTS = /already exists|duplicate column name/i;

/** Whether `cause` is what a concurrent migration of the same database makes a statement fail with. */
export const isMigrationRace = (flavour: SqlFlavour, cause: unknown): boolean => {
  if (flavour.isTransient(cause)) return true;
  if (!isRecord(cause)) return false;
  if (typeof cause.code === 'string' && PG_EXISTS.has(cause.code)) return true;
  if (typeof cause.errno === 'number' && MYSQL_EXISTS.has(cause.errno)) return true;
  return cause.code === 'SQLITE_ERROR' && typeof cause.message === 'string' && SQLITE_EXISTS.test(cause.message);
};

const runRetried = async (db: Kysely<NovaTables>, flavour: SqlFlavour): Promise<E.Either<RepositoryFailed, MigrationReport>> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run(db, flavour);
    } catch (cause) {
      if (attempt >= ATTEMPTS || !isMigrationRace(flavour, cause)) throw cause;
    }
  }
};

/** Bring the database to this package's schema (see the module comment). */
export const migrate = (db: Kysely<NovaTables>, flavour: SqlFlavour): TE.TaskEither<RepositoryFailed, MigrationReport> =>
  pipe(
    TE.tryCatch(() => runRetried(db, flavour), driverFailed('migrate')),
    TE.chainEitherK((x) => x),
  );

/**
 * What {@link migrate} would do to the database, changing nothing: the nova
 * tables it lacks and the columns it would add. Empty lists: up to date.
 */
export const pendingMigration = (db: Kysely<NovaTables>, flavour: SqlFlavour): TE.TaskEither<RepositoryFailed, MigrationReport> =>
  TE.tryCatch(async () => {
    const tables = await introspect(db, flavour);
    return { createdTables: NOVA_TABLES.filter((t) => !tables.has(t)), addedColumns: missingColumns(tables).map((c) => `${c.table}.${c.column}`) };
  }, driverFailed('inspect the schema'));
