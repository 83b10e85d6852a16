import {
  decodeDiskMetadata,
  encodeDiskMetadataChecked,
  type BlockDeviceMappingRepository,
  type DiskMetadata,
  type DiskName,
  type InstanceId,
  imageId,
  type ImageId,
  type MetadataError,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError, RecordInvalid, RecordUnreadable } from '../errors/core-error.js';
import { TOKENS } from '../tokens.js';
import { byDisk, decodeRow, decodeRows, type StoredRecord } from './disk-records.js';

/**
 * The stored text of `meta`, once it decodes as written. Types do not hold
 * every rule the codec checks (sizes, safe locations, allowed pairs), and a
 * caller outside the type system may pass anything.
 */
const checkedText = (instance: InstanceId, disk: DiskName, meta: DiskMetadata): E.Either<RecordInvalid, string> => {
  const text = encodeDiskMetadataChecked(meta);
  return E.isLeft(text) ? E.left(recordInvalid(instance, disk, text.left)) : text;
};

const recordInvalid = (instance: InstanceId, disk: DiskName, cause: MetadataError): RecordInvalid => ({
  _tag: 'RecordInvalid', code: 'RECORD_INVALID', instance, disk, cause,
  path: `${instance}/${disk}${cause.path === '' ? '' : `.${cause.path}`}`,
  message: `record for ${instance}/${disk} is not valid: ${cause.message}`,
});

/** The slots of an instance that can be read, and the disks whose record cannot. */
export interface ReadableSlots {
  readonly slots: ReadonlyMap<DiskName, StoredRecord>;
  readonly unreadable: readonly DiskName[];
}

/** A record to write, or `null` to remove the disk's record. */
export interface RecordChange {
  readonly disk: DiskName;
  readonly meta: DiskMetadata | null;
}

/** What {@link DiskMetadataService.instanceImage} reads. */
export interface InstanceImage {
  readonly ref: string | null;
  readonly image: ImageId | null;
}

/**
 * Reads and writes disk records through the repository. `driver_info` is
 * opaque to everything but this service and the codec.
 */
@injectable()
export class DiskMetadataService {
  constructor(@inject(TOKENS.Repository) private readonly repository: BlockDeviceMappingRepository) {}

  /**
   * The image nova says the instance was booted or last rebuilt from: its
   * `image_ref` as stored (`null`: none), and that text as an image id
   * (`null` when it is none, or no image id, as nova's old links are not).
   */
  instanceImage(instance: InstanceId): TE.TaskEither<CoreError, InstanceImage> {
    return async () => {
      const row = await this.repository.getInstance(instance)();
      if (E.isLeft(row)) return row;
      const ref = row.right.imageRef;
      const id = ref === null ? null : imageId(ref, 'image_ref');
      return E.right({ ref, image: id === null || E.isLeft(id) ? null : id.right });
    };
  }

  /** Every live slot of the instance with its decoded record, by disk. */
  records(instance: InstanceId): TE.TaskEither<CoreError, ReadonlyMap<DiskName, StoredRecord>> {
    return async () => {
      const rows = await this.repository.listDisks(instance)();
      if (E.isLeft(rows)) return rows;
      const decoded = decodeRows(instance, rows.right);
      return E.isLeft(decoded) ? decoded : E.right(byDisk(decoded.right));
    };
  }

  /**
   * Every live slot of the instance whose record decodes (or that has none
   * yet), by disk, and apart the disks whose record does not decode: for a
   * delete, which must not be stopped by one bad row, and for checks that
   * compare against what can be read.
   */
  readableSlots(instance: InstanceId): TE.TaskEither<CoreError, ReadableSlots> {
    return async () => {
      const rows = await this.repository.listDisks(instance)();
      if (E.isLeft(rows)) return rows;
      const slots = new Map<DiskName, StoredRecord>();
      const unreadable: DiskName[] = [];
      for (const row of rows.right) {
        const decoded = decodeRow(row);
        if (E.isRight(decoded)) slots.set(row.disk, decoded.right);
        else unreadable.push(row.disk);
      }
      return E.right({ slots, unreadable });
    };
  }

  /** One disk's record, `null` when it has none. */
  record(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, DiskMetadata | null> {
    return async () => {
      const slot = await this.slot(instance, disk)();
      return E.isLeft(slot) ? slot : E.right(slot.right?.meta ?? null);
    };
  }

  /** One disk's slot with its record, `null` when the instance has no slot for it (no BDM row, no instance-level record). */
  slot(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, StoredRecord | null> {
    return async () => {
      const rows = await this.repository.listDisks(instance)();
      if (E.isLeft(rows)) return rows;
      const row = rows.right.find((r) => r.disk === disk);
      return row === undefined ? E.right(null) : decodeRow(row);
    };
  }

  /**
   * Undo a record written for a disk that was never made: the slot goes
   * back to having no record (a BDM row stays, emptied, unless `dropRow`:
   * the undone write added it) while it still holds exactly `meta`.
   * Whether it did.
   */
  unwrite(instance: InstanceId, disk: DiskName, meta: DiskMetadata, dropRow = false): TE.TaskEither<CoreError, boolean> {
    const text = checkedText(instance, disk, meta);
    return E.isLeft(text) ? async () => text : this.repository.clearRecord(instance, disk, text.right, { dropRow });
  }

  /**
   * Save the records of many disks of one instance in ONE repository call,
   * atomically. A record that would not decode is `RECORD_INVALID` and
   * nothing is written: a stored record every later operation refuses to
   * read would leave the instance unusable.
   */
  saveAll(instance: InstanceId, changes: readonly RecordChange[]): TE.TaskEither<CoreError, void> {
    if (changes.length === 0) return async () => E.right(undefined);
    const writes: { disk: DiskName; driverInfo: string | null }[] = [];
    for (const c of changes) {
      const text = c.meta === null ? E.right(null) : checkedText(instance, c.disk, c.meta);
      if (E.isLeft(text)) return async () => text;
      writes.push({ disk: c.disk, driverInfo: text.right });
    }
    return this.repository.saveRecords(instance, writes);
  }

  /**
   * First-touch write: store `meta` only if the disk still has no record.
   * Two writers racing agree on one record: the loser gets the winner's.
   */
  claim(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, DiskMetadata> {
    const text = checkedText(instance, disk, meta);
    if (E.isLeft(text)) return async () => text;
    const write = this.repository.compareAndSetRecord(instance, disk, text.right);
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
