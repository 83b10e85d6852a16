import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { BaseImage, DiskImage, DiskLocation } from '../disk/disk-location.js';
import type { Backend } from '../disk/vocabulary.js';
import type { ByteSize, HostPath } from '../names/safe-names.js';
import type { StorageError } from './storage-error.js';

/** What the host holds at a location, read with the recorded format. */
export type DiskState =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly virtualSize: number;
      /** The backing file the image names (qcow2), as the host reports it opened with its recorded format; absent when none. */
      readonly backing?: { readonly file: string; readonly format: string | null };
      /** The external data file the image names (qcow2), as the host reports it; absent when none. */
      readonly dataFile?: string;
    };

/** Output formats of an export (snapshot upload). */
export type ExportFormat = 'raw' | 'qcow2';

/**
 * Creates, copies, resizes, exports, removes and inspects the disks of one
 * backend. Every method that opens an image takes a `DiskImage` or a
 * `BaseImage`, so its format is always named; none detects one. Each create
 * method answers `DISK_EXISTS` when the location is occupied, before it
 * makes anything (callers rely on it to remove leftovers only when there
 * are some), and removes what it made when it fails part-way.
 */
export interface DiskDriver {
  readonly backend: Backend;
  /** Create an empty disk of `size` bytes in `disk.format`; `DISK_EXISTS` if one is there. */
  createBlank(disk: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void>;
  /** Create the disk from a cached base image: an overlay (`-F` named) for the qcow2 backend, a converted copy otherwise; grown to `size`. */
  createFromBase(disk: DiskImage, base: BaseImage, size: ByteSize): TE.TaskEither<StorageError, void>;
  /** Create the disk as a copy of `source` (any backend), converting between the two named formats; grown to `size`. */
  copyFrom(disk: DiskImage, source: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void>;
  /** Grow the disk to `size` using its recorded format; shrinking is `UNSUPPORTED_OPERATION`. */
  resize(disk: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void>;
  /** Write the disk's content, flattened, to a file in `format` (a snapshot for upload). */
  exportTo(disk: DiskImage, dest: HostPath, format: ExportFormat): TE.TaskEither<StorageError, void>;
  /** Remove the disk; succeeds when already absent. */
  remove(location: DiskLocation): TE.TaskEither<StorageError, void>;
  /** Whether the disk exists and its virtual size, read with `disk.format`. */
  inspect(disk: DiskImage): TE.TaskEither<StorageError, DiskState>;
  /**
   * The unit a disk at `location` is allocated in: one asked for N bytes
   * holds N rounded up to a whole number of units (512-byte sectors for
   * files and rbd, KiB for ploop, the volume group's physical extent for
   * LVM, read from the host). Callers round a planned size with it before
   * the record is written, so the record states what the host will hold.
   */
  allocationUnit(location: DiskLocation): TE.TaskEither<StorageError, number>;
}

/** The drivers a host has, by backend; a backend the host cannot run is `UNSUPPORTED_OPERATION`. */
export interface DiskDrivers {
  /** The driver for `backend`. */
  forBackend(backend: Backend): TE.TaskEither<StorageError, DiskDriver>;
}
