import {
  decodeDiskMetadata,
  encodeDiskMetadata,
  type BlockDeviceMappingRepository,
  type DiskMetadata,
  type DiskName,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError, RecordUnreadable } from '../errors/core-error.js';
import { TOKENS } from '../tokens.js';
import { byDisk, decodeRow, decodeRows, type StoredRecord } from './disk-records.js';

/** A record to write, or `null` to remove the disk's record. */
export interface RecordChange {
  readonly disk: DiskName;
  readonly meta: DiskMetadata | null;
}

/**
 * Reads and writes disk records through the repository. `driver_info` is
 * opaque to everything but this service and the codec.
 */
@injectable()
export class DiskMetadataService {
  constructor(@inject(TOKENS.Repository) private readonly repository: BlockDeviceMappingRepository) {}

  /** Every live slot of the instance with its decoded record, by disk. */
  records(instance: InstanceId): TE.TaskEither<CoreError, ReadonlyMap<DiskName, StoredRecord>> {
    return async () => {
      const rows = await this.repository.listDisks(instance)();
      if (E.isLeft(rows)) return rows;
      const decoded = decodeRows(instance, rows.right);
      return E.isLeft(decoded) ? decoded : E.right(byDisk(decoded.right));
    };
  }

  /** One disk's record, `null` when it has none. */
  record(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, DiskMetadata | null> {
    return async () => {
      const rows = await this.repository.listDisks(instance)();
      if (E.isLeft(rows)) return rows;
      const row = rows.right.find((r) => r.disk === disk);
      if (row === undefined) return E.right(null);
      const decoded = decodeRow(row);
      return E.isLeft(decoded) ? decoded : E.right(decoded.right.meta);
    };
  }

  /** Save the records of many disks of one instance in ONE repository call, atomically. */
  saveAll(instance: InstanceId, changes: readonly RecordChange[]): TE.TaskEither<CoreError, void> {
    if (changes.length === 0) return async () => E.right(undefined);
    return this.repository.saveRecords(
      instance,
      changes.map((c) => ({ disk: c.disk, driverInfo: c.meta === null ? null : encodeDiskMetadata(c.meta) })),
    );
  }

  /**
   * First-touch write: store `meta` only if the disk still has no record.
   * Two writers racing agree on one record: the loser gets the winner's.
   */
  claim(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, DiskMetadata> {
    const write = this.repository.compareAndSetRecord(instance, disk, encodeDiskMetadata(meta));
    return async () => {
      const stored = await write();
      if (E.isLeft(stored)) return stored;
      const decoded = decodeDiskMetadata(stored.right.driverInfo);
      if (E.isRight(decoded)) return decoded;
      const cause: RecordUnreadable['cause'] = decoded.left;
      return E.left<RecordUnreadable>({
        _tag: 'RecordUnreadable', code: 'RECORD_UNREADABLE', instance, disk, bdmId: null, cause,
        path: `${instance}/${disk}`,
        message: `record of ${instance}/${disk} written concurrently does not decode: ${cause.message}`,
      });
    };
  }
}
