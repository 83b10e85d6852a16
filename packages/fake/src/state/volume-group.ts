/**
 * One LVM volume group of a host: logical volumes by name, each a raw
 * `Volume` whose length is the LV size. Sizes are whole extents, as LVM
 * rounds them; the free space is tracked so `lvcreate` can run out of it.
 */
import type { Volume } from '../content/volume.js';

/** LVM's default physical extent size. */
export const DEFAULT_EXTENT_SIZE = 4 * 1024 * 1024;
/** Default capacity of a volume group in the fake: large enough never to matter unless a test says so. */
export const DEFAULT_VG_CAPACITY = 2 ** 50;

/** A volume group. */
export class FakeVolumeGroup {
  private readonly volumes = new Map<string, Volume>();
  private allocatedBytes = 0;

  constructor(
    readonly name: string,
    readonly extentSize: number = DEFAULT_EXTENT_SIZE,
    readonly capacity: number = DEFAULT_VG_CAPACITY,
  ) {}

  /** `bytes` rounded up to whole extents. */
  roundUp(bytes: number): number {
    return Math.ceil(bytes / this.extentSize) * this.extentSize;
  }

  get free(): number {
    return this.capacity - this.allocatedBytes;
  }

  get(lv: string): Volume | undefined {
    return this.volumes.get(lv);
  }

  /** Create or replace an LV's volume. */
  set(lv: string, volume: Volume): void {
    this.allocatedBytes += volume.length - (this.volumes.get(lv)?.length ?? 0);
    this.volumes.set(lv, volume);
  }

  remove(lv: string): boolean {
    const v = this.volumes.get(lv);
    if (v === undefined) return false;
    this.allocatedBytes -= v.length;
    return this.volumes.delete(lv);
  }

  /** Every LV, by name. */
  entries(): IterableIterator<[string, Volume]> {
    return this.volumes.entries();
  }
}
