/**
 * Shared steps of the two file backends (flat, qcow2): a disk is one host
 * file, present when the file exists, sized with `qemu-img info -f <fmt>`,
 * grown with `qemu-img resize -f <fmt>` and removed like `rm -f`. File
 * system failures come back as `FileSystemError`s, command failures as
 * `CommandError`s, both unchanged.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Argv, ByteSize, CommandExecutor, DiskState, HostFiles, StorageError } from '@disk-ledger/domain';
import { CheckedDiskDriver, type Ran, type SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import * as Q from './qemu-img.js';
import { DEFAULT_RBD_CLIENT, parentDir, type LocationOf, type RbdClient } from './qemu-path.js';

/** Options of the file drivers. */
export interface FileDriverOptions {
  /**
   * Allocate disks up front, as nova's `preallocate_images = space`: blank
   * ones are created preallocated (`-o preallocation=falloc`), and one made
   * from a base or a copy gets `fallocate -n -l <size>` (skipped where the
   * file system cannot, as nova skips it).
   */
  readonly preallocate?: boolean;
}

/** `fallocate -n -l <size> <path>`: reserve the disk's blocks without changing the file's size. */
export const fallocate = (path: string, size: ByteSize): Argv => ['fallocate', '-n', '-l', String(size), path];

/** Whether fallocate failed only because the file system has no fallocate (nova's `_can_fallocate`). */
const cannotFallocate = (e: StorageError): boolean => e._tag === 'CommandFailed' && /Operation not supported/.test(e.stderr);

const ABSENT: E.Either<never, DiskState> = E.right({ exists: false });
const DONE: E.Either<never, void> = E.right(undefined);

/** A driver whose disks are single host files. */
export abstract class FileDiskDriver<B extends 'flat' | 'qcow2'> extends CheckedDiskDriver<B> {
  protected constructor(
    backend: B,
    exec: CommandExecutor,
    files: HostFiles,
    protected readonly options: FileDriverOptions = {},
    rbdClient: RbdClient = DEFAULT_RBD_CLIENT,
  ) {
    super(backend, exec, files, rbdClient);
  }

  protected present(location: LocationOf<B>): Ran<boolean> {
    return this.files.exists(location.path)();
  }

  protected async state(disk: CheckedDisk<B>): Ran<DiskState> {
    const there = await this.present(disk.location);
    if (E.isLeft(there)) return there;
    return there.right ? this.existing(disk.image) : ABSENT;
  }

  protected async blank(disk: CheckedDisk<B>, size: ByteSize): Ran<void> {
    const dir = await this.files.mkdirp(parentDir(disk.location.path))();
    if (E.isLeft(dir)) return dir;
    return this.run(Q.create(disk.image, size, { preallocate: this.options.preallocate === true }));
  }

  /** `qemu-img convert -f <src> -O <fmt>`, then `qemu-img resize -f <fmt>` when the source is smaller. */
  protected async fill(disk: CheckedDisk<B>, source: SizedImage, size: ByteSize): Ran<void> {
    const dir = await this.files.mkdirp(parentDir(disk.location.path))();
    if (E.isLeft(dir)) return dir;
    const converted = await this.run(Q.convert(source, disk.image));
    if (E.isLeft(converted) || source.virtualSize >= size) return converted;
    return this.run(Q.resize(disk.image, size));
  }

  protected override async made(disk: CheckedDisk<B>, size: ByteSize): Ran<void> {
    if (this.options.preallocate !== true) return DONE;
    const r = await this.run(fallocate(disk.location.path, size));
    return E.isLeft(r) && cannotFallocate(r.left) ? DONE : r;
  }

  /** `qemu-img resize`, then, when told to preallocate, `fallocate` to the new size, as nova's `Image.cache` does after every resize. */
  protected async grow(disk: CheckedDisk<B>, size: ByteSize): Ran<void> {
    const grown = await this.run(Q.resize(disk.image, size));
    return E.isLeft(grown) ? grown : this.made(disk, size);
  }

  protected drop(location: LocationOf<B>): Ran<void> {
    return this.files.remove(location.path)();
  }
}
