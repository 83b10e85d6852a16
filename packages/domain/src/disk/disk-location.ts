import type { DiskFormat } from './vocabulary.js';
import type { HostPath, VolumeName } from '../names/safe-names.js';

/**
 * Where a disk lives, by backend. File backends name an absolute path under
 * the instance directory (a ploop disk's path is its directory); LVM a volume
 * group and logical volume; RBD a pool and image.
 */
export type DiskLocation =
  | { readonly backend: 'flat' | 'qcow2' | 'ploop'; readonly path: HostPath }
  | { readonly backend: 'lvm'; readonly vg: VolumeName; readonly lv: VolumeName }
  | { readonly backend: 'rbd'; readonly pool: VolumeName; readonly image: VolumeName };

/**
 * A disk as something qemu-img can open: its location and, always, its
 * format. There is no way to build one without a format, which is the point.
 */
export interface DiskImage {
  readonly location: DiskLocation;
  readonly format: DiskFormat;
}

/** Format of a verified image in the base-image cache. */
export type BaseFormat = 'raw' | 'qcow2';

/** A verified image in the base-image cache (or a template), with the format it is stored in. */
export interface BaseImage {
  readonly path: HostPath;
  readonly format: BaseFormat;
  /**
   * Its virtual size in bytes, when the caller knows it: a cache entry or a
   * template never changes once it is in place, so its size is read once,
   * not before every disk made from it. Absent, the driver reads it (with
   * the named format) before creating anything.
   */
  readonly virtualSize?: number;
}

/** Human form of a location, as recorded in `location` (`path`, `vg/lv`, `pool/image`). */
export const showLocation = (loc: DiskLocation): string => {
  switch (loc.backend) {
    case 'lvm':
      return `${loc.vg}/${loc.lv}`;
    case 'rbd':
      return `${loc.pool}/${loc.image}`;
    default:
      return loc.path;
  }
};
