/**
 * Evacuation and rebuild, classic style. Evacuation rebuilds the instance
 * on another host while its own is down: every disk is planned there with
 * that host's options today and made unless it is already there (an image
 * in a shared RBD pool); when the dead host comes back it destroys the
 * disks it still holds of the instance, as nova's compute does at start-up. Rebuild destroys the root
 * disk and its `disk.info` entry (nova removed the instance's files) and
 * makes a new root from the new image with the host's options today; the
 * instance's `image_ref` names the new image from then on.
 */
import { hostBackend, imageId, planDisk } from '@disk-ledger/domain';
import { isInjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { infoKeyOf, instanceDirOf, locate, removeDisk } from '../disk-address.js';
import { readDiskInfo, writeDiskInfo } from '../disk-info-file.js';
import { imageFacts, planDisks } from '../disk-plans.js';
import { makeDisk, openAll, placedDisks, startGuest } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type Result } from '../legacy-host.js';
import { spawnDisks } from './spawn.js';

/** Rebuild the instance on `to`. */
export const evacuate = async (ctx: LegacyContext, inst: SimInstance, to: string): Result<void> => {
  if (to === inst.host) return failure('INVALID_HOST', `instance ${inst.id} cannot be evacuated to its own host ${to}`);
  const host = ctx.host(to);
  const plans = await planDisks(host, inst.id, inst);
  if (E.isLeft(plans)) return plans;
  const source = ctx.host(inst.host);
  const left = [...inst.legacyDisks.values()];
  const moved = await ctx.world.repository.setHost(inst.id, to)();
  if (E.isLeft(moved)) return moved;
  inst.host = to;
  inst.legacyDisks.clear();
  // The dead host comes back and destroys what it still holds of the evacuated instance, sparing shared storage: its
  // disks, then its directory with disk.info (nova's _destroy_evacuated_instances deletes the instance files). An
  // image the destination uses now, or one in the pool its rbd backend uses (a cut-short evacuation makes it there next), is spared.
  const sharedPool = hostBackend(host.options) === 'rbd' ? host.options.imagesRbdPool : null;
  const cleanSource = async (): Promise<void> => {
    const inUse = new Set([...inst.legacyDisks.values()].filter((d) => d.backend === 'rbd').map((d) => d.location));
    for (const d of left) {
      if (d.backend === 'rbd' && (inUse.has(d.location) || (sharedPool !== null && d.location.startsWith(`${sharedPool}/`)))) continue;
      const loc = locate(source, inst.id, d.backend, d.location);
      if (E.isRight(loc)) await removeDisk(source, loc.right);
    }
    await source.remove(instanceDirOf(source, inst.id));
  };
  let made: Awaited<ReturnType<typeof spawnDisks>>;
  try {
    made = await spawnDisks(ctx, host, inst, plans.right);
  } catch (e) {
    // The destination died part-way, with the instance on it already: the source still destroys what it holds when it
    // is back, as nova's does for an evacuation not finished (its migration is still accepted).
    if (isInjectedCrash(e)) ctx.pendingCleanups.push(cleanSource);
    throw e;
  }
  if (E.isLeft(made)) return made;
  // The source's clean-up is its own start, not part of the evacuation: one a crash cuts short (the source dying again,
  // or a crash of the source aimed at this step) is finished at the host's next start, as nova's is, and the evacuation stands.
  try {
    await ctx.cleanUp(cleanSource);
  } catch (e) {
    if (!isInjectedCrash(e)) throw e;
  }
  return made;
};

/** Rebuild the instance's root disk from `image`. */
export const rebuild = async (ctx: LegacyContext, inst: SimInstance, image: string): Result<void> => {
  const id = imageId(image, 'image');
  if (E.isLeft(id)) return id;
  const host = ctx.host(inst.host);
  const meta = await host.images.show(id.right)();
  if (E.isLeft(meta)) return meta;
  const info = await readDiskInfo(host, inst.id);
  if (E.isLeft(info)) return info;
  // Nova's API records the new image before the compute rebuilds, so a rebuild cut short still names it. An instance
  // booted from a volume keeps none: the volume service re-images its root, and its local disks stay.
  const fromVolume = inst.image === null;
  const recorded = fromVolume ? E.right(undefined) : await ctx.world.repository.setImageRef(inst.id, id.right)();
  if (E.isLeft(recorded)) return recorded;
  const root = inst.legacyDisks.get('root');
  if (root !== undefined) {
    const plan = planDisk(host.options, inst.id, { disk: 'root', image: imageFacts(meta.right), flavorSize: inst.flavor.root });
    if (E.isLeft(plan)) return plan;
    const location = locate(host, inst.id, root.backend, root.location);
    if (E.isLeft(location)) return location;
    const removed = await removeDisk(host, location.right);
    if (E.isLeft(removed)) return removed;
    inst.legacyDisks.delete('root');
    const key = infoKeyOf(location.right);
    if (key !== null && info.right.delete(key)) {
      const written = await writeDiskInfo(host, inst.id, info.right);
      if (E.isLeft(written)) return written;
    }
    const made = await makeDisk(ctx, host, inst, info.right, plan.right);
    if (E.isLeft(made)) return made;
  }
  if (!fromVolume) inst.image = id.right;
  const disks = placedDisks(host, inst);
  if (E.isLeft(disks)) return disks;
  const opened = await openAll(host, inst, info.right, disks.right);
  return E.isLeft(opened) ? opened : startGuest(ctx, inst.host, opened.right);
};
