/**
 * Shelve and unshelve, classic style: shelving snapshots the root (the
 * probing snapshot path) into `<instance>-shelved` — or the next free
 * `-shelved-<n>`, as earlier shelved images are never deleted here — and
 * removes the instance's disks and directory, `disk.info` with it;
 * unshelving plans every disk anew on the chosen host with its options
 * today, the root from that image.
 */
import { imageId, type ImageId, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { planDisks } from '../disk-plans.js';
import { destroyFiles } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type LegacyHost, type Result } from '../legacy-host.js';
import { snapshotRoot } from './snapshot.js';
import { spawnDisks } from './spawn.js';

// A bound on the search, far above any scenario's number of shelves.
const MAX_SHELVES = 1000;

/** The first shelved-image id the image service does not know yet. */
const freeShelvedId = async (host: LegacyHost, id: InstanceId): Result<ImageId> => {
  for (let n = 1; n <= MAX_SHELVES; n += 1) {
    const candidate = imageId(n === 1 ? `${id}-shelved` : `${id}-shelved-${n}`, 'image_id');
    if (E.isLeft(candidate)) return candidate;
    const known = await host.images.show(candidate.right)();
    if (E.isLeft(known) && known.left.code === 'IMAGE_NOT_FOUND') return candidate;
    if (E.isLeft(known)) return known;
  }
  return failure('IMAGE_SERVICE_FAILED', `no free shelved-image id for ${id}`);
};

/** Shelve the instance (and offload it from its host). */
export const shelve = async (ctx: LegacyContext, inst: SimInstance): Result<void> => {
  const host = ctx.host(inst.host);
  let image: ImageId | null = null;
  if (inst.legacyDisks.has('root')) {
    const id = await freeShelvedId(host, inst.id);
    if (E.isLeft(id)) return id;
    const snap = await snapshotRoot(ctx, inst, id.right);
    if (E.isLeft(snap)) return snap;
    image = id.right;
  }
  const destroyed = await destroyFiles(host, inst);
  if (E.isLeft(destroyed)) return destroyed;
  inst.legacyDisks.clear();
  inst.shelved = true;
  inst.shelvedImage = image;
  return E.right(undefined);
};

/** Unshelve the instance on `to`. */
export const unshelve = async (ctx: LegacyContext, inst: SimInstance, to: string): Result<void> => {
  if (!inst.shelved) return failure('INSTANCE_NOT_SHELVED', `instance "${inst.id}" is not shelved`);
  const image = inst.shelvedImage;
  const host = ctx.host(to);
  const plans = await planDisks(host, inst.id, { image, flavor: inst.flavor, configDrive: inst.configDrive });
  if (E.isLeft(plans)) return plans;
  const moved = await ctx.world.repository.setHost(inst.id, to)();
  if (E.isLeft(moved)) return moved;
  inst.host = to;
  // Shelved until its disks are all there: nova keeps an unshelve that failed or was cut short SHELVED_OFFLOADED, to run again.
  const spawned = await spawnDisks(ctx, host, inst, plans.right);
  if (E.isRight(spawned)) {
    inst.shelved = false;
    inst.shelvedImage = null;
  }
  return spawned;
};
