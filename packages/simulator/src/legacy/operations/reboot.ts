/**
 * Hard reboot as the classic driver did it: a disk that is gone is made
 * again from the host's options *today* (whatever it was before), every
 * other disk's format is resolved from `disk.info` — or, when the entry or
 * the file is lost, detected from the guest's bytes (and then written
 * back) — and the VM starts on those formats. A disk the flavor and image
 * ask for that the driver lost track of is made unless it is there.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { isPresent } from '../disk-address.js';
import { readDiskInfo } from '../disk-info-file.js';
import { planDisks, planOne } from '../disk-plans.js';
import { ensureDisk } from './spawn.js';
import { makeDisk, openAll, placedDisks, startGuest, type OpenedDisk, type PlacedDisk } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type Result } from '../legacy-host.js';

/** Hard-reboot the instance on its host. */
export const hardReboot = async (ctx: LegacyContext, inst: SimInstance): Result<void> => {
  const host = ctx.host(inst.host);
  const disks = placedDisks(host, inst);
  if (E.isLeft(disks)) return disks;
  const info = await readDiskInfo(host, inst.id);
  if (E.isLeft(info)) return info;
  const present: PlacedDisk[] = [];
  const remade: OpenedDisk[] = [];
  for (const d of disks.right) {
    const there = await isPresent(host, d.location);
    if (E.isLeft(there)) return there;
    if (there.right) {
      present.push(d);
      continue;
    }
    const plan = await planOne(host, inst.id, inst, d.name);
    if (E.isLeft(plan)) return plan;
    if (plan.right === null) return failure('DISK_NOT_FOUND', `${inst.id}: ${d.name} is missing and cannot be made again`);
    const made = await makeDisk(ctx, host, inst, info.right, plan.right);
    if (E.isLeft(made)) return made;
    remade.push(made.right);
  }
  // A disk the driver lost track of (a crash cut the operation making it short) is one the flavor and image still ask for: made unless it is there.
  const plans = await planDisks(host, inst.id, inst);
  if (E.isLeft(plans)) return plans;
  for (const plan of plans.right) {
    if (inst.legacyDisks.has(plan.disk)) continue;
    const made = await ensureDisk(ctx, host, inst, info.right, plan);
    if (E.isLeft(made)) return made;
    remade.push(made.right);
  }
  const opened = await openAll(host, inst, info.right, present);
  if (E.isLeft(opened)) return opened;
  return startGuest(ctx, inst.host, [...opened.right, ...remade]);
};
