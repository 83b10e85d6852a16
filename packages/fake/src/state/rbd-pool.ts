/**
 * One Ceph pool: RBD images by name, each a raw `Volume` and an id. Pools
 * belong to the cluster, not to a host: every host that names a pool sees
 * the same images.
 */
import type { Volume } from '../content/volume.js';

/** One RBD image of a pool. */
export interface RbdImageEntry {
  /** The image id `rbd info` prints (hex, from a counter). */
  readonly id: string;
  readonly volume: Volume;
}

/** A pool. */
export class FakeRbdPool {
  readonly images = new Map<string, RbdImageEntry>();

  constructor(readonly name: string) {}
}
