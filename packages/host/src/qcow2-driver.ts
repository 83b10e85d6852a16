/**
 * Adapts the `DiskDriver` port to qcow2 overlays on the base-image cache: a
 * disk made from a base is `qemu-img create -f qcow2 -b <base> -F <basefmt>`,
 * so the backing format is always named; a copy of another disk is a
 * standalone qcow2 (`qemu-img convert -f <src> -O qcow2`). Errors as for the
 * flat driver: typed input errors before any command, `CommandError`,
 * `FileSystemError`, `DiskExists`, `DiskNotFound`.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ByteSize, CommandExecutor, HostFiles } from '@disk-ledger/domain';
import type { Ran, SizedImage } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import { FileDiskDriver, type FileDriverOptions } from './file-disk-driver.js';
import * as Q from './qemu-img.js';
import { DEFAULT_RBD_CLIENT, parentDir, type RbdClient } from './qemu-path.js';

/** The `qcow2` backend (format qcow2, overlays on cached bases). */
export class Qcow2Driver extends FileDiskDriver<'qcow2'> {
  constructor(exec: CommandExecutor, files: HostFiles, options: FileDriverOptions = {}, rbdClient: RbdClient = DEFAULT_RBD_CLIENT) {
    super('qcow2', exec, files, options, rbdClient);
  }

  /** An overlay of `size` bytes on the base, naming the base's format with `-F`. */
  protected override async fromBase(disk: CheckedDisk<'qcow2'>, base: SizedImage, size: ByteSize): Ran<void> {
    const dir = await this.files.mkdirp(parentDir(disk.location.path))();
    if (E.isLeft(dir)) return dir;
    return this.run(Q.createOverlay({ qpath: disk.image.qpath, format: 'qcow2' }, base, size));
  }
}
