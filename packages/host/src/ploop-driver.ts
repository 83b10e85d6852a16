/**
 * Adapts the `DiskDriver` port to Virtuozzo ploop disks: a directory with
 * `root.hds` (qemu format `parallels` for a recorded `ploop`, or `raw`) and
 * `DiskDescriptor.xml`. ploop format: `ploop init`, then for data
 * `qemu-img convert -n -f <src> -O parallels`; raw format: `qemu-img create`
 * or `convert -O raw` into `root.hds`, then `ploop restore-descriptor -f raw`.
 * Grow: `ploop resize`. Size: `qemu-img info -f <parallels|raw>` of
 * `root.hds`; a missing `root.hds` is `{ exists: false }`. Sizes must be
 * whole KiB (`UnsupportedOperation` otherwise, before any command).
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { unsupported, type ByteSize, type CommandExecutor, type DiskState, type HostFiles, type StorageError } from '@disk-ledger/domain';
import { CheckedDiskDriver, type SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import * as P from './ploop-commands.js';
import * as Q from './qemu-img.js';
import { ploopImagePath, type LocationOf } from './qemu-path.js';

/** The `ploop` backend (formats ploop and raw). */
export class PloopDriver extends CheckedDiskDriver<'ploop'> {
  constructor(exec: CommandExecutor, files: HostFiles) {
    super('ploop', exec, files);
  }

  protected override checkBackendSize(size: ByteSize): E.Either<StorageError, ByteSize> {
    return size % 1024 === 0 ? E.right(size) : E.left(unsupported(`ploop sizes are whole KiB; ${size} bytes is not`));
  }

  protected present(location: LocationOf<'ploop'>): TE.TaskEither<StorageError, boolean> {
    return this.files.exists(ploopImagePath(location.path));
  }

  protected state(disk: CheckedDisk<'ploop'>): TE.TaskEither<StorageError, DiskState> {
    return pipe(
      this.present(disk.location),
      TE.chain((there) =>
        there
          ? pipe(this.virtualSize(disk.image), TE.map((virtualSize): DiskState => ({ exists: true, virtualSize })))
          : TE.right<StorageError, DiskState>({ exists: false }),
      ),
    );
  }

  protected blank(disk: CheckedDisk<'ploop'>, size: ByteSize): TE.TaskEither<StorageError, void> {
    const dir = disk.location.path;
    return pipe(
      this.files.mkdirp(dir),
      TE.chainW(() =>
        disk.format === 'ploop'
          ? this.run(P.init(dir, size))
          : pipe(this.run(Q.create(disk.image, size)), TE.chain(() => this.run(P.restoreRawDescriptor(dir)))),
      ),
    );
  }

  protected fill(disk: CheckedDisk<'ploop'>, source: SizedImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    const dir = disk.location.path;
    return pipe(
      this.files.mkdirp(dir),
      TE.chainW(() => (disk.format === 'ploop' ? this.fillPloop(disk, source, size) : this.fillRaw(disk, source, size))),
    );
  }

  /** `ploop init` at the full size, then the data into the existing image as `parallels`. */
  private fillPloop(disk: CheckedDisk<'ploop'>, source: SizedImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      this.run(P.init(disk.location.path, size)),
      TE.chain(() => this.run(Q.convert(source, disk.image, { existingTarget: true }))),
    );
  }

  /** A raw `root.hds` converted and grown first, so the descriptor is written for its final size. */
  private fillRaw(disk: CheckedDisk<'ploop'>, source: SizedImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      this.run(Q.convert(source, disk.image)),
      TE.chain(() => (source.virtualSize < size ? this.run(Q.resize(disk.image, size)) : TE.right(undefined))),
      TE.chain(() => this.run(P.restoreRawDescriptor(disk.location.path))),
    );
  }

  protected grow(disk: CheckedDisk<'ploop'>, size: ByteSize): TE.TaskEither<StorageError, void> {
    return this.run(P.resize(disk.location.path, size));
  }

  /** The disk is its directory: remove it whole. */
  protected drop(location: LocationOf<'ploop'>): TE.TaskEither<StorageError, void> {
    return this.files.remove(location.path);
  }
}
