/**
 * The instance-level records (config drive, kernel, ramdisk, rescue) live in
 * `instance_extra.libvirt_disk_metadata`, one JSON object per instance:
 *
 * ```json
 * { "config": "<record text>", "rescue": "<record text>",
 *   "_removed": [ { "disk": "rescue", "driver_info": "<record text>", "deleted_at": "2024-05-01 12:00:00" } ] }
 * ```
 *
 * An instance whose disks are being moved between hosts also keeps the text
 * of that move under `_migration` (see BlockDeviceMappingRepository.setMigration):
 * nova's `archive_deleted_rows` refuses tables it does not know, so it cannot
 * have a table of its own.
 *
 * A record written as null moves to `_removed` (a key no disk name can
 * take), so it stays readable like a soft-deleted BDM row. Only the latest
 * {@link REMOVED_KEPT} are kept: a rescue and unrescue cycle removes one
 * record each time, and an instance_extra row must not grow for ever. When
 * the instance is deleted the whole row is soft-deleted with it. `NULL`, `''`
 * and `{}` all mean "no records".
 */
import { hasBdm, isDiskName, type DiskName } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { array, str, struct, type RowMismatch } from '../rows/decode.js';

/** How many removed instance-level records an instance keeps. */
export const REMOVED_KEPT = 16;

/** The key of the removed records. */
export const REMOVED_KEY = '_removed';

/** The key of an unfinished move's text. */
export const MIGRATION_KEY = '_migration';

/** A removed instance-level record. */
export interface RemovedInstanceRecord {
  readonly disk: DiskName;
  readonly driverInfo: string;
  readonly deletedAt: string;
}

/** The decoded column. */
export interface InstanceRecords {
  readonly live: ReadonlyMap<DiskName, string>;
  readonly removed: readonly RemovedInstanceRecord[];
  /** The text of the instance's unfinished move, if any. */
  readonly migration: string | null;
}

const removedEntries = array(struct({ disk: str, driver_info: str, deleted_at: str }));

const instanceDisk = (key: string, path: string): E.Either<RowMismatch, DiskName> =>
  isDiskName(key) && !hasBdm(key) ? E.right(key) : E.left({ path, expected: 'an instance-level disk name', actual: key });

/** Decode the column's text; every key must name an instance-level disk, every value be record text. */
export const decodeInstanceRecords = (text: string | null, path: string): E.Either<RowMismatch, InstanceRecords> => {
  if (text === null || text.trim() === '') return E.right({ live: new Map(), removed: [], migration: null });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return E.left({ path, expected: 'JSON object', actual: text });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return E.left({ path, expected: 'JSON object', actual: text });
  const live = new Map<DiskName, string>();
  const removed: RemovedInstanceRecord[] = [];
  let migration: string | null = null;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === MIGRATION_KEY) {
      if (typeof value !== 'string') return E.left({ path: `${path}.${MIGRATION_KEY}`, expected: 'migration text', actual: value });
      migration = value;
      continue;
    }
    if (key === REMOVED_KEY) {
      const entries = removedEntries(value, `${path}.${REMOVED_KEY}`);
      if (E.isLeft(entries)) return entries;
      for (const [i, e] of entries.right.entries()) {
        const disk = instanceDisk(e.disk, `${path}.${REMOVED_KEY}[${i}].disk`);
        if (E.isLeft(disk)) return disk;
        removed.push({ disk: disk.right, driverInfo: e.driver_info, deletedAt: e.deleted_at });
      }
      continue;
    }
    const disk = instanceDisk(key, `${path}.${key}`);
    if (E.isLeft(disk)) return disk;
    if (typeof value !== 'string') return E.left({ path: `${path}.${key}`, expected: 'record text', actual: value });
    live.set(disk.right, value);
  }
  return E.right({ live, removed, migration });
};

/** The JSON text of `records` (keys sorted, so equal records give equal text). */
export const encodeInstanceRecords = (records: InstanceRecords): string => {
  const live = [...records.live.entries()].sort(([a], [b]) => a.localeCompare(b));
  const removed = records.removed.slice(-REMOVED_KEPT).map((r) => ({ disk: r.disk, driver_info: r.driverInfo, deleted_at: r.deletedAt }));
  const entries: [string, unknown][] = [...live];
  if (removed.length > 0) entries.push([REMOVED_KEY, removed]);
  if (records.migration !== null) entries.push([MIGRATION_KEY, records.migration]);
  return JSON.stringify(Object.fromEntries(entries));
};
