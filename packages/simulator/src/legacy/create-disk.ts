/**
 * Making a new disk from a layout decided from today's host options, as
 * the classic image backends did: from a cached image (a qcow2 overlay
 * naming the base format a probe detected; a flat copy, an LVM volume or a ploop
 * image written by a probing `qemu-img convert`; an RBD import byte for
 * byte), from a shared ephemeral / swap template, or as a config drive.
 */
import type { DiskFunc, DiskLocation, DiskPlan, InstanceId } from '@disk-ledger/domain';
import { isQemuFormat } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { ensureImageBase, ensureTemplate, type Base } from './base-images.js';
import { createOverlay, lvcreate, mkfs, mkswap, rbdImport, rbdResize } from './classic-argv.js';
import { buildConfigDrive } from './config-drive.js';
import { detectInfo } from './detected-info.js';
import { instanceDirOf, locate, qpathOf } from './disk-address.js';
import type { LegacyContext } from './legacy-context.js';
import type { Failure, LegacyHost, Result } from './legacy-host.js';
import { runAll, writeInto } from './write-into.js';

const done = E.map(() => undefined);

/**
 * nova's `create_cow_image`: the overlay's `backing_fmt` is whatever a
 * probing `qemu-img info` of the base says, so a raw base whose bytes begin
 * with a planted qcow2 header is named qcow2 and its backing file followed.
 */
const cowOverlay = async (host: LegacyHost, base: Base, path: string, size: number): Result<void> => {
  const info = await detectInfo(host, base.path);
  if (E.isLeft(info)) return info;
  // A format qemu-img detects but cannot back an overlay with (qed, luks, …) fails the create as qemu-img would: by the believed one it is not.
  const format = isQemuFormat(info.right.format) ? info.right.format : base.format;
  return done(await host.run(createOverlay(base.path, format, path, size)));
};

/** A disk from a cached image. */
const fromImage = async (host: LegacyHost, plan: DiskPlan, loc: DiskLocation, base: Base): Result<void> => {
  switch (loc.backend) {
    case 'qcow2':
      return cowOverlay(host, base, loc.path, plan.size);
    case 'rbd':
      return runAll(host, [rbdImport(base.path, loc.pool, loc.image), rbdResize(loc.pool, loc.image, plan.size)]);
    default:
      return writeInto(host, base.path, loc, plan.format, plan.size);
  }
};

/** A disk from a func: LVM volumes are formatted in place, the others start from a shared template. */
const fromFunc = async (ctx: LegacyContext, host: LegacyHost, plan: DiskPlan, loc: DiskLocation, func: Exclude<DiskFunc, { readonly kind: 'config-drive' }>): Result<void> => {
  if (loc.backend === 'lvm') {
    const dev = qpathOf(loc);
    const fill = func.kind === 'filesystem' ? [mkfs(func.fsType, func.label, dev)] : func.kind === 'swap' ? [mkswap(dev)] : [];
    return runAll(host, [lvcreate(loc.vg, loc.lv, plan.size), ...fill]);
  }
  const template = await ensureTemplate(host, func, plan.size);
  if (E.isLeft(template)) return template;
  const tpl = template.right;
  switch (loc.backend) {
    case 'qcow2':
      return cowOverlay(host, tpl, loc.path, plan.size);
    case 'flat':
      return ctx.transfer.copyFile(host.name, tpl.path, host.name, loc.path)();
    case 'rbd':
      return done(await host.run(rbdImport(tpl.path, loc.pool, loc.image)));
    case 'ploop':
      return writeInto(host, tpl.path, loc, plan.format, plan.size);
  }
};

/**
 * Create the planned disk of instance `id` on `host` (it must not exist);
 * returns where it is. `disk.info` is the caller's: nova wrote it after.
 */
export const createDisk = async (ctx: LegacyContext, host: LegacyHost, id: InstanceId, plan: DiskPlan): Result<DiskLocation> => {
  const loc = locate(host, id, plan.backend, plan.location);
  if (E.isLeft(loc)) return loc;
  const dir = await host.mkdirp(instanceDirOf(host, id));
  if (E.isLeft(dir)) return dir;
  let made: E.Either<Failure, void>;
  if (plan.source.kind === 'image') {
    const meta = await host.images.show(plan.source.imageId)();
    const base = E.isLeft(meta) ? meta : await ensureImageBase(host, meta.right);
    made = E.isLeft(base) ? base : await fromImage(host, plan, loc.right, base.right);
  } else {
    const func = plan.source.func;
    made = func.kind === 'config-drive' ? await buildConfigDrive(host, id, loc.right, plan.size, func.files) : await fromFunc(ctx, host, plan, loc.right, func);
  }
  return E.map(() => loc.right)(made);
};
