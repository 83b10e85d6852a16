/**
 * Boot, and what boot shares with unshelve and evacuation: nova's
 * `_create_image` — every planned disk made unless it already exists
 * (`Image.cache`), `disk.info` filled as each one appears, then the VM
 * started on the formats the driver resolved. The instance is registered
 * in the repository with BDM rows whose `driver_info` stays empty: the
 * classic driver never wrote one.
 */
import { hasBdm, imageId, instanceId, type DiskPlan } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { StepOf } from '../../scenario/steps.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { isPresent, locate } from '../disk-address.js';
import { readDiskInfo, type LegacyDiskInfo } from '../disk-info-file.js';
import { planDisks } from '../disk-plans.js';
import { fromPlan, makeDisk, openOne, startGuest, type OpenedDisk } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type LegacyHost, type Result } from '../legacy-host.js';

/** The planned disk, made only when it is not already there (a shared RBD image survives its host). */
export const ensureDisk = async (ctx: LegacyContext, host: LegacyHost, inst: SimInstance, info: LegacyDiskInfo, plan: DiskPlan): Result<OpenedDisk> => {
  const location = locate(host, inst.id, plan.backend, plan.location);
  if (E.isLeft(location)) return location;
  const present = await isPresent(host, location.right);
  if (E.isLeft(present)) return present;
  if (!present.right) return makeDisk(ctx, host, inst, info, plan);
  return openOne(host, inst, info, { name: plan.disk, disk: fromPlan(plan), location: location.right });
};

/** Make every planned disk of the instance on `host`, then start its VM there. */
export const spawnDisks = async (ctx: LegacyContext, host: LegacyHost, inst: SimInstance, plans: readonly DiskPlan[]): Result<void> => {
  const info = await readDiskInfo(host, inst.id);
  if (E.isLeft(info)) return info;
  const opened: OpenedDisk[] = [];
  for (const plan of plans) {
    const d = await ensureDisk(ctx, host, inst, info.right, plan);
    if (E.isLeft(d)) return d;
    opened.push(d.right);
  }
  return startGuest(ctx, host.name, opened);
};

/** Boot a new instance with the classic driver. */
export const boot = async (ctx: LegacyContext, step: StepOf<'boot'>): Result<void> => {
  const { world } = ctx;
  const id = instanceId(step.instance, 'instance');
  if (E.isLeft(id)) return id;
  if (world.instances.has(step.instance)) return failure('INSTANCE_EXISTS', `instance "${step.instance}" already exists`);
  const image = step.image === undefined || step.volume === true ? E.right(null) : imageId(step.image, 'image');
  if (E.isLeft(image)) return image;
  const flavor = world.flavors.get(step.flavor);
  if (flavor === undefined) return failure('FLAVOR_NOT_FOUND', `no flavor "${step.flavor}"`);
  const inst: SimInstance = {
    id: id.right, host: step.host, flavorName: step.flavor, flavor, image: image.right, configDrive: step.config_drive === true,
    legacy: true, shelved: false, rescued: false, shelvedImage: null, legacyDisks: new Map(), resizedFrom: null,
  };
  world.instances.set(step.instance, inst);
  const host = ctx.host(step.host);
  const plans = await planDisks(host, inst.id, inst);
  if (E.isLeft(plans)) return plans;
  const registered = await world.repository.createInstance(inst.id, step.host, plans.right.map((p) => p.disk).filter(hasBdm), inst.image)();
  if (E.isLeft(registered)) return registered;
  return spawnDisks(ctx, host, inst, plans.right);
};
