/**
 * An instance's disks as a classic-driver operation handles them: where
 * each one is, the format the driver resolved for it, and how a new one is
 * made and remembered (`inst.legacyDisks`, then `disk.info` after the disk
 * exists). The VM of the instance is then started on exactly those formats.
 */
import type { DiskLocation, DiskName, DiskPlan } from '@disk-ledger/domain';
import { QEMU_FORMATS } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import type { LegacyDisk, SimInstance } from '../world/sim-instance.js';
import { createDisk } from './create-disk.js';
import { instanceDirOf, locate, removeDisk } from './disk-address.js';
import { asDiskFormat, writeDiskInfo, type ClassicFormat, type LegacyDiskInfo } from './disk-info-file.js';
import { resolveFormat } from './format-resolution.js';
import type { LegacyContext } from './legacy-context.js';
import { failure, type Failure, type LegacyHost, type Result } from './legacy-host.js';

// ---- types

/** A disk of an instance and where it is. */
export interface PlacedDisk {
  readonly name: DiskName;
  readonly disk: LegacyDisk;
  readonly location: DiskLocation;
}

/** A disk with the format the classic driver opens it with. */
export interface OpenedDisk extends PlacedDisk {
  readonly format: ClassicFormat;
}

// ---- operations

/** Every disk the driver keeps for the instance, located; `rescue` only when asked. */
export const placedDisks = (host: LegacyHost, inst: SimInstance, withRescue = false): E.Either<Failure, PlacedDisk[]> => {
  const out: PlacedDisk[] = [];
  for (const [name, disk] of inst.legacyDisks) {
    if (name === 'rescue' && !withRescue) continue;
    const location = locate(host, inst.id, disk.backend, disk.location);
    if (E.isLeft(location)) return location;
    out.push({ name, disk, location: location.right });
  }
  return E.right(out);
};

/** The driver's memory of a disk after it resolved `format` for it (a format outside the record vocabulary keeps the old belief). */
export const believe = (disk: LegacyDisk, format: ClassicFormat): LegacyDisk => ({
  backend: disk.backend,
  format: asDiskFormat(format) ?? disk.format,
  location: disk.location,
  size: disk.size,
});

/** The memory of a newly planned disk. */
export const fromPlan = (plan: DiskPlan): LegacyDisk => ({ backend: plan.backend, format: plan.format, location: plan.location, size: plan.size });

/** Resolve the formats of `disks` on `host` against `info`, writing `disk.info` once if entries were added. */
export const openAll = async (host: LegacyHost, inst: SimInstance, info: LegacyDiskInfo, disks: readonly PlacedDisk[]): Result<OpenedDisk[]> => {
  const before = info.size;
  const out: OpenedDisk[] = [];
  for (const d of disks) {
    const format = await resolveFormat(host, info, d.location, d.name);
    if (E.isLeft(format)) return format;
    inst.legacyDisks.set(d.name, believe(d.disk, format.right));
    // Named fields rather than a spread that adds `format`: every classic start opens each disk here.
    out.push({ name: d.name, disk: d.disk, location: d.location, format: format.right });
  }
  if (info.size !== before) {
    const written = await writeDiskInfo(host, inst.id, info);
    if (E.isLeft(written)) return written;
  }
  return E.right(out);
};

/** Resolve the format of one disk, as `openAll` does. */
export const openOne = async (host: LegacyHost, inst: SimInstance, info: LegacyDiskInfo, disk: PlacedDisk): Result<OpenedDisk> => {
  const opened = await openAll(host, inst, info, [disk]);
  if (E.isLeft(opened)) return opened;
  const [first] = opened.right;
  return first === undefined ? failure('DISK_NOT_FOUND', `${inst.id}: ${disk.name} was not opened`) : E.right(first);
};

/** Create a planned disk, remember it, and resolve and record its format once it exists. */
export const makeDisk = async (ctx: LegacyContext, host: LegacyHost, inst: SimInstance, info: LegacyDiskInfo, plan: DiskPlan): Result<OpenedDisk> => {
  const location = await createDisk(ctx, host, inst.id, plan);
  if (E.isLeft(location)) return location;
  const disk = fromPlan(plan);
  inst.legacyDisks.set(plan.disk, disk);
  return openOne(host, inst, info, { name: plan.disk, disk, location: location.right });
};

/**
 * The VM starts: libvirt opens each disk with the format the driver
 * resolved. A disk that does not open as that format stops the start
 * (nova's libvirt error); whatever a disk shows its guest is recorded.
 */
export const startGuest = async (ctx: LegacyContext, host: string, disks: readonly OpenedDisk[]): Result<void> => {
  for (const d of disks) {
    const format = QEMU_FORMATS.find((f) => f === d.format);
    if (format === undefined) return failure('LIBVIRT_ERROR', `${host}: disk ${d.name} has format ${d.format}, which this host cannot run`);
    const view = await ctx.world.site.guestView(host, d.location, format);
    if (!view.ok) return failure('LIBVIRT_ERROR', view.message);
  }
  return E.right(undefined);
};

/** Remove every disk of the instance on `host` (rescue included), then its directory, as nova did on delete and shelve. */
export const destroyFiles = async (host: LegacyHost, inst: SimInstance): Result<void> => {
  const disks = placedDisks(host, inst, true);
  if (E.isLeft(disks)) return disks;
  for (const d of disks.right) {
    const removed = await removeDisk(host, d.location);
    if (E.isLeft(removed)) return removed;
  }
  return host.remove(instanceDirOf(host, inst.id));
};
