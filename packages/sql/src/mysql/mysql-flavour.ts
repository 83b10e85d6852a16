/**
 * MariaDB / MySQL adapter (mysql2 through kysely). saveRecords is one query
 * (mysql-save-records.ts); fillUnpopulated is one `UPDATE … JOIN`.
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
import { MYSQL_SLOT_ORDER, saveRecords } from './mysql-save-records.js';

const columnType = (type: ColumnType): string => {
  // Names compare byte for byte, as on PostgreSQL and SQLite: under MariaDB's default collation, instance ids that differ
  // only in letter case would be one instance, and a delete of one would soft-delete the other's rows.
  if (typeof type === 'object') return `varchar(${type.varchar}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`;
  // Text columns say utf8mb4 themselves: a column added to nova's tables would otherwise take their utf8 (3-byte) charset and refuse a record naming a 4-byte character.
  return { id: 'integer', datetime: 'datetime', int: 'integer', bool: 'boolean', text: 'text CHARACTER SET utf8mb4', mediumtext: 'mediumtext CHARACTER SET utf8mb4' }[type];
};

const fillUnpopulated = async (db: Kysely<NovaTables>, rows: readonly BdmWrite[], now: string): Promise<number> => {
  if (rows.length === 0) return 0;
  const values = sql.join(
    rows.map((r, i) => (i === 0 ? sql`SELECT ${r.bdmId} AS id, ${r.driverInfo} AS info` : sql`SELECT ${r.bdmId}, ${r.driverInfo}`)),
    sql` UNION ALL `,
  );
  const result = await sql`UPDATE block_device_mapping AS b JOIN (${values}) AS v ON b.id = v.id
    SET b.driver_info = v.info, b.updated_at = ${now}
    WHERE b.driver_info IS NULL AND b.deleted = 0`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
};

/** MariaDB and MySQL. */
export const mysqlFlavour: SqlFlavour = {
  dialect: 'mysql',
  columnType,
  idAutoIncrement: true,
  tableOptions: 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  currentSchema: () => Promise.resolve(null),
  slotOrder: MYSQL_SLOT_ORDER,
  timestampText: (column: string): RawBuilder<string | null> => sql<string | null>`DATE_FORMAT(${sql.ref(column)}, '%Y-%m-%d %H:%i:%s')`,
  beginWrite: 'start transaction',
  rowLocks: true,
  isUniqueViolation: (cause: unknown): boolean => isRecord(cause) && (cause.code === 'ER_DUP_ENTRY' || cause.errno === 1062),
  // ER_LOCK_DEADLOCK (InnoDB rolled the transaction back), and ER_AUTOINC_READ_FAILED, which MariaDB raises beside it under concurrent inserts.
  isTransient: (cause: unknown): boolean => isRecord(cause) && (cause.errno === 1213 || cause.errno === 1467),
  saveRecords,
  fillUnpopulated,
};
