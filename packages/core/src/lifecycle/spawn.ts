import {
  hasBdm,
  planDisk,
  planToRecord,
  type ConfigDriveFile,
  type DiskName,
  type DiskPlan,
  type DiskRequest,
  type ImageId,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Flavor } from './flavor.js';
import type { HostServices } from './host-registry.js';
import { run, sequence, type LifecycleDeps, type LifecycleError, type Step } from './lifecycle-deps.js';

/** What to boot: an image (or a volume: no local root), a flavor, and optionally a config drive. */
export interface SpawnRequest {
  readonly instance: InstanceId;
  readonly host: string;
  /** The root disk's image; `null` when booted from a volume. */
  readonly image: ImageId | null;
  readonly flavor: Flavor;
  readonly configDrive?: boolean;
  readonly configFiles?: readonly ConfigDriveFile[];
}

/** The local disks a boot asks for, in creation order, with their declared sources. */
export const spawnRequests = async (deps: LifecycleDeps, req: SpawnRequest): Step<DiskRequest[]> => {
  const out: DiskRequest[] = [];
  if (req.image !== null) {
    const meta = await run(deps.images.show(req.image));
    if (E.isLeft(meta)) return meta;
    const facts = (m: typeof meta.right) => ({ id: m.id, diskFormat: m.diskFormat, virtualSize: m.virtualSize });
    out.push({ disk: 'root', image: facts(meta.right), flavorSize: req.flavor.root });
    for (const [disk, id] of [['kernel', meta.right.kernelId], ['ramdisk', meta.right.ramdiskId]] as const) {
      if (id === null) continue;
      const m = await run(deps.images.show(id));
      if (E.isLeft(m)) return m;
      out.push({ disk, image: facts(m.right) });
    }
  }
  if (req.flavor.ephemeral > 0) out.push({ disk: 'ephemeral0', size: req.flavor.ephemeral });
  if (req.flavor.swap > 0) out.push({ disk: 'swap', size: req.flavor.swap });
  if (req.configDrive === true) out.push({ disk: 'config', files: req.configFiles ?? [] });
  return E.right(out);
};

/** Plan every requested disk on `host`; the first that cannot be planned fails the boot before anything is written. */
export const planAll = (host: HostServices, instance: InstanceId, requests: readonly DiskRequest[]): E.Either<LifecycleError, DiskPlan[]> => {
  const plans: DiskPlan[] = [];
  for (const r of requests) {
    const p = planDisk(host.ctx.options, instance, r);
    if (E.isLeft(p)) return p;
    plans.push(p.right);
  }
  return E.right(plans);
};

/** Create the disks of planned records, which must already be durable, in order. */
export const realizeAll = (host: HostServices, instance: InstanceId, plans: readonly DiskPlan[]): Step<void> =>
  sequence(plans, (p) => run(host.realizer.realize(instance, p.disk, planToRecord(p), p.source)));

/**
 * Boot: register the instance, plan every local disk, save ALL records in one
 * batch (state `creating`), and only then create the disks.
 */
export const spawn = async (deps: LifecycleDeps, req: SpawnRequest): Step<void> => {
  const host = deps.hosts.get(req.host);
  if (E.isLeft(host)) return host;
  const requests = await spawnRequests(deps, req);
  if (E.isLeft(requests)) return requests;
  const plans = planAll(host.right, req.instance, requests.right);
  if (E.isLeft(plans)) return plans;
  const bdmDisks: DiskName[] = plans.right.map((p) => p.disk).filter(hasBdm);
  const created = await run(deps.repository.createInstance(req.instance, req.host, bdmDisks));
  if (E.isLeft(created)) return created;
  const saved = await run(deps.metadata.saveAll(req.instance, plans.right.map((p) => ({ disk: p.disk, meta: planToRecord(p) }))));
  if (E.isLeft(saved)) return saved;
  return realizeAll(host.right, req.instance, plans.right);
};
