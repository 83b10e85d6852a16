import {
  decodeDiskMetadata,
  type DiskMetadata,
  type DiskName,
  type DiskRecordRow,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { RecordUnreadable } from '../errors/core-error.js';

/** One disk's slot with its decoded record (`null` when the slot has none yet). */
export interface StoredRecord {
  readonly row: DiskRecordRow;
  readonly meta: DiskMetadata | null;
}

/** Decode one row; a bad `driver_info` names its row id and leaves other rows alone. */
export const decodeRow = (row: DiskRecordRow): E.Either<RecordUnreadable, StoredRecord> => {
  if (row.driverInfo === null) return E.right({ row, meta: null });
  const decoded = decodeDiskMetadata(row.driverInfo);
  if (E.isRight(decoded)) return E.right({ row, meta: decoded.right });
  const cause: RecordUnreadable['cause'] = decoded.left;
  return E.left({
    _tag: 'RecordUnreadable',
    code: 'RECORD_UNREADABLE',
    instance: row.instance,
    disk: row.disk,
    bdmId: row.bdmId,
    path: row.bdmId === null ? `instance_extra[${row.instance}].${row.disk}` : `block_device_mapping[${row.bdmId}].driver_info`,
    message: `record of ${row.instance}/${row.disk} (${row.bdmId === null ? 'instance-level' : `bdm ${row.bdmId}`}) does not decode: ${cause.message}`,
    cause,
  });
};

/** Index rows by disk; later rows of the same disk win (the repository lists live rows only). */
export const byDisk = (rows: readonly StoredRecord[]): ReadonlyMap<DiskName, StoredRecord> => {
  const out = new Map<DiskName, StoredRecord>();
  for (const r of rows) out.set(r.row.disk, r);
  return out;
};

/** Rows of one instance, or the first unreadable one. */
export const decodeRows = (_instance: InstanceId, rows: readonly DiskRecordRow[]): E.Either<RecordUnreadable, readonly StoredRecord[]> => {
  const out: StoredRecord[] = [];
  for (const row of rows) {
    const r = decodeRow(row);
    if (E.isLeft(r)) return r;
    out.push(r.right);
  }
  return E.right(out);
};
