/**
 * Confirm and revert of a resize, classic style. Confirm drops what the
 * source kept. Revert removes the destination's copies (not a disk both hosts
 * share), moves the instance back, and starts it on the source's disks with
 * the formats the source's own `disk.info` states, detecting any it lacks,
 * as the classic driver does.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { instanceDirOf, removeDisk } from '../disk-address.js';
import { readDiskInfo } from '../disk-info-file.js';
import { openAll, placedDisks, startGuest } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type Result } from '../legacy-host.js';
import { dropSource } from './move.js';

const nothingPending = (inst: SimInstance): Result<never> => Promise.resolve(failure('NO_RESIZE_PENDING', `${inst.id} has no resize waiting for confirm or revert`));

/** Confirm: the source's kept disks and directory go. */
export const confirmResize = async (ctx: LegacyContext, inst: SimInstance): Result<void> => {
  const from = inst.resizedFrom;
  if (from === null) return nothingPending(inst);
  const dropped = await dropSource(ctx.host(from.host), inst, from.leftBehind);
  if (E.isLeft(dropped)) return dropped;
  inst.resizedFrom = null;
  return E.right(undefined);
};

/** Revert: back to the source's disks; the destination's copies go. */
export const revertResize = async (ctx: LegacyContext, inst: SimInstance): Result<void> => {
  const from = inst.resizedFrom;
  if (from === null) return nothingPending(inst);
  const dst = ctx.host(inst.host);
  const src = ctx.host(from.host);
  const shared = new Set([...from.legacyDisks.values()].map((d) => d.location));
  const copies = placedDisks(dst, inst, true);
  if (E.isLeft(copies)) return copies;
  for (const d of copies.right) {
    if (shared.has(d.disk.location) && d.disk.backend === 'rbd') continue;
    const removed = await removeDisk(dst, d.location);
    if (E.isLeft(removed)) return removed;
  }
  const cleaned = await dst.remove(instanceDirOf(dst, inst.id));
  if (E.isLeft(cleaned)) return cleaned;
  const back = await ctx.world.repository.setHost(inst.id, from.host)();
  if (E.isLeft(back)) return back;
  inst.host = from.host;
  inst.flavor = from.flavor;
  inst.flavorName = from.flavorName;
  inst.legacyDisks.clear();
  for (const [name, disk] of from.legacyDisks) inst.legacyDisks.set(name, disk);
  inst.resizedFrom = null;
  const disks = placedDisks(src, inst);
  if (E.isLeft(disks)) return disks;
  const info = await readDiskInfo(src, inst.id);
  if (E.isLeft(info)) return info;
  const opened = await openAll(src, inst, info.right, disks.right);
  if (E.isLeft(opened)) return opened;
  return startGuest(ctx, from.host, opened.right);
};
