/**
 * What differs between SQL dialects, as far as this package is concerned:
 * column types, how device names sort byte-wise, how a timestamp is read
 * back as text, row locks, how a driver reports a duplicate key, and the
 * statements that must be a single round trip. Each dialect folder
 * (`sqlite/`, `postgres/`, `mysql/`) implements it once; the repository is
 * written against this interface only.
 */
import type { BdmWrite } from '@disk-ledger/domain';
import type { Kysely, RawBuilder } from 'kysely';
import type { SavePlan } from '../mapping/save-plan.js';
import type { ColumnType } from '../schema/table-spec.js';
import type { NovaTables } from '../schema/nova-tables.js';

/** The dialects this package speaks. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/** What a saveRecords statement found. */
export interface SaveOutcome {
  /** The instance exists (live). */
  readonly found: boolean;
  /** The writes were applied; `false` when an ephemeral would have been created past the next free position. */
  readonly applied: boolean;
  /** Live ephemeral rows before the call, when known. */
  readonly ephemerals: number;
}

/** A dialect. */
export interface SqlFlavour {
  readonly dialect: DialectName;
  /** The SQL type of an abstract column type (for `id`: the type given to kysely's `addColumn`). */
  columnType(type: ColumnType): string;
  /** Whether `id` needs kysely's `autoIncrement()` (PostgreSQL's `serial` carries it in the type). */
  readonly idAutoIncrement: boolean;
  /** Trailing table options for CREATE TABLE (MySQL's engine and charset), or `null`. */
  readonly tableOptions: string | null;
  /** The schema whose tables are the database's (PostgreSQL's `current_schema()`), `null` if the dialect has one. */
  currentSchema(db: Kysely<NovaTables>): Promise<string | null>;
  /**
   * ORDER BY items, constant SQL text over `device_name` and `id`, that sort
   * rows without a device name last, shorter names first, then byte-wise,
   * then by id: the same order in every dialect, whatever its collation.
   */
  readonly slotOrder: string;
  /** A timestamp column read back as nova-format text (`YYYY-MM-DD HH:MM:SS`). */
  timestampText(column: string): RawBuilder<string | null>;
  /** The statement that starts a transaction which will write (SQLite: `begin immediate`, to take the write lock up front). */
  readonly beginWrite: string;
  /** Whether `SELECT … FOR UPDATE` exists (it does not in SQLite, whose transactions lock the whole database). */
  readonly rowLocks: boolean;
  /** Whether a driver exception reports a unique-constraint violation. */
  isUniqueViolation(cause: unknown): boolean;
  /** Whether a driver exception reports a call the database aborted and rolled back of its own accord (a deadlock): running it again may succeed. */
  isTransient(cause: unknown): boolean;
  /** Apply a saveRecords plan in ONE round trip, atomically. Throws only what the driver throws. */
  saveRecords(db: Kysely<NovaTables>, plan: SavePlan): Promise<SaveOutcome>;
  /** Fill `driver_info` of the rows still empty and live, in ONE statement; how many were written. */
  fillUnpopulated(db: Kysely<NovaTables>, rows: readonly BdmWrite[], now: string): Promise<number>;
}
