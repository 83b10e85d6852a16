import { instanceDir, novaFileNames, planDisk, planToRecord, type DiskName, type HostPath, type ImageId, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { imageFacts } from '../services/image-facts.js';
import { loadInstance, remakeMissing, type InstanceView } from './instance-records.js';
import type { HostServices } from './host-registry.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { removeByNovaNames } from './nova-names.js';

/**
 * The guest restarts (from the rescue disk, or from its own again) with
 * every disk attached: one that went missing is re-made from its record
 * first, as a hard reboot would.
 */
const restartable = async (deps: LifecycleDeps, instance: InstanceId, leaving?: DiskName): Step<InstanceView> => {
  const view = await loadInstance(deps, instance, leaving === undefined ? {} : { discarding: leaving });
  if (E.isLeft(view)) return view;
  const made = await remakeMissing(view.right, leaving);
  return E.isLeft(made) ? made : view;
};

/** Rescue: a rescue disk from `image` is planned, its image verified, then recorded, then created. */
export const rescue = async (deps: LifecycleDeps, instance: InstanceId, image: ImageId): Step<void> => {
  const view = await restartable(deps, instance);
  if (E.isLeft(view)) return view;
  const { host, records } = view.right;
  const existing = records.get('rescue');
  if (existing !== undefined) return E.map(() => undefined)(await run(host.backend.createFromImageHeld({ instance, disk: 'rescue', imageId: image })));
  const meta = await run(deps.images.show(image));
  if (E.isLeft(meta)) return meta;
  const plan = planDisk(host.ctx.options, instance, {
    disk: 'rescue',
    image: imageFacts(meta.right),
    flavorSize: 0,
  });
  if (E.isLeft(plan)) return plan;
  const verified = await run(host.realizer.prepare(instance, 'rescue', plan.right.source, plan.right.size));
  if (E.isLeft(verified)) return verified;
  const placed = await run(host.realizer.placePlan(instance, plan.right));
  if (E.isLeft(placed)) return placed;
  const record = planToRecord(placed.right);
  const saved = await run(deps.metadata.saveAll(instance, [{ disk: 'rescue', meta: record }]));
  if (E.isLeft(saved)) return saved;
  return E.map(() => undefined)(await run(host.realizer.realize(instance, 'rescue', record, plan.right.source)));
};

/**
 * Unrescue: the rescue disk is removed, then its record. A rescue disk no record places (the classic driver's, whose
 * `disk.info` entry was lost before anything adopted it, or whose base is not the instance's own image's entry) is
 * removed by nova's names for it, as nova's unrescue removes an instance's `*.rescue` files.
 */
export const unrescue = async (deps: LifecycleDeps, instance: InstanceId): Step<void> => {
  const view = await restartable(deps, instance, 'rescue');
  if (E.isLeft(view)) return view;
  const meta = view.right.records.get('rescue');
  if (meta === undefined) return removeUnrecordedRescue(view.right.host, instance);
  const removed = await run(view.right.host.realizer.remove(instance, 'rescue', meta));
  if (E.isLeft(removed)) return removed;
  return run(deps.metadata.saveAll(instance, [{ disk: 'rescue', meta: null }]));
};

const removeUnrecordedRescue = async (host: HostServices, instance: InstanceId): Step<void> => {
  const dir = instanceDir(host.ctx.instancesPath, instance);
  const files = await sequence(novaFileNames('rescue'), (name) => run(host.files.remove(`${dir}/${name}` as HostPath)));
  return E.isLeft(files) ? files : removeByNovaNames(host, instance, ['rescue']);
};
