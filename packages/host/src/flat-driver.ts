/**
 * Adapts the `DiskDriver` port to flat files: a raw or qcow2 file per disk,
 * created with `qemu-img create`, copied from a base or another disk with
 * `qemu-img convert -f <src> -O <fmt>` (a full copy, no backing file) and
 * grown with `qemu-img resize -f <fmt>`. Errors: bad input → `InvalidName`,
 * `InvalidSize` or `UnsupportedOperation` with no command run; commands →
 * `CommandError`; files → `FileSystemError`; an occupied target →
 * `DiskExists`; a missing disk or source → `DiskNotFound`.
 */
import type { CommandExecutor, HostFiles } from '@disk-ledger/domain';
import { FileDiskDriver, type FileDriverOptions } from './file-disk-driver.js';
import { DEFAULT_RBD_CLIENT, type RbdClient } from './qemu-path.js';

/** The `flat` backend (formats raw and qcow2). */
export class FlatDriver extends FileDiskDriver<'flat'> {
  constructor(exec: CommandExecutor, files: HostFiles, options: FileDriverOptions = {}, rbdClient: RbdClient = DEFAULT_RBD_CLIENT) {
    super('flat', exec, files, options, rbdClient);
  }
}
