import type { Backend, DiskFormat, DiskLocation, DiskName, ImageId, InstanceId } from '@disk-ledger/domain';
import type { Flavor } from '@disk-ledger/core';

/** A disk as the classic driver knows it: no record, only what it decided and wrote to `disk.info`. */
export interface LegacyDisk {
  readonly backend: Backend;
  /** The format the classic driver believes the disk has (from disk.info or a probe). */
  readonly format: DiskFormat;
  /** Record form: a file name in the instance directory, `vg/lv` or `pool/image`. */
  readonly location: string;
  readonly size: number;
}

/** The simulator's own knowledge of an instance, beside what the repository holds. */
export interface SimInstance {
  readonly id: InstanceId;
  host: string;
  flavorName: string;
  flavor: Flavor;
  image: ImageId | null;
  configDrive: boolean;
  /** Made by the classic driver and not yet touched by the metadata driver. */
  legacy: boolean;
  shelved: boolean;
  /** Whether a rescue succeeded and no unrescue has since (either driver). */
  rescued: boolean;
  /** The image its root disk was shelved to (nova's `shelved_image_id`); `null` when it is not shelved, or had no local root. */
  shelvedImage: ImageId | null;
  /** The classic driver's disks (legacy mode, and legacy instances until first touch). */
  readonly legacyDisks: Map<DiskName, LegacyDisk>;
  /** Where a resize that waits for confirm or revert came from, and the flavor it had there. */
  resizedFrom: ResizedFrom | null;
  /**
   * A boot refused, or cut by a crash, before it registered anything: nova's API has
   * the instance (in ERROR), the host has nothing of it. A hard reboot builds
   * it, as nova's hard reboot makes what is missing; a delete forgets it.
   */
  unbuilt?: boolean;
}

/** The source side of a resize waiting for confirm or revert, as the simulator tracks it. */
export interface ResizedFrom {
  /** Which driver made the resize: until it is confirmed or reverted, that driver owns the instance. */
  readonly by: 'legacy' | 'metadata';
  readonly host: string;
  readonly flavor: Flavor;
  readonly flavorName: string;
  /** The classic driver's disks on the source, kept until confirm (legacy mode). */
  readonly legacyDisks: ReadonlyMap<DiskName, LegacyDisk>;
  /** What the classic driver left on the source, removed at confirm (legacy mode). */
  readonly leftBehind: readonly DiskLocation[];
}
