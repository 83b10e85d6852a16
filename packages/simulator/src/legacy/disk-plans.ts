/**
 * The disks an instance should have and their layouts, decided the classic
 * way: from the flavor, the image's *declared* metadata and the host's
 * options as they are today (`planDisk`). Nothing remembers the layout a
 * disk was given; every operation that (re)creates one decides again.
 */
import { planDisk, type DiskName, type DiskPlan, type DiskRequest, type ImageFacts, type ImageId, type ImageMeta, type InstanceId } from '@disk-ledger/domain';
import type { Flavor } from '@disk-ledger/core';
import * as E from 'fp-ts/lib/Either.js';
import { simConfigFiles } from '../world/config-drive-files.js';
import type { LegacyHost, Result } from './legacy-host.js';

/** The declared facts of an image. */
export const imageFacts = (m: ImageMeta): ImageFacts => ({ id: m.id, diskFormat: m.diskFormat, virtualSize: m.virtualSize });

/** What an instance's local disks are made of. */
export interface InstanceShape {
  /** The root disk's image; `null` when booted from a volume. */
  readonly image: ImageId | null;
  readonly flavor: Flavor;
  readonly configDrive: boolean;
}

/** The local disks a boot asks for, in creation order (nova's `_create_image`). */
export const diskRequests = async (host: LegacyHost, id: InstanceId, shape: InstanceShape): Result<DiskRequest[]> => {
  const out: DiskRequest[] = [];
  if (shape.image !== null) {
    const meta = await host.images.show(shape.image)();
    if (E.isLeft(meta)) return meta;
    out.push({ disk: 'root', image: imageFacts(meta.right), flavorSize: shape.flavor.root });
    for (const [disk, id] of [['kernel', meta.right.kernelId], ['ramdisk', meta.right.ramdiskId]] as const) {
      if (id === null) continue;
      const m = await host.images.show(id)();
      if (E.isLeft(m)) return m;
      out.push({ disk, image: imageFacts(m.right) });
    }
  }
  if (shape.flavor.ephemeral > 0) out.push({ disk: 'ephemeral0', size: shape.flavor.ephemeral });
  if (shape.flavor.swap > 0) out.push({ disk: 'swap', size: shape.flavor.swap });
  if (shape.configDrive) out.push({ disk: 'config', files: simConfigFiles(id) });
  return E.right(out);
};

/** Plan every disk on `host` with its options now; the first that cannot be planned fails the whole. */
export const planDisks = async (host: LegacyHost, id: InstanceId, shape: InstanceShape): Result<DiskPlan[]> => {
  const requests = await diskRequests(host, id, shape);
  if (E.isLeft(requests)) return requests;
  const plans: DiskPlan[] = [];
  for (const r of requests.right) {
    const p = planDisk(host.options, id, r);
    if (E.isLeft(p)) return p;
    plans.push(p.right);
  }
  return E.right(plans);
};

/** The plan of one disk, or `null` when the instance's shape has no such disk. */
export const planOne = async (host: LegacyHost, id: InstanceId, shape: InstanceShape, disk: DiskName): Result<DiskPlan | null> =>
  E.map((plans: DiskPlan[]) => plans.find((p) => p.disk === disk) ?? null)(await planDisks(host, id, shape));
