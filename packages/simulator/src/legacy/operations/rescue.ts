/**
 * Rescue as it was before CVE-2014-0134 was fixed: a rescue disk is made
 * from the rescue image with today's options, and the VM boots from it with
 * the original root attached as a second disk — whose format is detected
 * from its bytes, so a raw root in which the guest planted a qcow2 header
 * with a backing file shows that host file to the rescue system.
 * Unrescue removes the rescue disk and starts the VM on its own disks.
 */
import { imageId, planDisk } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { locate, removeDisk } from '../disk-address.js';
import { readDiskInfo } from '../disk-info-file.js';
import { imageFacts } from '../disk-plans.js';
import { detectFormat } from '../format-resolution.js';
import { makeDisk, openAll, placedDisks, startGuest, type OpenedDisk } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type Result } from '../legacy-host.js';

/** Rescue the instance from `image`. */
export const rescue = async (ctx: LegacyContext, inst: SimInstance, image: string): Result<void> => {
  if (inst.legacyDisks.has('rescue')) return failure('INSTANCE_INVALID_STATE', `instance ${inst.id} is already rescued`);
  const id = imageId(image, 'image');
  if (E.isLeft(id)) return id;
  const host = ctx.host(inst.host);
  const meta = await host.images.show(id.right)();
  if (E.isLeft(meta)) return meta;
  const plan = planDisk(host.options, inst.id, { disk: 'rescue', image: imageFacts(meta.right), flavorSize: 0 });
  if (E.isLeft(plan)) return plan;
  const info = await readDiskInfo(host, inst.id);
  if (E.isLeft(info)) return info;
  const made = await makeDisk(ctx, host, inst, info.right, plan.right);
  if (E.isLeft(made)) return made;
  const disks: OpenedDisk[] = [made.right];
  const root = inst.legacyDisks.get('root');
  if (root !== undefined) {
    const location = locate(host, inst.id, root.backend, root.location);
    if (E.isLeft(location)) return location;
    const format = await detectFormat(host, location.right);
    if (E.isLeft(format)) return format;
    disks.push({ name: 'root', disk: root, location: location.right, format: format.right });
  }
  return startGuest(ctx, inst.host, disks);
};

/** Remove the rescue disk (if any) and start the VM on its own disks. */
export const unrescue = async (ctx: LegacyContext, inst: SimInstance): Result<void> => {
  const rescueDisk = inst.legacyDisks.get('rescue');
  if (rescueDisk === undefined) return E.right(undefined);
  const host = ctx.host(inst.host);
  const location = locate(host, inst.id, rescueDisk.backend, rescueDisk.location);
  if (E.isLeft(location)) return location;
  const removed = await removeDisk(host, location.right);
  if (E.isLeft(removed)) return removed;
  inst.legacyDisks.delete('rescue');
  const disks = placedDisks(host, inst);
  if (E.isLeft(disks)) return disks;
  const info = await readDiskInfo(host, inst.id);
  if (E.isLeft(info)) return info;
  const opened = await openAll(host, inst, info.right, disks.right);
  return E.isLeft(opened) ? opened : startGuest(ctx, inst.host, opened.right);
};
