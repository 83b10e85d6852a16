/**
 * MariaDB / MySQL's saveRecords: ONE query, a multi-statement script (the
 * pool is opened with `multipleStatements: true`; every value still travels
 * as an escaped `?` parameter) that starts a transaction, locks the instance
 * row, computes a verdict into session variables, applies every write
 * guarded by it, and commits. InnoDB's DML reads the latest committed rows
 * under the row lock, so the script is serialised with compareAndSetRecord on
 * the same instance. If a statement fails, the server stops the script with
 * the transaction open; the same connection then rolls back before it
 * returns to the pool (a second round trip, on failure only).
 */
import * as E from 'fp-ts/lib/Either.js';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { REMOVED_KEPT, REMOVED_KEY } from '../mapping/instance-records.js';
import { instanceLevelWrites, jsonPath } from '../mapping/instance-writes.js';
import type { SavePlan } from '../mapping/save-plan.js';
import { array, bool, int, struct } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { EPHEMERAL_ROWS, slotsQuery } from '../repository/slot-sql.js';
import type { SaveOutcome } from '../repository/sql-flavour.js';

/** Device-name order, byte-wise whatever the column's collation. */
export const MYSQL_SLOT_ORDER = 'device_name IS NULL, CHAR_LENGTH(device_name), CAST(device_name AS BINARY), id';

const verdict = array(struct({ found: bool, go: bool, ephemerals: int }));

/** The writes as a derived table (MySQL 8 and MariaDB disagree on VALUES syntax; UNION ALL works on both). */
const writesTable = (plan: SavePlan): RawBuilder<unknown> =>
  sql`(${sql.join(
    plan.writes.map((w, i) =>
      i === 0
        ? sql`SELECT ${w.seq} AS seq, ${w.kind} AS kind, ${w.position} AS pos, ${w.disk} AS disk, ${w.driverInfo} AS info, ${w.rowUuid} AS row_uuid`
        : sql`SELECT ${w.seq}, ${w.kind}, ${w.position}, ${w.disk}, ${w.driverInfo}, ${w.rowUuid}`,
    ),
    sql` UNION ALL `,
  )})`;

const RECORDS = sql`COALESCE(NULLIF(libvirt_disk_metadata, ''), '{}')`;
const REMOVED_PATH = `$.${REMOVED_KEY}`;

/** Move one removed record to the end of `_removed`, keeping the latest REMOVED_KEPT. */
const removalStatements = (plan: SavePlan, disk: string): RawBuilder<unknown> => {
  const path = jsonPath(disk);
  const live = sql`instance_uuid = ${plan.instance} AND deleted = 0 AND @go`;
  // JSON_ARRAY_APPEND needs the array to exist; creating it with JSON_ARRAY() keeps its JSON type on MariaDB and MySQL.
  const withArray = sql`IF(JSON_CONTAINS_PATH(${RECORDS}, 'one', ${REMOVED_PATH}), ${RECORDS}, JSON_SET(${RECORDS}, ${REMOVED_PATH}, JSON_ARRAY()))`;
  const entry = sql`JSON_OBJECT('disk', ${disk}, 'driver_info', JSON_UNQUOTE(JSON_EXTRACT(${RECORDS}, ${path})), 'deleted_at', ${plan.now})`;
  return sql`UPDATE instance_extra SET libvirt_disk_metadata = JSON_REMOVE(JSON_ARRAY_APPEND(${withArray}, ${REMOVED_PATH}, ${entry}), ${path}),
        updated_at = ${plan.now}
      WHERE ${live} AND JSON_CONTAINS_PATH(${RECORDS}, 'one', ${path});
    UPDATE instance_extra SET libvirt_disk_metadata = JSON_REMOVE(libvirt_disk_metadata, ${`${REMOVED_PATH}[0]`})
      WHERE ${live} AND JSON_LENGTH(libvirt_disk_metadata, ${REMOVED_PATH}) > ${REMOVED_KEPT};`;
};

const instanceExtraStatements = (plan: SavePlan): RawBuilder<unknown> => {
  const { set, removed } = instanceLevelWrites(plan);
  const statements = removed.map((disk) => removalStatements(plan, disk));
  if (set.size > 0) {
    const pairs = [...set.entries()].map(([disk, text]) => sql`${jsonPath(disk)}, ${text}`);
    statements.push(sql`UPDATE instance_extra SET libvirt_disk_metadata = JSON_SET(${RECORDS}, ${sql.join(pairs)}), updated_at = ${plan.now}
        WHERE instance_uuid = ${plan.instance} AND deleted = 0 AND @go;
      INSERT INTO instance_extra (created_at, deleted, instance_uuid, libvirt_disk_metadata)
        SELECT ${plan.now}, 0, ${plan.instance}, ${JSON.stringify(Object.fromEntries(set))} FROM DUAL
        WHERE @go AND NOT EXISTS (SELECT 1 FROM instance_extra WHERE instance_uuid = ${plan.instance} AND deleted = 0);`);
  }
  return statements.length === 0 ? sql`` : sql.join(statements, sql` `);
};

const script = (plan: SavePlan): RawBuilder<unknown> => {
  const slots = slotsQuery(MYSQL_SLOT_ORDER, sql`instance_uuid = ${plan.instance}`);
  return sql`SET @found = NULL, @pre = 0, @go = 0;
    START TRANSACTION;
    SELECT 1 INTO @found FROM instances WHERE uuid = ${plan.instance} AND deleted = 0 FOR UPDATE;
    SELECT COUNT(*) INTO @pre FROM block_device_mapping WHERE instance_uuid = ${plan.instance} AND ${sql.raw(EPHEMERAL_ROWS)};
    SET @go = (@found IS NOT NULL AND @pre >= ${plan.minEphemerals});
    INSERT INTO block_device_mapping (created_at, deleted, instance_uuid, source_type, destination_type,
        guest_format, device_type, boot_index, delete_on_termination, uuid, driver_info)
      SELECT ${plan.now}, 0, ${plan.instance}, CASE w.kind WHEN 'root' THEN 'image' ELSE 'blank' END, 'local',
        CASE w.kind WHEN 'swap' THEN 'swap' END, 'disk', CASE w.kind WHEN 'root' THEN 0 ELSE -1 END, 1,
        w.row_uuid, w.info
      FROM ${writesTable(plan)} AS w
      WHERE @go AND w.kind <> 'instance' AND w.info IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM (${slots}) AS s WHERE s.kind = w.kind AND s.pos = w.pos)
      ORDER BY w.seq;
    UPDATE block_device_mapping AS b
      JOIN (${slots}) AS s ON s.id = b.id
      JOIN ${writesTable(plan)} AS w ON w.kind = s.kind AND w.pos = s.pos
      SET b.driver_info = COALESCE(w.info, b.driver_info),
          b.deleted_at = IF(w.info IS NULL, ${plan.now}, b.deleted_at),
          b.updated_at = IF(w.info IS NULL, b.updated_at, ${plan.now}),
          b.deleted = IF(w.info IS NULL, b.id, b.deleted)
      WHERE @go;
    ${instanceExtraStatements(plan)}
    SELECT @found IS NOT NULL AS found, @go AS go, @pre AS ephemerals;
    COMMIT`;
};

/** Apply a plan in one query. */
export const saveRecords = (db: Kysely<NovaTables>, plan: SavePlan): Promise<SaveOutcome> =>
  db.connection().execute(async (conn) => {
    let results: unknown;
    try {
      results = (await script(plan).execute(conn)).rows;
    } catch (cause) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw cause;
    }
    // One result per statement; the verdict is the only row set.
    const sets = Array.isArray(results) ? results.filter((r) => Array.isArray(r)) : [];
    const decoded = verdict(sets[sets.length - 1], 'saveRecords');
    if (E.isLeft(decoded)) throw new Error(`saveRecords returned an unexpected verdict at ${decoded.left.path}`);
    const row = decoded.right[0];
    if (row === undefined) throw new Error('saveRecords returned no verdict');
    return { found: row.found, applied: row.go, ephemerals: row.ephemerals };
  });

