/**
 * Layout conversion and deletion. The classic driver had no conversion: an
 * operator ran `qemu-img convert -O <fmt>` by hand — without an input
 * format, so the disk's bytes decided how it was read — into the new place,
 * removed the old disk, and fixed `disk.info` so the instance would start.
 * Deletion removes the disks and the instance directory (`disk.info` with
 * it) and soft-deletes the instance's rows.
 */
import { isAllowedPair, isDiskName, recordLocation, type Backend, type DiskFormat } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { infoKeyOf, locate, sameLocation } from '../disk-address.js';
import { readDiskInfo, writeDiskInfo } from '../disk-info-file.js';
import { destroyFiles, openAll, placedDisks, startGuest } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type Result } from '../legacy-host.js';
import { convertInto } from '../write-into.js';

/** What a conversion asks for. */
export interface ConvertRequest {
  readonly disk: string;
  readonly backend: Backend;
  readonly format: DiskFormat;
}

/** Convert one disk of the instance to `backend`/`format`, then start the VM. */
export const convert = async (ctx: LegacyContext, inst: SimInstance, req: ConvertRequest): Result<void> => {
  const name = req.disk;
  if (!isDiskName(name)) return failure('INVALID_DISK', `no disk role "${name}"`);
  const disk = inst.legacyDisks.get(name);
  if (disk === undefined) return failure('DISK_NOT_FOUND', `instance ${inst.id} has no disk ${name}`);
  if (!isAllowedPair(req.backend, req.format)) return failure('INVALID_LAYOUT', `a ${req.backend} disk cannot hold ${req.format}`);
  const host = ctx.host(inst.host);
  const { imagesVolumeGroup: vg, imagesRbdPool: pool } = host.options;
  if (req.backend === 'lvm' && vg === null) return failure('OPTIONS_INCONSISTENT', `${inst.host} has no images_volume_group`);
  if (req.backend === 'rbd' && pool === null) return failure('OPTIONS_INCONSISTENT', `${inst.host} has no images_rbd_pool`);
  const location = recordLocation(req.backend, inst.id, name, vg, pool);
  const src = locate(host, inst.id, disk.backend, disk.location);
  if (E.isLeft(src)) return src;
  const dst = locate(host, inst.id, req.backend, location);
  if (E.isLeft(dst)) return dst;
  const info = await readDiskInfo(host, inst.id);
  if (E.isLeft(info)) return info;
  const unchanged = sameLocation(src.right, dst.right) && disk.backend === req.backend && disk.format === req.format;
  if (!unchanged) {
    const converted = await convertInto(host, src.right, dst.right, req.format, disk.size);
    if (E.isLeft(converted)) return converted;
    const oldKey = infoKeyOf(src.right);
    const newKey = infoKeyOf(dst.right);
    if (oldKey !== null) info.right.delete(oldKey);
    if (newKey !== null) info.right.set(newKey, req.format === 'ploop' ? 'parallels' : req.format);
    const written = await writeDiskInfo(host, inst.id, info.right);
    if (E.isLeft(written)) return written;
    inst.legacyDisks.set(name, { backend: req.backend, format: req.format, location, size: disk.size });
  }
  const disks = placedDisks(host, inst);
  if (E.isLeft(disks)) return disks;
  const opened = await openAll(host, inst, info.right, disks.right);
  return E.isLeft(opened) ? opened : startGuest(ctx, inst.host, opened.right);
};

/** Delete the instance: its disks, its directory, its rows. */
export const deleteInstance = async (ctx: LegacyContext, inst: SimInstance, key: string): Result<void> => {
  const host = ctx.host(inst.host);
  const destroyed = await destroyFiles(host, inst);
  if (E.isLeft(destroyed)) return destroyed;
  const rows = await ctx.world.repository.deleteInstance(inst.id)();
  // A boot that failed before registering the instance left no rows to delete.
  if (E.isLeft(rows) && rows.left.code !== 'INSTANCE_NOT_FOUND') return rows;
  ctx.world.instances.delete(key);
  return E.right(undefined);
};
