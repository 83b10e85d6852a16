/**
 * Adapts the `DiskDriver` port to LVM logical volumes (raw only). Blank:
 * `lvcreate`; from a base or a copy: `lvcreate` at the full size, then
 * `qemu-img convert -n -f <src> -O raw <src> /dev/<vg>/<lv>`; grow:
 * `lvextend`; size and presence: `lvs --reportformat json`. A missing LV
 * (`lvs` exit 5, "Failed to find logical volume") is `{ exists: false }`,
 * not an error. Errors: typed input errors before any command,
 * `CommandError` unchanged, `ToolOutputInvalid` for output the codec refuses.
 * With `metadataOnly`, every LVM argv carries `--config 'global { activation = 0 }'`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ByteSize, CommandExecutor, DiskState, HostFiles, StorageError } from '@disk-ledger/domain';
import { CheckedDiskDriver, type SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import * as L from './lvm-commands.js';
import * as Q from './qemu-img.js';
import type { LocationOf } from './qemu-path.js';

/** Options of the LVM driver. */
export interface LvmDriverOptions {
  /** Change LVM metadata only (`activation = 0`): for hosts without device-mapper. */
  readonly metadataOnly: boolean;
}

/** The `lvm` backend. */
export class LvmDriver extends CheckedDiskDriver<'lvm'> {
  constructor(
    exec: CommandExecutor,
    files: HostFiles,
    private readonly options: LvmDriverOptions = { metadataOnly: false },
  ) {
    super('lvm', exec, files);
  }

  protected present(location: LocationOf<'lvm'>): TE.TaskEither<StorageError, boolean> {
    return pipe(this.lvSize(location), TE.map((size) => size !== null));
  }

  protected state(disk: CheckedDisk<'lvm'>): TE.TaskEither<StorageError, DiskState> {
    return pipe(
      this.lvSize(disk.location),
      TE.map((size): DiskState => (size === null ? { exists: false } : { exists: true, virtualSize: size })),
    );
  }

  protected blank(disk: CheckedDisk<'lvm'>, size: ByteSize): TE.TaskEither<StorageError, void> {
    return this.run(L.lvcreate(this.options.metadataOnly, disk.location, size));
  }

  protected fill(disk: CheckedDisk<'lvm'>, source: SizedImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      this.run(L.lvcreate(this.options.metadataOnly, disk.location, size)),
      TE.chain(() => this.run(Q.convert(source, disk.image, { existingTarget: true }))),
    );
  }

  protected grow(disk: CheckedDisk<'lvm'>, size: ByteSize): TE.TaskEither<StorageError, void> {
    return this.run(L.lvextend(this.options.metadataOnly, disk.location, size));
  }

  protected drop(location: LocationOf<'lvm'>): TE.TaskEither<StorageError, void> {
    return pipe(
      this.present(location),
      TE.chain((there) => (there ? this.run(L.lvremove(this.options.metadataOnly, location)) : TE.right(undefined))),
    );
  }

  private lvSize(v: L.LogicalVolume): TE.TaskEither<StorageError, number | null> {
    return pipe(
      this.exec.run({ argv: L.lvs(this.options.metadataOnly, v) }),
      TE.map((r): string | null => r.stdout),
      TE.orElse((e): TE.TaskEither<StorageError, string | null> =>
        e._tag === 'CommandFailed' && L.isMissingVolume(e.exitCode, e.stderr) ? TE.right(null) : TE.left(e),
      ),
      TE.chainEitherKW((out) => (out === null ? E.right(null) : L.decodeLvs(out, v))),
    );
  }
}
