/**
 * A driver whose disks are volumes in a pool or a volume group (rbd, LVM):
 * presence and state both come from one size lookup, where `null` means the
 * volume is not there.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { DiskState } from '@disk-ledger/domain';
import { CheckedDiskDriver, type Ran } from './checked-disk-driver.js';
import type { CheckedDisk } from './driver-input.js';
import type { LocationOf } from './qemu-path.js';

/** A {@link CheckedDiskDriver} for volumes whose size the backend's own tool reports. */
export abstract class SizedVolumeDriver<B extends 'lvm' | 'rbd'> extends CheckedDiskDriver<B> {
  /** The volume's size in bytes, or `null` when it does not exist. */
  protected abstract volumeSize(location: LocationOf<B>): Ran<number | null>;

  protected async present(location: LocationOf<B>): Ran<boolean> {
    const size = await this.volumeSize(location);
    return E.isLeft(size) ? size : E.right(size.right !== null);
  }

  protected async state(disk: CheckedDisk<B>): Ran<DiskState> {
    const size = await this.volumeSize(disk.location);
    if (E.isLeft(size)) return size;
    return E.right(size.right === null ? { exists: false } : { exists: true, virtualSize: size.right });
  }
}
