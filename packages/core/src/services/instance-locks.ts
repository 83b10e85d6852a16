import { injectable } from 'inversify';

/**
 * One operation at a time per instance, as nova's compute manager takes a
 * lock per instance uuid: two operations on one instance that interleave
 * (two creations of one disk, a resize racing a delete) would each read the
 * records the other is about to change, and leave a disk without a record
 * or a record without its disk. Operations on other instances run
 * alongside. The lock is not re-entrant: an operation that holds it calls
 * the unlocked forms of other services (the image backend's `…Held`
 * methods). It holds within one process; callers that act on one instance
 * from several processes serialise them as nova's compute does.
 */
@injectable()
export class InstanceLocks {
  /** The last operation queued per instance; an entry goes when its queue empties. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `task` once every earlier operation on `instance` has settled; its result, whatever theirs. */
  run<A>(instance: string, task: () => Promise<A>): Promise<A> {
    const before = this.tails.get(instance);
    const result = before === undefined ? task() : before.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(instance, tail);
    void tail.then(() => {
      if (this.tails.get(instance) === tail) this.tails.delete(instance);
    });
    return result;
  }
}
