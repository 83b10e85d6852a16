/**
 * SQLite adapter (better-sqlite3 through kysely), the embedded default.
 * saveRecords is one statement (sqlite-save-records.ts); fillUnpopulated is
 * one `UPDATE … FROM (VALUES …)`.
 *
 * Errors: driver exceptions are thrown from here and turned into
 * `RepositoryFailed` values by the repository; the trigger's own aborts
 * (unknown instance, ephemeral gap) come back as a SaveOutcome.
 */
import type { BdmWrite } from '@disk-ledger/domain';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isRecord } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import type { ColumnType } from '../schema/table-spec.js';
import type { SqlFlavour } from '../repository/sql-flavour.js';
import { SQLITE_SLOT_ORDER, saveRecords } from './sqlite-save-records.js';

const columnType = (type: ColumnType): string => {
  if (typeof type === 'object') return `varchar(${type.varchar})`;
  return { id: 'integer', datetime: 'datetime', int: 'integer', bool: 'boolean', text: 'text', mediumtext: 'text' }[type];
};

/** Rows per statement: two bound values each, well under SQLite's 32,766 variables per statement. */
export const FILL_CHUNK = 8192;

const fillChunk = async (db: Kysely<NovaTables>, rows: readonly BdmWrite[], now: string): Promise<number> => {
  const values = sql.join(rows.map((r) => sql`(${r.bdmId}, ${r.driverInfo})`));
  const result = await sql`UPDATE block_device_mapping SET driver_info = v.column2, updated_at = ${now}
    FROM (VALUES ${values}) AS v
    WHERE block_device_mapping.id = v.column1 AND block_device_mapping.driver_info IS NULL AND block_device_mapping.deleted = 0`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
};

const fillUnpopulated = async (db: Kysely<NovaTables>, rows: readonly BdmWrite[], now: string): Promise<number> => {
  if (rows.length === 0) return 0;
  if (rows.length <= FILL_CHUNK) return fillChunk(db, rows, now);
  // A larger batch is several statements in one transaction: still all or nothing, and in-process, so no extra round trip to a server.
  return db.transaction().execute(async (trx) => {
    let n = 0;
    for (let i = 0; i < rows.length; i += FILL_CHUNK) n += await fillChunk(trx, rows.slice(i, i + FILL_CHUNK), now);
    return n;
  });
};

/** SQLite. */
export const sqliteFlavour: SqlFlavour = {
  dialect: 'sqlite',
  columnType,
  idAutoIncrement: true,
  tableOptions: null,
  currentSchema: () => Promise.resolve(null),
  slotOrder: SQLITE_SLOT_ORDER,
  timestampText: (column: string): RawBuilder<string | null> => sql<string | null>`strftime('%Y-%m-%d %H:%M:%S', ${sql.ref(column)})`,
  beginWrite: 'begin immediate',
  rowLocks: false,
  // SQLite's one contention, a busy database, is waited for statement by statement (sqlite-connect.ts).
  isTransient: (): boolean => false,
  isUniqueViolation: (cause: unknown): boolean =>
    isRecord(cause) && (cause.code === 'SQLITE_CONSTRAINT_UNIQUE' || cause.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
  saveRecords,
  fillUnpopulated,
};
