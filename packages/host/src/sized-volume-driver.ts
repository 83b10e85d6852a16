/**
 * A driver whose disks are volumes in a pool or a volume group (rbd, LVM):
 * presence and state both come from one size lookup with the backend's own
 * tool, where a "not found" failure means the volume is not there, and a
 * volume is removed only when that lookup finds it.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Argv, DiskState, ToolOutputInvalid } from '@disk-ledger/domain';
import { CheckedDiskDriver, type Ran } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import type { LocationOf } from './qemu-path.js';

/** A {@link CheckedDiskDriver} for volumes whose size the backend's own tool reports. */
export abstract class SizedVolumeDriver<B extends 'lvm' | 'rbd'> extends CheckedDiskDriver<B> {
  /** The argv that reports the volume's size. */
  protected abstract sizeArgv(location: LocationOf<B>): Argv;
  /** The size in that argv's output (`null`: the output does not list the volume). */
  protected abstract decodeSize(stdout: string, location: LocationOf<B>): E.Either<ToolOutputInvalid, number | null>;
  /** Whether that argv's failure says the volume does not exist. */
  protected abstract isMissing(exitCode: number, stderr: string): boolean;
  /** The argv that removes the volume. */
  protected abstract removeArgv(location: LocationOf<B>): Argv;

  /** The volume's size in bytes, or `null` when it does not exist. */
  protected async volumeSize(location: LocationOf<B>): Ran<number | null> {
    const r = await this.exec.run({ argv: this.sizeArgv(location) })();
    if (E.isRight(r)) return this.decodeSize(r.right.stdout, location);
    const e = r.left;
    return e._tag === 'CommandFailed' && this.isMissing(e.exitCode, e.stderr) ? E.right(null) : r;
  }

  protected async present(location: LocationOf<B>): Ran<boolean> {
    const size = await this.volumeSize(location);
    return E.isLeft(size) ? size : E.right(size.right !== null);
  }

  protected async state(disk: CheckedDisk<B>): Ran<DiskState> {
    const size = await this.volumeSize(disk.location);
    if (E.isLeft(size)) return size;
    return E.right(size.right === null ? { exists: false } : { exists: true, virtualSize: size.right });
  }

  protected async drop(location: LocationOf<B>): Ran<void> {
    const there = await this.present(location);
    if (E.isLeft(there)) return there;
    return there.right ? this.run(this.removeArgv(location)) : E.right(undefined);
  }
}
