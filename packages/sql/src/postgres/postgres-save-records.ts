/**
 * PostgreSQL's saveRecords: ONE statement. Data-modifying CTEs lock the
 * instance row, number the instance's local rows, and update, soft-delete and
 * insert BDM rows and the instance-level JSON object (a removed record moves
 * to `_removed`, see mapping/instance-records.ts), all against the
 * snapshot the statement started with, each guarded by the same verdict
 * (instance found, no ephemeral gap), so a refused call writes nothing.
 * Writes travel as arrays (`unnest`), so the statement text is the same for
 * 1 or 500 disks.
 *
 * One statement sees one snapshot, taken before it waits for the instance
 * lock: rows another writer committed meanwhile are not in it. So every
 * writer of an instance's records makes a new version of its `instances`
 * row (`updated_at = updated_at`: nova's timestamp is kept), and the
 * statement compares the version it locked with the one its snapshot holds.
 * If they differ it writes nothing and runs again with a fresh snapshot;
 * uncontended, it is one round trip.
 */
import * as E from 'fp-ts/lib/Either.js';
import { sql, type Kysely } from 'kysely';
import { REMOVED_KEPT, REMOVED_KEY } from '../mapping/instance-records.js';
import { instanceLevelWrites } from '../mapping/instance-writes.js';
import type { SavePlan } from '../mapping/save-plan.js';
import { array, bool, int, struct } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { slotsQuery } from '../repository/slot-sql.js';
import type { SaveOutcome } from '../repository/sql-flavour.js';

/** Device-name order, byte-wise whatever the database's collation. */
export const POSTGRES_SLOT_ORDER = 'device_name IS NULL, length(device_name), device_name COLLATE "C", id';

const verdict = array(struct({ found: bool, fits: bool, fresh: bool, ephemerals: int }));

/** One attempt: the verdict, and whether the statement's snapshot held the instance as it locked it. */
const saveOnce = async (db: Kysely<NovaTables>, plan: SavePlan): Promise<{ found: boolean; fits: boolean; fresh: boolean; ephemerals: number }> => {
  const w = plan.writes;
  const { set, removed } = instanceLevelWrites(plan);
  const setObject = JSON.stringify(Object.fromEntries(set));
  const now = sql`${plan.now}::timestamp`;
  const go = sql`(SELECT found AND fits AND fresh FROM go)`;
  const { rows } = await sql`
    WITH w AS (
      SELECT * FROM unnest(
        ${w.map((x) => x.seq)}::int[], ${w.map((x) => x.kind)}::text[], ${w.map((x) => x.position)}::int[],
        ${w.map((x) => x.disk)}::text[], ${w.map((x) => x.driverInfo)}::text[], ${w.map((x) => x.rowUuid)}::text[]
      ) AS w(seq, kind, pos, disk, info, row_uuid)
    ),
    inst AS (SELECT uuid, xmin::text AS version FROM instances WHERE uuid = ${plan.instance} AND deleted = 0 FOR UPDATE),
    seen AS (SELECT xmin::text AS version FROM instances WHERE uuid = ${plan.instance} AND deleted = 0),
    slots AS (${slotsQuery(POSTGRES_SLOT_ORDER, sql`instance_uuid = ${plan.instance}`)}),
    pre AS (SELECT count(*)::int AS ephemerals FROM slots WHERE kind = 'ephemeral'),
    go AS (
      SELECT EXISTS (SELECT 1 FROM inst) AS found, (SELECT ephemerals FROM pre) >= ${plan.minEphemerals}::int AS fits,
        (SELECT version FROM inst) IS NOT DISTINCT FROM (SELECT version FROM seen) AS fresh
    ),
    touched AS (UPDATE instances SET updated_at = updated_at WHERE uuid = ${plan.instance} AND deleted = 0 AND ${go} RETURNING id),
    updated AS (
      UPDATE block_device_mapping AS b SET
        driver_info = COALESCE(w.info, b.driver_info),
        deleted = CASE WHEN w.info IS NULL THEN b.id ELSE b.deleted END,
        deleted_at = CASE WHEN w.info IS NULL THEN ${now} ELSE b.deleted_at END,
        updated_at = CASE WHEN w.info IS NULL THEN b.updated_at ELSE ${now} END
      FROM slots s JOIN w ON w.kind = s.kind AND w.pos = s.pos
      WHERE b.id = s.id AND ${go}
      RETURNING b.id
    ),
    created AS (
      INSERT INTO block_device_mapping (created_at, deleted, instance_uuid, source_type, destination_type,
        guest_format, device_type, boot_index, delete_on_termination, uuid, driver_info)
      SELECT ${now}, 0, ${plan.instance}, CASE w.kind WHEN 'root' THEN 'image' ELSE 'blank' END, 'local',
        CASE w.kind WHEN 'swap' THEN 'swap' END, 'disk', CASE w.kind WHEN 'root' THEN 0 ELSE -1 END, true,
        w.row_uuid, w.info
      FROM w
      WHERE w.kind <> 'instance' AND w.info IS NOT NULL AND ${go}
        AND NOT EXISTS (SELECT 1 FROM slots s WHERE s.kind = w.kind AND s.pos = w.pos)
      ORDER BY w.seq
      RETURNING id
    ),
    extra AS (
      UPDATE instance_extra AS x SET
        libvirt_disk_metadata = (
          SELECT (CASE WHEN c.kept = '[]'::jsonb THEN n.next - '${sql.raw(REMOVED_KEY)}'
                       ELSE n.next || jsonb_build_object('${sql.raw(REMOVED_KEY)}', c.kept) END)::text
          FROM (SELECT COALESCE(NULLIF(x.libvirt_disk_metadata, ''), '{}')::jsonb AS base) AS b
          CROSS JOIN LATERAL (
            SELECT (b.base - ${removed}::text[]) || ${setObject}::jsonb AS next,
              COALESCE(b.base -> '${sql.raw(REMOVED_KEY)}', '[]'::jsonb) || COALESCE((
                SELECT jsonb_agg(jsonb_build_object('disk', k, 'driver_info', b.base ->> k, 'deleted_at', ${plan.now}::text) ORDER BY k)
                FROM unnest(${removed}::text[]) AS k WHERE b.base ? k), '[]'::jsonb) AS appended
          ) AS n
          CROSS JOIN LATERAL (
            SELECT COALESCE(jsonb_agg(r.item ORDER BY r.i), '[]'::jsonb) AS kept
            FROM jsonb_array_elements(n.appended) WITH ORDINALITY AS r(item, i)
            WHERE r.i > jsonb_array_length(n.appended) - ${REMOVED_KEPT}::int
          ) AS c
        ),
        updated_at = ${now}
      WHERE x.instance_uuid = ${plan.instance} AND x.deleted = 0 AND ${go}
        AND (${set.size > 0} OR COALESCE(NULLIF(x.libvirt_disk_metadata, ''), '{}')::jsonb ?| ${removed}::text[])
      RETURNING x.id
    ),
    extra_created AS (
      INSERT INTO instance_extra (created_at, deleted, instance_uuid, libvirt_disk_metadata)
      SELECT ${now}, 0, ${plan.instance}, ${setObject}
      WHERE ${set.size > 0} AND ${go}
        AND NOT EXISTS (SELECT 1 FROM instance_extra WHERE instance_uuid = ${plan.instance} AND deleted = 0)
      RETURNING id
    )
    SELECT found, fits, fresh, (SELECT ephemerals FROM pre) AS ephemerals FROM go`.execute(db);
  const decoded = verdict(rows, 'saveRecords');
  if (E.isLeft(decoded)) throw new Error(`saveRecords returned an unexpected verdict: ${decoded.left.path}`);
  const row = decoded.right[0];
  if (row === undefined) throw new Error('saveRecords returned no verdict');
  return row;
};

/** Runs before giving up on an instance whose records keep changing under the statement. */
const ATTEMPTS = 8;

/** Apply a plan in one statement, again while another writer changed the instance between its snapshot and its lock. */
export const saveRecords = async (db: Kysely<NovaTables>, plan: SavePlan): Promise<SaveOutcome> => {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const row = await saveOnce(db, plan);
    if (row.fresh || !row.found) return { found: row.found, applied: row.found && row.fits, ephemerals: row.ephemerals };
  }
  throw new Error(`saveRecords: instance ${plan.instance} changed under each of ${ATTEMPTS} attempts`);
};

