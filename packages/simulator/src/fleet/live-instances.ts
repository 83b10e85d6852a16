/**
 * The generator's own view of the instances alive in a fleet run: what it
 * needs to pick an operation the instance's state allows (has a root disk,
 * is rescued, shelved, crashed part-way), beside the world's bookkeeping.
 * A dense array with swap-removal, so a uniform pick is O(1) whatever the
 * fleet size.
 */
import type { Prng } from './prng.js';

// ---- types

/** One live instance as the generator knows it. */
export interface LiveInstance {
  readonly name: string;
  /** Booted from an image (a local root disk), not from a volume. */
  readonly hasRoot: boolean;
  readonly configDrive: boolean;
  rescued: boolean;
  shelved: boolean;
  /** Shelved before: a second shelve would upload over its shelved image, which the image service refuses. */
  shelvedOnce: boolean;
  /** Its host died part-way through an operation on it; a hard reboot completes what was recorded. */
  crashed: boolean;
  /** Position in the dense array. */
  slot: number;
}

// ---- the set

/** Live instances, by name and in a dense array. */
export class LiveInstances {
  private readonly items: LiveInstance[] = [];
  private readonly byName = new Map<string, LiveInstance>();

  get size(): number {
    return this.items.length;
  }

  get(name: string): LiveInstance | undefined {
    return this.byName.get(name);
  }

  /** Add a freshly booted instance. */
  add(name: string, hasRoot: boolean, configDrive: boolean): LiveInstance {
    const inst: LiveInstance = { name, hasRoot, configDrive, rescued: false, shelved: false, shelvedOnce: false, crashed: false, slot: this.items.length };
    this.items.push(inst);
    this.byName.set(name, inst);
    return inst;
  }

  /** Remove an instance (deleted, or found not to exist). */
  remove(inst: LiveInstance): void {
    if (this.byName.get(inst.name) !== inst) return;
    const last = this.items.pop();
    if (last !== undefined && last !== inst) {
      this.items[inst.slot] = last;
      last.slot = inst.slot;
    }
    this.byName.delete(inst.name);
  }

  /** A uniformly drawn live instance; the set must not be empty. */
  pick(prng: Prng): LiveInstance {
    return prng.pick(this.items);
  }

  /** Every live instance, in slot order. */
  values(): readonly LiveInstance[] {
    return this.items;
  }
}
