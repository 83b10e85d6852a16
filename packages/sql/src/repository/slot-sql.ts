/**
 * The SQL form of the disk-slot rule (see mapping/disk-slot.ts), written once
 * and used by every query that needs disk names: listDisks, saveRecords in
 * each dialect, compareAndSetRecord, the online-migration listings.
 */
import { sql, type RawBuilder } from 'kysely';

/** The kind of a local row: `root`, `swap` or `ephemeral`. */
export const KIND_CASE = "CASE WHEN source_type = 'image' THEN 'root' WHEN guest_format = 'swap' THEN 'swap' ELSE 'ephemeral' END";

/** Live local disk rows (not volumes; not rows marked `no_device`, which nova's driver skips: they map no disk). The listings of read-queries.ts take the same rows. */
export const LOCAL_ROWS = "deleted = 0 AND destination_type = 'local' AND source_type IN ('image', 'blank') AND no_device IS NOT TRUE";

/** Live ephemeral rows. */
export const EPHEMERAL_ROWS = `${LOCAL_ROWS} AND source_type = 'blank' AND (guest_format IS NULL OR guest_format <> 'swap')`;

const head = (order: string): string =>
  'SELECT id, instance_uuid, driver_info, kind, ' +
  `ROW_NUMBER() OVER (PARTITION BY instance_uuid, kind ORDER BY ${order}) - 1 AS pos ` +
  `FROM (SELECT id, instance_uuid, driver_info, device_name, ${KIND_CASE} AS kind FROM block_device_mapping WHERE ${LOCAL_ROWS} AND `;

/**
 * A derived table `(id, instance_uuid, driver_info, kind, pos)` of the live
 * local rows matching `where`, each with its position within its kind.
 */
export const slotsQuery = (order: string, where: RawBuilder<unknown>): RawBuilder<unknown> =>
  sql`${sql.raw(head(order))}${where}) b`;

/** The same as plain SQL text, for places without parameters (SQLite's trigger body). */
export const slotsText = (order: string, where: string): string => `${head(order)}${where}) b`;
