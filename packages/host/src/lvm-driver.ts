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
import type { ByteSize, CommandExecutor, HostFiles } from '@disk-ledger/domain';
import type { Ran, SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import { SizedVolumeDriver } from './sized-volume-driver.js';
import * as L from './lvm-commands.js';
import * as Q from './qemu-img.js';
import type { LocationOf } from './qemu-path.js';

/** Options of the LVM driver. */
export interface LvmDriverOptions {
  /** Change LVM metadata only (`activation = 0`): for hosts without device-mapper. */
  readonly metadataOnly: boolean;
}

/** The `lvm` backend. */
export class LvmDriver extends SizedVolumeDriver<'lvm'> {
  constructor(
    exec: CommandExecutor,
    files: HostFiles,
    private readonly options: LvmDriverOptions = { metadataOnly: false },
  ) {
    super('lvm', exec, files);
  }

  protected blank(disk: CheckedDisk<'lvm'>, size: ByteSize): Ran<void> {
    return this.run(L.lvcreate(this.options.metadataOnly, disk.location, size));
  }

  protected async fill(disk: CheckedDisk<'lvm'>, source: SizedImage, size: ByteSize): Ran<void> {
    const created = await this.run(L.lvcreate(this.options.metadataOnly, disk.location, size));
    if (E.isLeft(created)) return created;
    return this.run(Q.convert(source, disk.image, { existingTarget: true }));
  }

  protected grow(disk: CheckedDisk<'lvm'>, size: ByteSize): Ran<void> {
    return this.run(L.lvextend(this.options.metadataOnly, disk.location, size));
  }

  protected async drop(location: LocationOf<'lvm'>): Ran<void> {
    const there = await this.present(location);
    if (E.isLeft(there)) return there;
    return there.right ? this.run(L.lvremove(this.options.metadataOnly, location)) : E.right(undefined);
  }

  protected async volumeSize(v: L.LogicalVolume): Ran<number | null> {
    const r = await this.exec.run({ argv: L.lvs(this.options.metadataOnly, v) })();
    if (E.isRight(r)) return L.decodeLvs(r.right.stdout, v);
    const e = r.left;
    return e._tag === 'CommandFailed' && L.isMissingVolume(e.exitCode, e.stderr) ? E.right(null) : r;
  }
}
