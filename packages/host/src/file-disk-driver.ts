/**
 * Shared steps of the two file backends (flat, qcow2): a disk is one host
 * file, present when the file exists, sized with `qemu-img info -f <fmt>`,
 * grown with `qemu-img resize -f <fmt>` and removed like `rm -f`. File
 * system failures come back as `FileSystemError`s, command failures as
 * `CommandError`s, both unchanged.
 */
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ByteSize, CommandExecutor, DiskState, HostFiles, StorageError } from '@disk-ledger/domain';
import { CheckedDiskDriver, type SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import * as Q from './qemu-img.js';
import { parentDir, type LocationOf } from './qemu-path.js';

/** Options of the file drivers. */
export interface FileDriverOptions {
  /** Allocate blank disks up front (`-o preallocation=falloc`). */
  readonly preallocate?: boolean;
}

/** A driver whose disks are single host files. */
export abstract class FileDiskDriver<B extends 'flat' | 'qcow2'> extends CheckedDiskDriver<B> {
  protected constructor(
    backend: B,
    exec: CommandExecutor,
    files: HostFiles,
    protected readonly options: FileDriverOptions = {},
  ) {
    super(backend, exec, files);
  }

  protected present(location: LocationOf<B>): TE.TaskEither<StorageError, boolean> {
    return this.files.exists(location.path);
  }

  protected state(disk: CheckedDisk<B>): TE.TaskEither<StorageError, DiskState> {
    return pipe(
      this.present(disk.location),
      TE.chain((there) =>
        there
          ? this.existing(disk.image)
          : TE.right<StorageError, DiskState>({ exists: false }),
      ),
    );
  }

  protected blank(disk: CheckedDisk<B>, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      this.files.mkdirp(parentDir(disk.location.path)),
      TE.chainW(() => this.run(Q.create(disk.image, size, { preallocate: this.options.preallocate === true }))),
    );
  }

  /** `qemu-img convert -f <src> -O <fmt>`, then `qemu-img resize -f <fmt>` when the source is smaller. */
  protected fill(disk: CheckedDisk<B>, source: SizedImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      this.files.mkdirp(parentDir(disk.location.path)),
      TE.chainW(() => this.run(Q.convert(source, disk.image))),
      TE.chain(() => (source.virtualSize < size ? this.run(Q.resize(disk.image, size)) : TE.right(undefined))),
    );
  }

  protected grow(disk: CheckedDisk<B>, size: ByteSize): TE.TaskEither<StorageError, void> {
    return this.run(Q.resize(disk.image, size));
  }

  protected drop(location: LocationOf<B>): TE.TaskEither<StorageError, void> {
    return this.files.remove(location.path);
  }
}
