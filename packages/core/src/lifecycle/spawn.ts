import {
  checkFunc,
  CONFIG_DRIVE_SIZE,
  configDriveTooSmall,
  planDisk,
  planToRecord,
  type ConfigDriveFile,
  type DiskPlan,
  type DiskRequest,
  type ImageId,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { cacheDirRefusal } from '../services/disk-locator.js';
import { instanceConfigFiles } from '../services/disk-source.js';
import { imageFacts } from '../services/image-facts.js';
import type { Flavor } from './flavor.js';
import type { HostServices } from './host-registry.js';
import { run, sequence, type LifecycleDeps, type LifecycleError, type Step } from './lifecycle-deps.js';
import { atImageArgument, rootSize } from '../errors/image-error-path.js';

/** What to boot: an image (or a volume: no local root), a flavor, and optionally a config drive. */
export interface SpawnRequest {
  readonly instance: InstanceId;
  readonly host: string;
  /** The root disk's image; `null` when booted from a volume. */
  readonly image: ImageId | null;
  readonly flavor: Flavor;
  readonly configDrive?: boolean;
  /** The config drive's files; without them, the fleet's `ConfigDriveContents` gives the instance's. */
  readonly configFiles?: readonly ConfigDriveFile[];
}

/**
 * What names each image of `requests`, for its errors' `path`: `root`, the
 * argument that named the root's image, and that image's `kernel_id` and
 * `ramdisk_id` for theirs.
 */
const imageArguments = (requests: readonly DiskRequest[], root: string): ReadonlyMap<string, string> => {
  const args = new Map<string, string>();
  // An image named twice (its own kernel, say) is named by the first: the root's argument.
  for (const r of requests) if ('image' in r && !args.has(r.image.id)) args.set(r.image.id, r.disk === 'root' ? root : `${root}.${r.disk}_id`);
  return args;
};

/**
 * What names the errors about the images `requests` take: the arguments of
 * {@link imageArguments} from `root`, and `rootSizePath` for a root image
 * too large for the `rootBytes` its caller gave (none for 0: the image's
 * own size).
 */
export const requestImageErrors = (requests: readonly DiskRequest[], root: string, image: string | null, rootBytes: number, rootSizePath: string) => {
  const args = imageArguments(requests, root);
  const size = rootSize(image, rootBytes, rootSizePath);
  return <L extends { readonly code: string }>(e: L): L => atImageArgument(e, args, size);
};

/**
 * The local disks a boot asks for, in creation order, with their declared
 * sources. An image the service cannot show is named by `imageArg`, the
 * argument that named the root's image (or its `kernel_id`, `ramdisk_id`).
 */
export const spawnRequests = async (deps: LifecycleDeps, req: SpawnRequest, imageArg = 'image'): Step<DiskRequest[]> => {
  const out: DiskRequest[] = [];
  if (req.image !== null) {
    const meta = await run(deps.images.show(req.image));
    if (E.isLeft(meta)) return E.left(atImageArgument(meta.left, new Map([[req.image, imageArg]])));
    out.push({ disk: 'root', image: imageFacts(meta.right), flavorSize: req.flavor.root });
    for (const [disk, id] of [['kernel', meta.right.kernelId], ['ramdisk', meta.right.ramdiskId]] as const) {
      if (id === null) continue;
      const m = await run(deps.images.show(id));
      if (E.isLeft(m)) return E.left(atImageArgument(m.left, new Map([[id, `${imageArg}.${disk}_id`]])));
      out.push({ disk, image: imageFacts(m.right) });
    }
  }
  if (req.flavor.ephemeral > 0) out.push({ disk: 'ephemeral0', size: req.flavor.ephemeral });
  if (req.flavor.swap > 0) out.push({ disk: 'swap', size: req.flavor.swap });
  if (req.configDrive === true) {
    // Asked for before any record is written: a drive whose files cannot be had refuses the boot, never builds empty.
    const files = req.configFiles === undefined ? await instanceConfigFiles(deps.configDrives, req.instance, CONFIG_DRIVE_SIZE) : E.right(req.configFiles);
    if (E.isLeft(files)) return files;
    out.push({ disk: 'config', files: files.right });
  }
  return E.right(out);
};

/**
 * Plan every requested disk on `host`, sized as its backend allocates there;
 * the first that cannot be planned (a config-drive file path no tool can
 * take, too) fails the boot before anything is written.
 */
export const planAll = async (host: HostServices, instance: InstanceId, requests: readonly DiskRequest[]): Step<DiskPlan[]> => {
  const plans: DiskPlan[] = [];
  for (const r of requests) {
    const checked = r.disk === 'config' ? checkFunc({ kind: 'config-drive', files: r.files }) : E.right(null);
    if (E.isLeft(checked)) return checked;
    const p = planDisk(host.ctx.options, instance, r);
    if (E.isLeft(p)) return p;
    const tooSmall = r.disk === 'config' ? configDriveTooSmall(r.files, p.right.size, 'configFiles') : null;
    if (tooSmall !== null) return E.left(tooSmall);
    const placed = await run(host.realizer.placePlan(instance, p.right));
    if (E.isLeft(placed)) return placed;
    plans.push(placed.right);
  }
  return E.right(plans);
};

/** Verify every image the plans name into `host`'s base cache, before any record names it. */
export const prepareAll = (host: HostServices, instance: InstanceId, plans: readonly DiskPlan[]): Step<void> =>
  sequence(plans, (p) => run(host.realizer.prepare(instance, p.disk, p.source, p.size)));

/** Create the disks of planned records, which must already be durable, in order. */
export const realizeAll = (host: HostServices, instance: InstanceId, plans: readonly DiskPlan[]): Step<void> =>
  sequence(plans, (p) => run(host.realizer.realize(instance, p.disk, planToRecord(p), p.source)));

/**
 * How an existing instance of the boot's id stands: `other` when it is not registered as this boot would register
 * it (on its host, from its image, not moving); `empty` when it is but has no slots yet, as a boot cut short between
 * its registration and its records leaves it, so booting again carries on from there (two processes booting one
 * instance at once could both carry on: nova never boots one instance twice); `started` when this boot (or an
 * earlier one like it) saved its records.
 */
const registered = async (deps: LifecycleDeps, req: SpawnRequest): Promise<'other' | 'empty' | 'started'> => {
  const row = await run(deps.repository.getInstance(req.instance));
  if (E.isLeft(row) || row.right.host !== req.host || row.right.migration !== null || row.right.imageRef !== req.image) return 'other';
  const slots = await run(deps.repository.listDisks(req.instance));
  return E.isRight(slots) && slots.right.length === 0 ? 'empty' : 'started';
};

/**
 * Boot: plan every local disk and verify its images (a rejected image fails
 * the boot with nothing written), register the instance, save ALL records in
 * one batch (state `creating`; this makes the instance's record slots), and
 * only then create the disks. A boot whose records could not be saved after
 * the instance was registered is carried on by booting it again on the same
 * host (another boot of an existing instance is `INSTANCE_EXISTS`).
 */
export const spawn = async (deps: LifecycleDeps, req: SpawnRequest): Step<void> => {
  const host = deps.hosts.get(req.host);
  if (E.isLeft(host)) return host;
  // Even an instance with no local disk has a directory on its host, which shelve and delete remove.
  const cache = cacheDirRefusal(host.right.ctx, req.instance);
  if (cache !== null) return E.left(cache);
  const requests = await spawnRequests(deps, req);
  if (E.isLeft(requests)) return requests;
  const named = requestImageErrors(requests.right, 'image', req.image, req.flavor.root, 'flavor.root');
  return E.mapLeft((e: LifecycleError) => named(e))(await spawnPlanned(deps, req, host.right, requests.right));
};

const spawnPlanned = async (deps: LifecycleDeps, req: SpawnRequest, host: HostServices, requests: readonly DiskRequest[]): Step<void> => {
  const plans = await planAll(host, req.instance, requests);
  if (E.isLeft(plans)) return plans;
  const verified = await prepareAll(host, req.instance, plans.right);
  if (E.isLeft(verified)) return verified;
  // No slots yet: saving the records makes them, so there is never a slot without a record (which would read as a legacy disk).
  const created = await run(deps.repository.createInstance(req.instance, req.host, [], req.image));
  if (E.isLeft(created)) {
    const standing = created.left.code === 'INSTANCE_EXISTS' ? await registered(deps, req) : 'other';
    // A caller retrying a spawn that failed part-way meets its own instance: say how to finish or drop it (only then:
    // the advice would be wrong for another instance of that id).
    if (standing === 'started') return E.left({ ...created.left, message: `${created.left.message}; if it is this boot's, failed part-way, hardReboot finishes it (its records name every disk; a config drive's files then come from the fleet's ConfigDriveContents) and delete undoes it` });
    if (standing === 'other') return created;
  }
  const saved = await run(deps.metadata.saveAll(req.instance, plans.right.map((p) => ({ disk: p.disk, meta: planToRecord(p) }))));
  if (E.isLeft(saved)) return saved;
  return realizeAll(host, req.instance, plans.right);
};
