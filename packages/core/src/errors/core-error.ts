import type {
  BaseImageError,
  ConfigDriveContentsUnavailable,
  DiskInfoCorrupt,
  DiskName,
  DomainError,
  ImageId,
  InvalidName,
  InvalidSize,
  LayoutError,
  LegacyError,
  MetadataError,
  RepositoryError,
  StorageError,
} from '@disk-ledger/domain';

/** A stored `driver_info` does not decode; names the row so an operator can find it. */
export interface RecordUnreadable extends DomainError<'RecordUnreadable', 'RECORD_UNREADABLE'> {
  readonly instance: string;
  readonly disk: DiskName;
  /** The BDM row id, or `null` for an instance-level record. */
  readonly bdmId: number | null;
  readonly cause: MetadataError;
}

/**
 * A record handed to the service for saving would not decode (a size out
 * of range, an unsafe location, a backend/format pair no host allows):
 * names the disk and, in `cause`, the field. Nothing is written.
 */
export interface RecordInvalid extends DomainError<'RecordInvalid', 'RECORD_INVALID'> {
  readonly instance: string;
  readonly disk: DiskName;
  readonly cause: MetadataError;
}

/** The host holds something other than what the record says; never silently "fixed". */
export interface DiskMismatch extends DomainError<'DiskMismatch', 'DISK_FORMAT_MISMATCH' | 'DISK_SIZE_MISMATCH' | 'DISK_NOT_REGULAR_FILE'> {
  readonly instance: string;
  readonly disk: DiskName;
}

/** A record was needed and there is none (and none could be derived). */
export interface RecordMissing extends DomainError<'RecordMissing', 'RECORD_MISSING'> {
  readonly instance: string;
  readonly disk: DiskName;
}

/** A disk that has a record (or a slot) already was to get a new one: an operator layout, or an unshelve of an instance not shelved. */
export interface RecordExists extends DomainError<'RecordExists', 'RECORD_EXISTS'> {
  readonly instance: string;
  readonly disk: DiskName;
}

/** A legacy disk that a record was to be derived for is not on the host. */
export interface LegacyDiskMissing extends DomainError<'LegacyDiskMissing', 'LEGACY_DISK_MISSING'> {
  readonly instance: string;
  readonly disk: DiskName;
}

/** A legacy qcow2 names a backing file that is not a base image of the cache, or an external data file: refused, never followed. */
export interface LegacyBackingRefused extends DomainError<'LegacyBackingRefused', 'LEGACY_BACKING_REFUSED'> {
  readonly instance: string;
  readonly disk: DiskName;
}

/** The stored text of an instance's unfinished move does not decode; names the field. */
export interface MigrationUnreadable extends DomainError<'MigrationUnreadable', 'MIGRATION_UNREADABLE'> {
  readonly instance: string;
}

/**
 * The instance is shelved (its shelve is kept until an unshelve or a
 * delete, and may have been cut after the root's removal, before it
 * answered): the image the root went to is named here. Only a shelve
 * (which answers that image), an unshelve from it, a delete, `settle` and
 * `removeLeftBehind` run.
 */
export interface InstanceShelved extends DomainError<'InstanceShelved', 'INSTANCE_SHELVED'> {
  readonly instance: string;
  /** The image the root went to (`null`: the instance has no local root). */
  readonly image: ImageId | null;
  /** The host the instance was shelved from. */
  readonly host: string;
}

/**
 * The instance's resize waits for confirm or revert: until then only what
 * leaves both hosts' disks as they are may run (reboots, snapshot, delete).
 */
export interface ResizeUnconfirmed extends DomainError<'ResizeUnconfirmed', 'RESIZE_UNCONFIRMED'> {
  readonly instance: string;
}

/** A confirm or revert of an instance that has no resize waiting for one. */
export interface NoResizePending extends DomainError<'NoResizePending', 'NO_RESIZE_PENDING'> {
  readonly instance: string;
}

/**
 * A resize to a flavor whose root or ephemeral disk is smaller than the
 * instance's: refused before anything changes, as nova's libvirt driver does
 * ("Unable to resize disk down"). Swap may shrink: it holds nothing to keep.
 */
export interface ResizeDown extends DomainError<'ResizeDown', 'RESIZE_ERROR'> {
  readonly instance: string;
  readonly disk: DiskName;
}

/** A host's image backend was asked for a disk of an instance that is on another host. */
export interface InstanceElsewhere extends DomainError<'InstanceElsewhere', 'INSTANCE_NOT_ON_HOST'> {
  readonly instance: string;
  /** The host the instance is on. */
  readonly host: string;
}

/**
 * A recorded root (or rescue) disk is missing and its record names no image
 * to make it again from: the record was derived from the classic driver's
 * facts or stated by an operator, so nothing says what it held. It is never
 * made again empty; a rebuild from an image, or a delete, is the way on.
 */
export interface DiskLost extends DomainError<'DiskLost', 'DISK_LOST'> {
  readonly instance: string;
  readonly disk: DiskName;
}

/** An operator layout for one disk names the place of another disk of the instance: refused, nothing recorded. */
export interface LocationTaken extends DomainError<'LocationTaken', 'LOCATION_TAKEN'> {
  readonly instance: string;
  readonly disk: DiskName;
}

/** Everything the core services can fail with: a closed union, switch on `_tag` or `code`. */
export type CoreError =
  | RecordUnreadable
  | RecordInvalid
  | DiskMismatch
  | RecordMissing
  | RecordExists
  | DiskLost
  | LocationTaken
  | LegacyDiskMissing
  | LegacyBackingRefused
  | MigrationUnreadable
  | InstanceShelved
  | ResizeUnconfirmed
  | NoResizePending
  | ResizeDown
  | InstanceElsewhere
  | LayoutError
  | LegacyError
  | DiskInfoCorrupt
  | StorageError
  | ConfigDriveContentsUnavailable
  | RepositoryError
  | BaseImageError
  | InvalidName
  | InvalidSize;
