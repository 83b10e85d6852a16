/**
 * Adapts the `DiskDriver` port to LVM logical volumes (raw only). Blank:
 * `lvcreate`; from a base or a copy: `lvcreate` at the full size, then
 * `qemu-img convert -n -f <src> -O raw <src> /dev/<vg>/<lv>`; grow:
 * `lvextend`; size and presence: `lvs --reportformat json`; allocation unit:
 * the group's extent, from `vgs --reportformat json` (once per group). A missing LV
 * (`lvs` exit 5, "Failed to find logical volume") is `{ exists: false }`,
 * not an error. Errors: typed input errors before any command,
 * `CommandError` unchanged, `ToolOutputInvalid` for output the codec refuses.
 * With `metadataOnly`, every LVM argv carries `--config 'global { activation = 0 }'`.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Argv, ByteSize, CommandExecutor, HostFiles, ToolOutputInvalid } from '@disk-ledger/domain';
import type { Ran, SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import { SizedVolumeDriver } from './sized-volume-driver.js';
import * as L from './lvm-commands.js';
import * as Q from './qemu-img.js';
import { DEFAULT_RBD_CLIENT, type LocationOf, type RbdClient } from './qemu-path.js';

/** Options of the LVM driver. */
export interface LvmDriverOptions {
  /** Change LVM metadata only (`activation = 0`): for hosts without device-mapper. */
  readonly metadataOnly: boolean;
}

/** The `lvm` backend. */
export class LvmDriver extends SizedVolumeDriver<'lvm'> {
  /** Extent sizes by volume group, read once per group (only `vgchange -s` changes one, and only while it has no volumes in the way). */
  private readonly extents = new Map<string, number>();

  constructor(
    exec: CommandExecutor,
    files: HostFiles,
    private readonly options: LvmDriverOptions = { metadataOnly: false },
    rbdClient: RbdClient = DEFAULT_RBD_CLIENT,
  ) {
    super('lvm', exec, files, rbdClient);
  }

  /** A logical volume is whole physical extents of its group, whose size is read with `vgs`. */
  protected override async unit(location: LocationOf<'lvm'>): Ran<number> {
    const known = this.extents.get(location.vg);
    if (known !== undefined) return E.right(known);
    const r = await this.exec.run({ argv: L.vgs(this.options.metadataOnly, location.vg) })();
    if (E.isLeft(r)) return r;
    const extent = L.decodeVgs(r.right.stdout, location.vg);
    if (E.isRight(extent)) this.extents.set(location.vg, extent.right);
    return extent;
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

  protected sizeArgv(v: LocationOf<'lvm'>): Argv {
    return L.lvs(this.options.metadataOnly, v);
  }

  protected decodeSize(stdout: string, v: LocationOf<'lvm'>): E.Either<ToolOutputInvalid, number | null> {
    return L.decodeLvs(stdout, v);
  }

  protected isMissing(exitCode: number, stderr: string): boolean {
    return L.isMissingVolume(exitCode, stderr);
  }

  protected removeArgv(v: LocationOf<'lvm'>): Argv {
    return L.lvremove(this.options.metadataOnly, v);
  }
}
