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
import { unsupported, type ByteSize, type CommandExecutor, type DiskState, type HostFiles, type StorageError } from '@disk-ledger/domain';
import { CheckedDiskDriver, type Ran, type SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import * as P from './ploop-commands.js';
import * as Q from './qemu-img.js';
import { DEFAULT_RBD_CLIENT, ploopImagePath, type LocationOf, type RbdClient } from './qemu-path.js';

/** ploop's tools take sizes in KiB. */
const KIB = E.right(1024);

/** The `ploop` backend (formats ploop and raw). */
export class PloopDriver extends CheckedDiskDriver<'ploop'> {
  constructor(exec: CommandExecutor, files: HostFiles, rbdClient: RbdClient = DEFAULT_RBD_CLIENT) {
    super('ploop', exec, files, rbdClient);
  }

  protected override unit(): Ran<number> {
    return Promise.resolve(KIB);
  }

  protected override checkBackendSize(size: ByteSize): E.Either<StorageError, ByteSize> {
    return size % 1024 === 0 ? E.right(size) : E.left(unsupported(`ploop sizes are whole KiB; ${size} bytes is not`));
  }

  protected present(location: LocationOf<'ploop'>): Ran<boolean> {
    return this.files.exists(ploopImagePath(location.path))();
  }

  protected async state(disk: CheckedDisk<'ploop'>): Ran<DiskState> {
    const there = await this.present(disk.location);
    if (E.isLeft(there)) return there;
    if (!there.right) return E.right({ exists: false });
    const virtualSize = await this.virtualSize(disk.image);
    return E.isLeft(virtualSize) ? virtualSize : E.right({ exists: true, virtualSize: virtualSize.right });
  }

  protected async blank(disk: CheckedDisk<'ploop'>, size: ByteSize): Ran<void> {
    const dir = disk.location.path;
    const made = await this.files.mkdirp(dir)();
    if (E.isLeft(made)) return made;
    if (disk.format === 'ploop') return this.run(P.init(dir, size));
    const created = await this.run(Q.create(disk.image, size));
    return E.isLeft(created) ? created : this.run(P.restoreRawDescriptor(dir));
  }

  protected async fill(disk: CheckedDisk<'ploop'>, source: SizedImage, size: ByteSize): Ran<void> {
    const made = await this.files.mkdirp(disk.location.path)();
    if (E.isLeft(made)) return made;
    return disk.format === 'ploop' ? this.fillPloop(disk, source, size) : this.fillRaw(disk, source, size);
  }

  /** `ploop init` at the full size, then the data into the existing image as `parallels`. */
  private async fillPloop(disk: CheckedDisk<'ploop'>, source: SizedImage, size: ByteSize): Ran<void> {
    const made = await this.run(P.init(disk.location.path, size));
    return E.isLeft(made) ? made : this.run(Q.convert(source, disk.image, { existingTarget: true }));
  }

  /** A raw `root.hds` converted and grown first, so the descriptor is written for its final size. */
  private async fillRaw(disk: CheckedDisk<'ploop'>, source: SizedImage, size: ByteSize): Ran<void> {
    const converted = await this.run(Q.convert(source, disk.image));
    if (E.isLeft(converted)) return converted;
    if (source.virtualSize < size) {
      const grown = await this.run(Q.resize(disk.image, size));
      if (E.isLeft(grown)) return grown;
    }
    return this.run(P.restoreRawDescriptor(disk.location.path));
  }

  protected grow(disk: CheckedDisk<'ploop'>, size: ByteSize): Ran<void> {
    return this.run(P.resize(disk.location.path, size));
  }

  /** The disk is its directory: remove it whole. */
  protected drop(location: LocationOf<'ploop'>): Ran<void> {
    return this.files.remove(location.path)();
  }
}
