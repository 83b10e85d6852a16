import { byteSize, type DiskMetadata, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { sourceOf } from '../services/disk-source.js';
import { stagedPath } from '../services/staging.js';
import type { HostServices } from './host-registry.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import type { MovePlan } from './move-plan.js';

/** Whether two records put a disk in the same place in the same way: only its size may differ. */
export const sameLayout = (a: DiskMetadata, b: DiskMetadata): boolean => a.backend === b.backend && a.format === b.format && a.location === b.location;

/** Whether two records describe the same disk: its layout, size and the image it is made from (their states aside). */
export const sameDisk = (a: DiskMetadata, b: DiskMetadata): boolean => sameLayout(a, b) && a.size === b.size && a.imageId === b.imageId;

/**
 * Whether the disk gets a new record before it is placed: it changes layout
 * on the way (a conversion, another volume group or pool), is new, or is
 * made anew (swap; every disk of an evacuation). A disk made anew is
 * recorded `creating` first, so that one a crash leaves half made is made
 * again, never taken for whole.
 */
export const isRelocated = (m: MovePlan): boolean =>
  m.action === 'add' || m.action === 'rebuild' || m.action === 'recreate' || (m.action === 'copy' && !sameLayout(m.from, m.to));

/**
 * The record a moving disk is placed under on the destination: its new
 * record when its layout changes, else the source's own record, which
 * already describes the copy and stays durable throughout (a grown size is
 * applied once the instance has moved).
 */
export const placedRecord = (m: MovePlan): DiskMetadata => (isRelocated(m) ? m.to : m.from);

/**
 * Ship a disk's staged copy (exported raw on the source, its recorded
 * format named) to the destination as a plain file: nothing is opened as an
 * image on the way. The source keeps its staged copy until the instance has
 * moved.
 */
const ship = async (deps: LifecycleDeps, src: HostServices, dst: HostServices, instance: InstanceId, m: MovePlan): Step<void> => {
  const cleared = await run(dst.realizer.unstage(instance, m.disk));
  if (E.isLeft(cleared)) return cleared;
  return run(deps.transfer.copyFile(src.ctx.name, stagedPath(src.ctx.instancesPath, instance, m.disk), dst.ctx.name, stagedPath(dst.ctx.instancesPath, instance, m.disk)));
};

/**
 * Put one moving disk on the destination before the instance moves. A disk
 * that keeps its layout is staged, shipped and made under the source's
 * record (durable, and unchanged), and its staged copies are dropped. A
 * relocated disk, staged on the source before its new record was saved
 * (`creating`), is shipped and made under that record, and its staged
 * copies are kept: a crash before the instance has moved leaves a
 * `creating` record that either host completes from its staged copy.
 */
export const placeOnDestination = async (deps: LifecycleDeps, src: HostServices, dst: HostServices, instance: InstanceId, m: MovePlan): Step<void> => {
  const to = placedRecord(m);
  if (m.action === 'recreate' || m.action === 'add' || m.action === 'rebuild') {
    const source = sourceOf(m.disk, to);
    if (E.isLeft(source)) return source;
    const fresh = await run(dst.realizer.prepare(instance, m.disk, source.right, to.size));
    if (E.isLeft(fresh)) return fresh;
    // The instance is not on the destination yet, so whatever is at the disk's place there is not its disk
    // (what an earlier move cut short left behind): it goes, so that the disk is made anew, never adopted.
    // Realizing a `creating` record (a relocated disk) removes it already; the source's `ready` one would keep it.
    const cleared = to.state === 'creating' ? E.right(undefined) : await run(dst.realizer.remove(instance, m.disk, to));
    if (E.isLeft(cleared)) return cleared;
    return E.map(() => undefined)(await run(dst.realizer.realize(instance, m.disk, to, source.right)));
  }
  const relocated = isRelocated(m);
  // A relocated disk was staged on the source before its new record was saved.
  const exported = relocated ? E.right(undefined) : await run(src.realizer.stage(instance, m.disk, m.from));
  if (E.isLeft(exported)) return exported;
  const shipped = await ship(deps, src, dst, instance, m);
  if (E.isLeft(shipped)) return shipped;
  const made = await run(dst.realizer.fromStaged(instance, m.disk, to, relocated));
  if (E.isLeft(made) || relocated) return made;
  return run(src.realizer.unstage(instance, m.disk));
};

/**
 * Grow a placed disk to its planned size: the record with the new size is
 * stored first, then the disk is grown with its recorded format. The record
 * stays `ready` (the disk exists), so a crash in between leaves a size
 * mismatch that is reported, never a disk that is wiped and made again.
 */
export const growOnDestination = async (deps: LifecycleDeps, dst: HostServices, instance: InstanceId, m: MovePlan): Step<void> => {
  const placed: DiskMetadata = { ...placedRecord(m), state: 'ready' };
  if (m.to.size <= placed.size) return E.right(undefined);
  const grown: DiskMetadata = { ...placed, size: m.to.size };
  const size = byteSize(grown.size);
  if (E.isLeft(size)) return size;
  const saved = await run(deps.metadata.saveAll(instance, [{ disk: m.disk, meta: grown }]));
  if (E.isLeft(saved)) return saved;
  const resized = await run(dst.realizer.grow(instance, m.disk, grown, size.right));
  if (E.isLeft(resized)) {
    await run(deps.metadata.saveAll(instance, [{ disk: m.disk, meta: placed }]));
    return resized;
  }
  return E.right(undefined);
};
