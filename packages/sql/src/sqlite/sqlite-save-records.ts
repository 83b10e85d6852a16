/**
 * SQLite's saveRecords: ONE statement. All writes are inserted into a TEMP
 * view whose INSTEAD OF trigger applies each one to `block_device_mapping` or
 * `instance_extra`, in `seq` order (see mapping/save-plan.ts for why that
 * order gives the same result as PostgreSQL's all-at-once statement). Temp
 * objects belong to the connection, never to the database file, so a nova
 * database gains nothing. SQLite runs a statement atomically: a RAISE in the
 * trigger undoes every row of it. The database is in-process, so the one
 * statement is one call with no network in between.
 */
import { sql, type Kysely } from 'kysely';
import { REMOVED_KEPT, REMOVED_KEY } from '../mapping/instance-records.js';
import type { SavePlan } from '../mapping/save-plan.js';
import { isRecord } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { EPHEMERAL_ROWS, slotsText } from '../repository/slot-sql.js';
import type { SaveOutcome } from '../repository/sql-flavour.js';

// The trigger's refusals, told apart from driver failures by their text.
const NOT_FOUND = 'disk-ledger: instance not found';
const GAP = 'disk-ledger: ephemeral gap';

/** Device-name order, byte-wise (SQLite's default BINARY collation). */
export const SQLITE_SLOT_ORDER = 'device_name IS NULL, length(device_name), device_name, id';

/** The view saveRecords inserts into. */
export const WRITE_VIEW = 'temp.disk_ledger_write';

const slots = slotsText(SQLITE_SLOT_ORDER, 'instance_uuid = NEW.instance');
const slotOf = `(SELECT id FROM (${slots}) WHERE kind = NEW.kind AND pos = NEW.pos)`;
const records = "coalesce(nullif(libvirt_disk_metadata, ''), '{}')";
const key = `'$."' || NEW.disk || '"'`;
const removedPath = `'$.${REMOVED_KEY}'`;
// The removed record goes to the end of `_removed`, of which the latest REMOVED_KEPT stay.
const appended = `json_insert(json_set(${records}, ${removedPath}, json(coalesce(json_extract(${records}, ${removedPath}), '[]'))),
  '$.${REMOVED_KEY}[#]', json_object('disk', NEW.disk, 'driver_info', json_extract(${records}, ${key}), 'deleted_at', NEW.now))`;
const removal = `(SELECT CASE WHEN json_array_length(x, ${removedPath}) > ${REMOVED_KEPT} THEN json_remove(x, '$.${REMOVED_KEY}[0]') ELSE x END
  FROM (SELECT json_remove(${appended}, ${key}) AS x))`;

/** Statements that create the view and its trigger; idempotent. */
export const SQLITE_SESSION_SETUP: readonly string[] = [
  `CREATE TEMP VIEW IF NOT EXISTS disk_ledger_write (seq, instance, kind, pos, disk, info, now, row_uuid, min_ephemerals)
     AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0`,
  `CREATE TEMP TRIGGER IF NOT EXISTS disk_ledger_write_apply INSTEAD OF INSERT ON disk_ledger_write
   BEGIN
     SELECT RAISE(ABORT, '${NOT_FOUND}')
       WHERE NOT EXISTS (SELECT 1 FROM instances WHERE uuid = NEW.instance AND deleted = 0);
     SELECT RAISE(ABORT, '${GAP}')
       WHERE NEW.seq = 0
         AND (SELECT count(*) FROM block_device_mapping WHERE instance_uuid = NEW.instance AND ${EPHEMERAL_ROWS}) < NEW.min_ephemerals;
     UPDATE block_device_mapping SET
         driver_info = coalesce(NEW.info, driver_info),
         deleted = CASE WHEN NEW.info IS NULL THEN id ELSE deleted END,
         deleted_at = CASE WHEN NEW.info IS NULL THEN NEW.now ELSE deleted_at END,
         updated_at = CASE WHEN NEW.info IS NULL THEN updated_at ELSE NEW.now END
       WHERE NEW.kind <> 'instance' AND id = ${slotOf};
     INSERT INTO block_device_mapping (created_at, deleted, instance_uuid, source_type, destination_type,
         guest_format, device_type, boot_index, delete_on_termination, uuid, driver_info)
       SELECT NEW.now, 0, NEW.instance, CASE NEW.kind WHEN 'root' THEN 'image' ELSE 'blank' END, 'local',
         CASE NEW.kind WHEN 'swap' THEN 'swap' END, 'disk', CASE NEW.kind WHEN 'root' THEN 0 ELSE -1 END, 1,
         NEW.row_uuid, NEW.info
       WHERE NEW.kind <> 'instance' AND NEW.info IS NOT NULL AND ${slotOf} IS NULL;
     UPDATE instance_extra SET
         libvirt_disk_metadata = CASE WHEN NEW.info IS NOT NULL THEN json_set(${records}, ${key}, NEW.info) ELSE ${removal} END,
         updated_at = NEW.now
       WHERE NEW.kind = 'instance' AND instance_uuid = NEW.instance AND deleted = 0
         AND (NEW.info IS NOT NULL OR json_type(${records}, ${key}) IS NOT NULL);
     INSERT INTO instance_extra (created_at, deleted, instance_uuid, libvirt_disk_metadata)
       SELECT NEW.now, 0, NEW.instance, json_object(NEW.disk, NEW.info)
       WHERE NEW.kind = 'instance' AND NEW.info IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM instance_extra WHERE instance_uuid = NEW.instance AND deleted = 0);
   END`,
];


const abortMessage = (cause: unknown): string | null =>
  isRecord(cause) && cause.code === 'SQLITE_CONSTRAINT_TRIGGER' && typeof cause.message === 'string' ? cause.message : null;

const countEphemerals = async (db: Kysely<NovaTables>, instance: string): Promise<number> => {
  const { rows } = await sql<{ n: unknown }>`SELECT count(*) AS n FROM block_device_mapping WHERE instance_uuid = ${instance} AND ${sql.raw(EPHEMERAL_ROWS)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
};

/** Apply a plan in one statement. */
export const saveRecords = async (db: Kysely<NovaTables>, plan: SavePlan): Promise<SaveOutcome> => {
  const tuples = plan.writes.map(
    (w) =>
      sql`(${w.seq}, ${plan.instance}, ${w.kind}, ${w.position}, ${w.disk}, ${w.driverInfo}, ${plan.now}, ${w.rowUuid}, ${plan.minEphemerals})`,
  );
  try {
    await sql`INSERT INTO ${sql.raw(WRITE_VIEW)} (seq, instance, kind, pos, disk, info, now, row_uuid, min_ephemerals)
      SELECT column1, column2, column3, column4, column5, column6, column7, column8, column9
      FROM (VALUES ${sql.join(tuples)}) ORDER BY column1`.execute(db);
    return { found: true, applied: true, ephemerals: -1 };
  } catch (cause) {
    const message = abortMessage(cause);
    if (message === NOT_FOUND) return { found: false, applied: false, ephemerals: 0 };
    // Only on refusal: one more statement to say how many ephemerals there are.
    if (message === GAP) return { found: true, applied: false, ephemerals: await countEphemerals(db, plan.instance) };
    throw cause;
  }
};

