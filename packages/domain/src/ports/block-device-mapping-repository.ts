import type * as TE from 'fp-ts/lib/TaskEither.js';
import { isDiskName, type DiskName } from '../disk/disk-role.js';
import type { DomainError } from '../errors/domain-error.js';
import * as E from 'fp-ts/lib/Either.js';
import { instanceId, type InstanceId } from '../names/safe-names.js';

/**
 * One record slot: a live block device mapping row (root, ephemeral, swap) or
 * an instance-level entry (config drive, kernel, ramdisk, rescue). The
 * repository treats `driverInfo` as opaque text.
 */
export interface DiskRecordRow {
  readonly instance: InstanceId;
  readonly disk: DiskName;
  /** The BDM row id; `null` for instance-level records. */
  readonly bdmId: number | null;
  /** Encoded LibvirtDiskMetadata, or `null` when never written (a legacy disk). */
  readonly driverInfo: string | null;
}

/** An instance as the repository knows it. */
export interface InstanceRow {
  readonly instance: InstanceId;
  readonly host: string;
}

/**
 * A live instance: where it runs, the image it was booted or last rebuilt
 * from, and the text of an operation of its that has not finished (a disk
 * move, or a shelve; opaque to the repository, like `driverInfo`), if any.
 */
export interface InstanceState extends InstanceRow {
  readonly migration: string | null;
  /**
   * Nova's `instances.image_ref`: the image the instance was booted or last
   * rebuilt from; `null` when none (booted from a volume, or not known). It
   * tells which entry of the base-image cache a legacy root overlay may name.
   */
  readonly imageRef: string | null;
}

/** A write of one record: text to store, or `null` to remove the record (the BDM row is soft-deleted). */
export interface RecordWrite {
  readonly disk: DiskName;
  readonly driverInfo: string | null;
}

/** How {@link BlockDeviceMappingRepository.clearRecord} clears a BDM row. */
export interface ClearOptions {
  /** The row was added by the write being undone: soft-delete it rather than empty it. */
  readonly dropRow?: boolean;
}

/** A cursor over rows still lacking `driver_info`. */
export interface UnpopulatedQuery {
  /** Only rows with a larger BDM id. */
  readonly afterId?: number;
  /** Only rows of instances on this host. */
  readonly host?: string;
}

/** One BDM row's new `driver_info`, for the online migration. */
export interface BdmWrite {
  readonly bdmId: number;
  readonly driverInfo: string;
}

/** Whether `u` is a {@link RecordWrite}: adapters check each write, since a caller outside the type system may pass anything. */
export const isRecordWrite = (u: unknown): u is RecordWrite =>
  typeof u === 'object' && u !== null && 'disk' in u && isDiskName(u.disk) && 'driverInfo' in u && (u.driverInfo === null || typeof u.driverInfo === 'string');

/** Longest `image_ref` nova's column holds. */
export const IMAGE_REF_MAX = 255;

// Nova's image_ref is an image id (a uuid) or, long ago, a link: printable ASCII, which every database and
// character set (nova's utf8mb3 tables on MariaDB included) stores and returns alike.
const IMAGE_REF = new RegExp(`^[\\x20-\\x7e]{0,${IMAGE_REF_MAX}}$`);

/**
 * Whether `u` may be stored as an instance's `image_ref`: printable ASCII
 * of at most {@link IMAGE_REF_MAX} characters, or `null`. Adapters store
 * `''` (nova's value for an instance booted from a volume) as given and
 * read it back as `null`.
 */
export const isImageRef = (u: unknown): u is string | null => u === null || (typeof u === 'string' && IMAGE_REF.test(u));

/**
 * Whether `u` is an instance id the library can read back from a row (nova's
 * uuids, or 1-64 letters, digits, `_` or `-`). Adapters check it when an
 * instance is created: a caller outside the type system could pass any text,
 * and a row the library cannot read stops online migration of its host.
 */
export const isInstanceId = (u: unknown): u is InstanceId => typeof u === 'string' && E.isRight(instanceId(u));

/** Longest host name adapters store (nova's `instances.host` is a String(255)). */
export const HOST_NAME_MAX = 255;
const HOST_NAME = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${HOST_NAME_MAX - 1}}$`);

/**
 * Whether `u` is a host name adapters store: 1-255 letters, digits, `.`,
 * `_` or `-`, the first a letter or digit, as compute hosts are named.
 * Adapters check it in `createInstance` and `setHost`, so that every
 * database stores alike: unchecked, a longer name fails on the servers
 * only, and a NUL on PostgreSQL only.
 */
export const isHostName = (u: unknown): u is string => typeof u === 'string' && HOST_NAME.test(u);

/** The failure every repository answers for a host name {@link isHostName} refuses (`path` `host`). */
export const hostNameRefused = (doing: string, host: unknown): RepositoryInputInvalid => ({
  _tag: 'RepositoryInputInvalid',
  code: 'REPOSITORY_INPUT_INVALID',
  path: 'host',
  message: `${doing}: not a host name: ${(JSON.stringify(host) ?? String(host)).slice(0, 80)} (use 1-${HOST_NAME_MAX} letters, digits, ".", "_" or "-")`,
});

/** What `getInstance` reports for a stored `image_ref`: nova's `''` (booted from a volume) is none. */
export const readImageRef = (stored: string | null | undefined): string | null => (stored === undefined || stored === null || stored === '' ? null : stored);

/** Whether `u` is a {@link BdmWrite}. */
export const isBdmWrite = (u: unknown): u is BdmWrite =>
  typeof u === 'object' && u !== null && 'bdmId' in u && Number.isSafeInteger(u.bdmId) && 'driverInfo' in u && typeof u.driverInfo === 'string';

/** The instance is unknown (or deleted). */
export interface InstanceNotFound extends DomainError<'InstanceNotFound', 'INSTANCE_NOT_FOUND'> {
  readonly instance: string;
}
/** The instance already exists. */
export interface InstanceExists extends DomainError<'InstanceExists', 'INSTANCE_EXISTS'> {
  readonly instance: string;
}
/** The database failed; nothing of the call was written. */
export type RepositoryFailed = DomainError<'RepositoryFailed', 'REPOSITORY_FAILED'>;

/**
 * The call's arguments are ones the repository does not take (a name no database stores alike, a write naming no
 * disk role, an ephemeral disk past the next free position): nothing was done, and calling again with them will not
 * help. `path` names the argument.
 */
export type RepositoryInputInvalid = DomainError<'RepositoryInputInvalid', 'REPOSITORY_INPUT_INVALID'>;

/** A {@link RepositoryInputInvalid} naming the argument at `path`. */
export const repositoryInputInvalid = (message: string, path: string): RepositoryInputInvalid => ({
  _tag: 'RepositoryInputInvalid',
  code: 'REPOSITORY_INPUT_INVALID',
  path,
  message,
});

/** What a repository call fails with: the instance is unknown, exists already, its arguments are refused, or the store failed. */
export type RepositoryError = InstanceNotFound | InstanceExists | RepositoryInputInvalid | RepositoryFailed;

/**
 * The failure every repository answers when an ephemeral disk would be
 * created past the next free position: ephemeral disks are numbered by
 * their position among the instance's ephemeral BDM rows, as nova lists them.
 */
export const ephemeralGap = (instance: string, existing: number, wanted: number): RepositoryInputInvalid => ({
  _tag: 'RepositoryInputInvalid',
  code: 'REPOSITORY_INPUT_INVALID',
  path: 'disk',
  message:
    `instance ${instance} has ${existing} ephemeral disk(s); ephemeral disks are numbered by position, so ` +
    `only ephemeral${existing} can be created next (this call needs ${wanted} to exist first)`,
});

/** The failure every repository answers for an instance id {@link isInstanceId} refuses (`path` `instance`). */
export const instanceIdRefused = (instance: unknown): RepositoryInputInvalid => ({
  _tag: 'RepositoryInputInvalid',
  code: 'REPOSITORY_INPUT_INVALID',
  path: 'instance',
  message: `createInstance: not an instance id: ${JSON.stringify(instance) ?? String(instance)} (the library could not read the row back)`,
});

/**
 * Block device mappings and the `driver_info` of each local disk. Every
 * method is atomic: on error nothing of the call was written.
 */
export interface BlockDeviceMappingRepository {
  /**
   * Register an instance on `host` with BDM rows (empty `driver_info`) for
   * `disks` that have one, booted from `imageRef` (default: none).
   */
  createInstance(instance: InstanceId, host: string, disks: readonly DiskName[], imageRef?: string | null): TE.TaskEither<RepositoryError, void>;
  /** The live instance with its unfinished move, or `INSTANCE_NOT_FOUND`. */
  getInstance(instance: InstanceId): TE.TaskEither<RepositoryError, InstanceState>;
  /** Move the instance to another host (resize, migration, evacuation). */
  setHost(instance: InstanceId, host: string): TE.TaskEither<RepositoryError, void>;
  /** Record the image the instance was rebuilt from (`null`: none), as nova's rebuild does. */
  setImageRef(instance: InstanceId, imageRef: string | null): TE.TaskEither<RepositoryError, void>;
  /**
   * Store the text of the instance's unfinished operation, a disk move or a
   * shelve (`null`: none), in one round trip; it stays readable through
   * `getInstance` until cleared, and goes with the instance when it is
   * deleted.
   */
  setMigration(instance: InstanceId, migration: string | null): TE.TaskEither<RepositoryError, void>;
  /** Every live record slot of the instance: its BDM rows, then its instance-level records. */
  listDisks(instance: InstanceId): TE.TaskEither<RepositoryError, readonly DiskRecordRow[]>;
  /** Apply many writes for one instance in ONE round trip, atomically; creates BDM rows or instance-level slots as needed. */
  saveRecords(instance: InstanceId, writes: readonly RecordWrite[]): TE.TaskEither<RepositoryError, void>;
  /**
   * First-touch write: store `driverInfo` only if the disk's slot has none yet
   * (creating the slot if needed). Returns what is stored afterwards: ours, or
   * the record a concurrent writer stored first.
   */
  compareAndSetRecord(instance: InstanceId, disk: DiskName, driverInfo: string): TE.TaskEither<RepositoryError, { readonly written: boolean; readonly driverInfo: string }>;
  /**
   * Undo a record whose disk was never made (a tool refused it): when the
   * disk's live slot still holds exactly `driverInfo` (compared byte for
   * byte, whatever the database's collation), a BDM row's `driver_info` goes
   * back to empty (the row stays, as nova made it; with `dropRow`, for a row
   * the undone write added, it is soft-deleted instead) and an instance-level
   * record is removed as a `null` write removes it. A slot holding other text
   * (another writer's) or none is left alone. Returns whether it cleared.
   */
  clearRecord(instance: InstanceId, disk: DiskName, driverInfo: string, options?: ClearOptions): TE.TaskEither<RepositoryError, boolean>;
  /** Soft-delete the instance, its BDM rows and its instance-level records. */
  deleteInstance(instance: InstanceId): TE.TaskEither<RepositoryError, void>;
  /**
   * Up to `limit` live BDM rows whose `driver_info` is still empty, oldest
   * (lowest id) first, only those with id > `afterId` and on `host` when
   * given: a cursor, so that rows that cannot be migrated never block others.
   */
  listUnpopulated(limit: number, options?: UnpopulatedQuery): TE.TaskEither<RepositoryError, readonly (DiskRecordRow & InstanceRow)[]>;
  /**
   * Online migration write: set `driver_info` of many BDM rows in ONE round
   * trip, each only if it is still empty (a concurrent first touch wins).
   * Returns how many rows were written.
   */
  fillUnpopulated(writes: readonly BdmWrite[]): TE.TaskEither<RepositoryError, number>;
}
