/**
 * Resize (cold migration) and live migration, classic style: each disk is
 * carried to the destination into the layout that host's options give
 * today; the source is cleaned up; on the destination, where no `disk.info`
 * came along, every flat disk's format is detected again from the guest's
 * bytes (CVE-2016-2140), a file disk that must grow is grown by a
 * `qemu-img resize` without `-f` (CVE-2026-24708), and the VM starts on the
 * detected formats.
 */
import type { Flavor } from '@disk-ledger/core';
import type { DiskLocation, DiskPlan } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { instanceDirOf, removeDisk } from '../disk-address.js';
import { readDiskInfo } from '../disk-info-file.js';
import { planDisks } from '../disk-plans.js';
import { fromPlan, openAll, placedDisks, startGuest, type PlacedDisk } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type LegacyHost, type Result } from '../legacy-host.js';
import { grow } from '../write-into.js';
import { carryDisk, type MoveKind } from './carry-disk.js';

/** A new flavor for a resize. */
export interface NewFlavor {
  readonly name: string;
  readonly flavor: Flavor;
}

interface Arrived {
  readonly placed: PlacedDisk;
  readonly plan: DiskPlan;
  readonly grows: boolean;
}

/**
 * Move the instance to `to` (with `resizeTo`, resize it as well). A resize
 * with `confirm` false keeps the source's disks and directory until it is
 * confirmed or reverted (operations/resize-confirm.ts).
 */
export const move = async (ctx: LegacyContext, inst: SimInstance, to: string, kind: MoveKind, resizeTo?: NewFlavor, confirm = true): Result<void> => {
  if (inst.resizedFrom !== null) return failure('INSTANCE_INVALID_STATE', `the resize of ${inst.id} waits for confirm or revert`);
  if (inst.legacyDisks.has('rescue')) return failure('INSTANCE_INVALID_STATE', `instance ${inst.id} is rescued`);
  if (to === inst.host) return failure('UNABLE_TO_MIGRATE_TO_SELF', `instance ${inst.id} is already on ${to}`);
  const flavor = resizeTo?.flavor ?? inst.flavor;
  // An instance booted from a volume has no local root to shrink.
  if ((inst.image !== null && flavor.root !== 0 && flavor.root < inst.flavor.root) || flavor.ephemeral < inst.flavor.ephemeral) {
    return failure('RESIZE_ERROR', 'Resize error: Unable to resize disk down.');
  }
  const src = ctx.host(inst.host);
  const dst = ctx.host(to);
  const plans = await planDisks(dst, inst.id, { image: inst.image, flavor, configDrive: inst.configDrive });
  if (E.isLeft(plans)) return plans;
  const disks = placedDisks(src, inst);
  if (E.isLeft(disks)) return disks;

  const arrived: Arrived[] = [];
  const leftBehind: PlacedDisk[] = [];
  for (const d of disks.right) {
    const plan = plans.right.find((p) => p.disk === d.name);
    if (plan === undefined) {
      leftBehind.push(d);
      continue;
    }
    const carried = await carryDisk(ctx, src, dst, inst, d, plan, kind);
    if (E.isLeft(carried)) return carried;
    if (!carried.right.kept) leftBehind.push(d);
    const disk = { ...fromPlan(plan), size: Math.max(plan.size, d.disk.size) };
    arrived.push({ placed: { name: d.name, disk, location: carried.right.location }, plan, grows: !carried.right.sized && plan.size > d.disk.size });
  }

  if (confirm) {
    const cleaned = await dropSource(src, inst, leftBehind.map((d) => d.location));
    if (E.isLeft(cleaned)) return cleaned;
  } else {
    inst.resizedFrom = { by: 'legacy', host: inst.host, flavor: inst.flavor, flavorName: inst.flavorName, legacyDisks: new Map(inst.legacyDisks), leftBehind: leftBehind.map((d) => d.location) };
  }
  const moved = await ctx.world.repository.setHost(inst.id, to)();
  if (E.isLeft(moved)) return moved;
  inst.host = to;
  if (resizeTo !== undefined) {
    inst.flavor = resizeTo.flavor;
    inst.flavorName = resizeTo.name;
  }
  inst.legacyDisks.clear();
  for (const a of arrived) inst.legacyDisks.set(a.placed.name, a.placed.disk);

  const info = await readDiskInfo(dst, inst.id);
  if (E.isLeft(info)) return info;
  const opened = await openAll(dst, inst, info.right, arrived.map((a) => a.placed));
  if (E.isLeft(opened)) return opened;
  for (const a of arrived) {
    if (!a.grows) continue;
    const grown = await grow(dst, a.placed.location, a.plan.size);
    if (E.isLeft(grown)) return grown;
  }
  return startGuest(ctx, to, opened.right);
};

/** The source's side of a move, once it is final: the disks left there, then the instance directory. */
export const dropSource = async (src: LegacyHost, inst: SimInstance, left: readonly DiskLocation[]): Result<void> => {
  for (const loc of left) {
    const removed = await removeDisk(src, loc);
    if (E.isLeft(removed)) return removed;
  }
  return src.remove(instanceDirOf(src, inst.id));
};
