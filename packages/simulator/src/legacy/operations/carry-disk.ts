/**
 * Carrying one disk to another host, as the classic driver's migrations
 * did: file disks are copied as files into the destination's instance
 * directory — without `disk.info` (CVE-2016-2140) — and block disks are
 * first read into a file by a probing `qemu-img convert`. A qcow2 overlay's
 * backing file is learnt from a probing `qemu-img info` of the source and
 * created on the destination before the copy; on the destination the copy
 * is then converted into the layout that host's options give today.
 *
 * Live block migration before CVE-2013-7130 was fixed filled *every* missing
 * backing file by fetching the instance's image into it — an ephemeral or
 * swap template included — so the root image became the template every
 * later instance on that host got its ephemeral disk from.
 */
import { novaFileName, type DiskLocation, type DiskPlan, type HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { baseDirOf, buildTemplate, fetchToBase, type TemplateFunc } from '../base-images.js';
import { convertDetected } from '../classic-argv.js';
import { detectInfo } from '../detected-info.js';
import { instanceDirOf, isPresent, locate, pathIn, qpathOf, removeDisk, sameLocation } from '../disk-address.js';
import type { PlacedDisk } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type LegacyHost, type Result } from '../legacy-host.js';
import { convertInto } from '../write-into.js';

/** How the instance moves: a cold migration (resize) or a live block migration. */
export type MoveKind = 'resize' | 'live-migrate';

/** Where a carried disk ended up. */
export interface Carried {
  readonly location: DiskLocation;
  readonly kept: boolean;
  readonly sized: boolean;
}

/** The func the template of a swap or ephemeral disk holds. */
const templateFunc = (d: PlacedDisk): TemplateFunc => (d.name === 'swap' ? { kind: 'swap' } : { kind: 'filesystem', fsType: 'ext4', label: d.name });

/** Make the overlay's backing file `backingFile` exist in the destination's cache. */
const ensureBacking = async (dst: LegacyHost, inst: SimInstance, d: PlacedDisk, backingFile: string, kind: MoveKind): Result<void> => {
  const path = pathIn(baseDirOf(dst), backingFile.slice(backingFile.lastIndexOf('/') + 1));
  if (E.isLeft(path)) return path;
  const dir = await dst.mkdirp(baseDirOf(dst));
  if (E.isLeft(dir)) return dir;
  const there = await dst.exists(path.right);
  if (E.isLeft(there) || there.right) return E.map(() => undefined)(there);
  const isTemplate = d.name === 'swap' || d.name.startsWith('ephemeral');
  if (isTemplate && kind === 'resize') return buildTemplate(dst, templateFunc(d), path.right, d.disk.size);
  if (inst.image === null) return failure('IMAGE_NOT_FOUND', `${inst.id} has no image to fetch ${backingFile} from`);
  const meta = await dst.images.show(inst.image)();
  return E.isLeft(meta) ? meta : fetchToBase(dst, meta.right, path.right);
};

/** Copy the disk into the destination's instance directory, under the name it had on the source; returns the copy. */
const stage = async (ctx: LegacyContext, src: LegacyHost, dst: LegacyHost, inst: SimInstance, d: PlacedDisk): Result<DiskLocation> => {
  const loc = d.location;
  const copy = (from: HostPath, to: HostPath) => ctx.transfer.copyFile(src.name, from, dst.name, to)();
  switch (loc.backend) {
    case 'flat':
    case 'qcow2':
    case 'ploop': {
      const there = locate(dst, inst.id, loc.backend, d.disk.location);
      if (E.isLeft(there)) return there;
      if (there.right.backend !== loc.backend || !('path' in there.right)) return failure('INVALID_LOCATION', `${inst.id}: ${d.name} has no file on ${dst.name}`);
      const files = loc.backend === 'ploop' ? ['root.hds', 'DiskDescriptor.xml'] : [null];
      for (const file of files) {
        const from = file === null ? E.right(loc.path) : pathIn(loc.path, file);
        const to = file === null ? E.right(there.right.path) : pathIn(there.right.path, file);
        if (E.isLeft(from)) return from;
        if (E.isLeft(to)) return to;
        const copied = await copy(from.right, to.right);
        if (E.isLeft(copied)) return copied;
      }
      return E.right(there.right);
    }
    default: {
      const name = novaFileName(d.name);
      const aside = pathIn(instanceDirOf(src, inst.id), `${name}.migrate`);
      const target = pathIn(instanceDirOf(dst, inst.id), name);
      if (E.isLeft(aside)) return aside;
      if (E.isLeft(target)) return target;
      const dir = await src.mkdirp(instanceDirOf(src, inst.id));
      if (E.isLeft(dir)) return dir;
      const exported = await src.run(convertDetected('raw', qpathOf(loc), aside.right));
      const copied = E.isLeft(exported) ? exported : await copy(aside.right, target.right);
      await src.remove(aside.right);
      return E.map((): DiskLocation => ({ backend: 'flat', path: target.right }))(copied);
    }
  }
};

/**
 * Carry disk `d` of the instance from `src` to `dst` into the layout `plan`.
 * `kept`: the source disk is the destination disk (an image in a pool both
 * hosts share), which the caller must not remove; `sized`: the disk was
 * written anew at its new size, so it needs no growing.
 */
export const carryDisk = async (ctx: LegacyContext, src: LegacyHost, dst: LegacyHost, inst: SimInstance, d: PlacedDisk, plan: DiskPlan, kind: MoveKind): Result<Carried> => {
  const target = locate(dst, inst.id, plan.backend, plan.location);
  if (E.isLeft(target)) return target;
  if (d.location.backend === 'rbd' && sameLocation(d.location, target.right)) {
    const shared = await isPresent(dst, target.right);
    if (E.isLeft(shared)) return shared;
    if (shared.right) return E.right({ location: target.right, kept: true, sized: false });
  }
  if (d.location.backend === 'qcow2') {
    const info = await detectInfo(src, qpathOf(d.location));
    if (E.isLeft(info)) return info;
    if (info.right.backingFile !== null) {
      const backing = await ensureBacking(dst, inst, d, info.right.backingFile, kind);
      if (E.isLeft(backing)) return backing;
    }
  }
  const staged = await stage(ctx, src, dst, inst, d);
  if (E.isLeft(staged)) return staged;
  if (staged.right.backend === target.right.backend && sameLocation(staged.right, target.right)) {
    return E.right({ location: target.right, kept: false, sized: false });
  }
  const converted = await convertInto(dst, staged.right, target.right, plan.format, Math.max(plan.size, d.disk.size));
  if (E.isLeft(converted)) {
    await removeDisk(dst, staged.right);
    return converted;
  }
  return E.right({ location: target.right, kept: false, sized: true });
};
