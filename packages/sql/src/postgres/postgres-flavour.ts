/**
 * PostgreSQL adapter (node-postgres through kysely). saveRecords is one
 * statement (postgres-save-records.ts); fillUnpopulated is one
 * `UPDATE … FROM unnest(…)`.
 *
 * Errors: driver exceptions are thrown from here and turned into
 * `RepositoryFailed` values by the repository; the verdict of saveRecords
 * comes back as a SaveOutcome.
 */
import type { BdmWrite } from '@disk-ledger/domain';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isRecord } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import type { ColumnType } from '../schema/table-spec.js';
import type { SqlFlavour } from '../repository/sql-flavour.js';
import { POSTGRES_SLOT_ORDER, saveRecords } from './postgres-save-records.js';

const columnType = (type: ColumnType): string => {
  if (typeof type === 'object') return `varchar(${type.varchar})`;
  return { id: 'serial', datetime: 'timestamp', int: 'integer', bool: 'boolean', text: 'text', mediumtext: 'text' }[type];
};

const fillUnpopulated = async (db: Kysely<NovaTables>, rows: readonly BdmWrite[], now: string): Promise<number> => {
  if (rows.length === 0) return 0;
  // The guards are spelled as range tests on purpose: `driver_info IS NULL AND deleted = 0` is estimated at
  // a handful of rows on a table without statistics, and the planner then rescans the unnested values for
  // every row of the table (about 100× slower); as ranges it looks up each id through the primary key.
  // `deleted` is 0 or the row's id (≥ 1), so `deleted < 1` is `deleted = 0`.
  const result = await sql`UPDATE block_device_mapping AS b SET driver_info = v.info, updated_at = ${now}::timestamp
    FROM unnest(${rows.map((r) => r.bdmId)}::int[], ${rows.map((r) => r.driverInfo)}::text[]) AS v(id, info)
    WHERE b.id = v.id AND coalesce(length(b.driver_info), -1) < 0 AND b.deleted < 1`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
};

/** PostgreSQL. */
export const postgresFlavour: SqlFlavour = {
  dialect: 'postgres',
  columnType,
  idAutoIncrement: false,
  tableOptions: null,
  currentSchema: async (db) => {
    const { rows } = await sql<{ schema: unknown }>`SELECT current_schema() AS schema`.execute(db);
    const schema = rows[0]?.schema;
    // NULL when no schema of the search_path exists: every schema's tables would then pass for this database's.
    if (typeof schema !== 'string') throw new Error('no schema of the connection\'s search_path exists (create it, or name one that does)');
    return schema;
  },
  slotOrder: POSTGRES_SLOT_ORDER,
  timestampText: (column: string): RawBuilder<string | null> => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD HH24:MI:SS')`,
  beginWrite: 'begin',
  rowLocks: true,
  isUniqueViolation: (cause: unknown): boolean => isRecord(cause) && cause.code === '23505',
  // deadlock_detected and serialization_failure: the transaction was rolled back, and PostgreSQL asks for it to be retried.
  isTransient: (cause: unknown): boolean => isRecord(cause) && (cause.code === '40P01' || cause.code === '40001'),
  saveRecords,
  fillUnpopulated,
};
