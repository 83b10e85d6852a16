/**
 * Adapts the `DiskDriver` port to Ceph RBD images (raw only). Blank:
 * `rbd create`; from a raw local source: `rbd import`; from any other source:
 * `qemu-img convert -f <src> -O raw <src> rbd:<pool>/<image>`; then
 * `rbd resize` up to the stated size. Size and presence: `rbd info --format
 * json`; a missing image or pool (exit 2, `rbd: error opening image <name>:
 * (2) No such file or directory`) is `{ exists: false }`, any other failure
 * (a client that cannot read its ceph.conf also exits 2) an error. Errors: typed input errors before any command,
 * `CommandError` unchanged, `ToolOutputInvalid` for output the codec refuses.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Argv, ByteSize, CommandExecutor, HostFiles, ToolOutputInvalid } from '@disk-ledger/domain';
import type { Ran, SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import { SizedVolumeDriver } from './sized-volume-driver.js';
import * as Q from './qemu-img.js';
import { DEFAULT_RBD_CLIENT, type LocationOf, type RbdClient } from './qemu-path.js';
import * as R from './rbd-commands.js';

/** The `rbd` backend. */
export class RbdDriver extends SizedVolumeDriver<'rbd'> {
  constructor(exec: CommandExecutor, files: HostFiles, rbdClient: RbdClient = DEFAULT_RBD_CLIENT) {
    super('rbd', exec, files, rbdClient);
  }

  protected blank(disk: CheckedDisk<'rbd'>, size: ByteSize): Ran<void> {
    return this.run(R.create(disk.location, size, this.rbdClient));
  }

  protected async fill(disk: CheckedDisk<'rbd'>, source: SizedImage, size: ByteSize): Ran<void> {
    const write = source.format === 'raw' && source.local ? R.importRaw(source.qpath, disk.location, this.rbdClient) : Q.convert(source, disk.image);
    const written = await this.run(write);
    if (E.isLeft(written) || source.virtualSize >= size) return written;
    return this.run(R.resize(disk.location, size, this.rbdClient));
  }

  protected grow(disk: CheckedDisk<'rbd'>, size: ByteSize): Ran<void> {
    return this.run(R.resize(disk.location, size, this.rbdClient));
  }

  protected sizeArgv(i: LocationOf<'rbd'>): Argv {
    return R.info(i, this.rbdClient);
  }

  protected decodeSize(stdout: string, i: LocationOf<'rbd'>): E.Either<ToolOutputInvalid, number> {
    return R.decodeInfo(stdout, i);
  }

  protected isMissing(exitCode: number, stderr: string): boolean {
    return R.isMissingImage(exitCode, stderr);
  }

  protected removeArgv(i: LocationOf<'rbd'>): Argv {
    return R.remove(i, this.rbdClient);
  }
}
