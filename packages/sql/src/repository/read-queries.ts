/**
 * The read queries, each one statement: an instance's slots (listDisks),
 * live rows still without a record or with one (online migration, census),
 * soft-deleted rows. Every row is decoded before it leaves this module.
 */
import * as E from 'fp-ts/lib/Either.js';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { array, int, literal, nullable, str, struct, type RowMismatch } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { slotsQuery } from './slot-sql.js';
import type { SqlFlavour } from './sql-flavour.js';

const kind = literal('root', 'ephemeral', 'swap');

/** listDisks' rows: the instance itself (if live), its slots, its instance_extra row(s). */
export const instanceRowsDecoder = array(
  struct({
    src: literal('instance', 'bdm', 'extra'),
    id: nullable(int),
    kind: nullable(kind),
    pos: nullable(int),
    info: nullable(str),
  }),
);

/** Everything listDisks needs, in one statement. */
export const instanceRows = (db: Kysely<NovaTables>, flavour: SqlFlavour, instance: string): Promise<{ rows: unknown[] }> =>
  sql`SELECT 'instance' AS src, NULL AS id, NULL AS kind, NULL AS pos, NULL AS info
        FROM instances WHERE uuid = ${instance} AND deleted = 0
      UNION ALL
      SELECT 'bdm', id, kind, pos, driver_info FROM (${slotsQuery(flavour.slotOrder, sql`instance_uuid = ${instance}`)}) AS s
      UNION ALL
      SELECT 'extra', id, NULL, NULL, libvirt_disk_metadata
        FROM instance_extra WHERE instance_uuid = ${instance} AND deleted = 0`.execute(db);

/** A BDM row `b` that maps a local disk, live or not: what LOCAL_ROWS (slot-sql.ts) takes apart from `deleted`. */
const DISK_ROWS = "b.destination_type = 'local' AND b.source_type IN ('image', 'blank') AND b.no_device IS NOT TRUE";

/** Which live local rows an online-migration listing wants. */
export interface RowFilter {
  readonly populated: boolean;
  readonly afterId: number;
  readonly excludeIds: readonly number[];
  /** Only rows of instances on this host. */
  readonly host: string | null;
}

const candidates = (f: RowFilter, limit: number | null): RawBuilder<unknown> => {
  const exclude = f.excludeIds.length > 0 ? sql`AND b.id NOT IN (${sql.join(f.excludeIds)})` : sql``;
  const host = f.host === null ? sql`` : sql`AND i.host = ${f.host}`;
  return sql`SELECT b.id, b.instance_uuid, i.host FROM block_device_mapping AS b
    JOIN instances AS i ON i.uuid = b.instance_uuid AND i.deleted = 0
    WHERE b.deleted = 0 AND ${sql.raw(DISK_ROWS)}
      AND b.driver_info ${sql.raw(f.populated ? 'IS NOT NULL' : 'IS NULL')} AND b.id > ${f.afterId} ${exclude} ${host}
    ORDER BY b.id ${limit === null ? sql`` : sql`LIMIT ${limit}`}`;
};

/** A live local row with its slot, instance and host. */
export const listedRowsDecoder = array(
  struct({ id: int, instance_uuid: str, host: nullable(str), kind, pos: int, driver_info: nullable(str) }),
);

/**
 * Up to `limit` rows matching `f`, oldest first, each with its position. The
 * slots are numbered only for the instances of the candidate rows, not over
 * the whole table: a batch costs what its instances cost.
 */
export const listRows = (db: Kysely<NovaTables>, flavour: SqlFlavour, f: RowFilter, limit: number): Promise<{ rows: unknown[] }> => {
  const c = candidates(f, limit);
  // MySQL refuses LIMIT inside IN (…) but accepts it one derived table deeper.
  const instances = sql`instance_uuid IN (SELECT c0.instance_uuid FROM (${c}) AS c0)`;
  return sql`SELECT s.id, s.instance_uuid, c.host, s.kind, s.pos, s.driver_info
    FROM (${slotsQuery(flavour.slotOrder, instances)}) AS s
    JOIN (${c}) AS c ON c.id = s.id
    ORDER BY s.id`.execute(db);
};

/** How many rows match `f` (anomalous extra root or swap rows included). */
export const countRows = async (db: Kysely<NovaTables>, f: RowFilter): Promise<E.Either<RowMismatch, number>> => {
  const { rows } = await sql`SELECT count(*) AS n FROM (${candidates(f, null)}) AS c`.execute(db);
  return E.map((r: readonly { n: number }[]) => r[0]?.n ?? 0)(array(struct({ n: int }))(rows, 'count'));
};

/** Counts for a census of the whole database. */
export const censusDecoder = array(struct({ instances: int, populated: int, unpopulated: int, instance_level: int }));

/** The census counts, in one statement. */
export const censusRows = (db: Kysely<NovaTables>): Promise<{ rows: unknown[] }> => {
  const local = sql`FROM block_device_mapping AS b JOIN instances AS i ON i.uuid = b.instance_uuid AND i.deleted = 0
    WHERE b.deleted = 0 AND ${sql.raw(DISK_ROWS)}`;
  return sql`SELECT
      (SELECT count(*) FROM instances WHERE deleted = 0) AS instances,
      (SELECT count(*) ${local} AND b.driver_info IS NOT NULL) AS populated,
      (SELECT count(*) ${local} AND b.driver_info IS NULL) AS unpopulated,
      (SELECT count(*) FROM instance_extra AS e JOIN instances AS i ON i.uuid = e.instance_uuid AND i.deleted = 0
        WHERE e.deleted = 0 AND e.libvirt_disk_metadata IS NOT NULL
          AND e.libvirt_disk_metadata NOT IN ('', '{}')) AS instance_level`.execute(db);
};

/** Soft-deleted rows of an instance. */
export const deletedRowsDecoder = array(
  struct({
    src: literal('bdm', 'extra'),
    id: int,
    kind: nullable(kind),
    device_name: nullable(str),
    info: nullable(str),
    deleted_at: nullable(str),
  }),
);

/** An instance's soft-deleted local BDM rows and instance_extra rows, oldest first. */
export const deletedRows = (db: Kysely<NovaTables>, flavour: SqlFlavour, instance: string): Promise<{ rows: unknown[] }> =>
  sql`SELECT * FROM (
      SELECT 'bdm' AS src, id, CASE WHEN source_type = 'image' THEN 'root' WHEN guest_format = 'swap' THEN 'swap' ELSE 'ephemeral' END AS kind,
        device_name, driver_info AS info, ${flavour.timestampText('deleted_at')} AS deleted_at
      FROM block_device_mapping
      WHERE instance_uuid = ${instance} AND deleted <> 0 AND ${sql.raw(DISK_ROWS.replaceAll('b.', ''))}
      UNION ALL
      SELECT 'extra', id, NULL, NULL, libvirt_disk_metadata, ${flavour.timestampText('deleted_at')}
      FROM instance_extra WHERE instance_uuid = ${instance} AND deleted <> 0
    ) AS d ORDER BY src, id`.execute(db);
