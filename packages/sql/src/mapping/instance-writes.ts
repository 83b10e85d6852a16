/**
 * The instance-level part of a save plan, in the shape the set-based
 * dialects send it: the records to set and the keys to remove.
 */
import type { SavePlan } from './save-plan.js';

/** Records to set (disk → text) and disks whose record is removed. */
export interface InstanceLevelWrites {
  readonly set: ReadonlyMap<string, string>;
  readonly removed: readonly string[];
}

/** Split a plan's instance-level writes. */
export const instanceLevelWrites = (plan: SavePlan): InstanceLevelWrites => {
  const set = new Map<string, string>();
  const removed: string[] = [];
  for (const w of plan.writes) {
    if (w.kind !== 'instance') continue;
    if (w.driverInfo === null) removed.push(w.disk);
    else set.set(w.disk, w.driverInfo);
  }
  return { set, removed };
};

/** The JSON path of a disk's key (disk names are a closed vocabulary of plain words, checked before this). */
export const jsonPath = (disk: string): string => `$."${disk}"`;
