/**
 * Adapts the `DiskDriver` port to Ceph RBD images (raw only). Blank:
 * `rbd create`; from a raw local source: `rbd import`; from any other source:
 * `qemu-img convert -f <src> -O raw <src> rbd:<pool>/<image>`; then
 * `rbd resize` up to the stated size. Size and presence: `rbd info --format
 * json`; a missing image (exit 2, "No such file or directory") is
 * `{ exists: false }`. Errors: typed input errors before any command,
 * `CommandError` unchanged, `ToolOutputInvalid` for output the codec refuses.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ByteSize, CommandExecutor, DiskState, HostFiles, StorageError } from '@disk-ledger/domain';
import { CheckedDiskDriver, type SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import * as Q from './qemu-img.js';
import type { LocationOf } from './qemu-path.js';
import * as R from './rbd-commands.js';

/** The `rbd` backend. */
export class RbdDriver extends CheckedDiskDriver<'rbd'> {
  constructor(exec: CommandExecutor, files: HostFiles) {
    super('rbd', exec, files);
  }

  protected present(location: LocationOf<'rbd'>): TE.TaskEither<StorageError, boolean> {
    return pipe(this.imageSize(location), TE.map((size) => size !== null));
  }

  protected state(disk: CheckedDisk<'rbd'>): TE.TaskEither<StorageError, DiskState> {
    return pipe(
      this.imageSize(disk.location),
      TE.map((size): DiskState => (size === null ? { exists: false } : { exists: true, virtualSize: size })),
    );
  }

  protected blank(disk: CheckedDisk<'rbd'>, size: ByteSize): TE.TaskEither<StorageError, void> {
    return this.run(R.create(disk.location, size));
  }

  protected fill(disk: CheckedDisk<'rbd'>, source: SizedImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    const write = source.format === 'raw' && source.local ? R.importRaw(source.qpath, disk.location) : Q.convert(source, disk.image);
    return pipe(
      this.run(write),
      TE.chain(() => (source.virtualSize < size ? this.run(R.resize(disk.location, size)) : TE.right(undefined))),
    );
  }

  protected grow(disk: CheckedDisk<'rbd'>, size: ByteSize): TE.TaskEither<StorageError, void> {
    return this.run(R.resize(disk.location, size));
  }

  protected drop(location: LocationOf<'rbd'>): TE.TaskEither<StorageError, void> {
    return pipe(
      this.present(location),
      TE.chain((there) => (there ? this.run(R.remove(location)) : TE.right(undefined))),
    );
  }

  private imageSize(i: R.RbdImage): TE.TaskEither<StorageError, number | null> {
    return pipe(
      this.exec.run({ argv: R.info(i) }),
      TE.map((r): string | null => r.stdout),
      TE.orElse((e): TE.TaskEither<StorageError, string | null> =>
        e._tag === 'CommandFailed' && R.isMissingImage(e.exitCode, e.stderr) ? TE.right(null) : TE.left(e),
      ),
      TE.chainEitherKW((out) => (out === null ? E.right(null) : R.decodeInfo(out, i))),
    );
  }
}
