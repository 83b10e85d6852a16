import { imageId, planToRecord, type ImageId, type InstanceId, type InvalidName } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Flavor } from './flavor.js';
import { loadInstance } from './instance-records.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { snapshot } from './snapshot.js';
import { planAll, realizeAll, spawnRequests } from './spawn.js';

/** The image a shelved instance's root disk is kept in. */
export const shelvedImageId = (instance: InstanceId): E.Either<InvalidName, ImageId> =>
  imageId(`${instance}-shelved`, 'image_id');

/** Shelve: snapshot the root disk, then remove every local disk and its record. */
export const shelve = async (deps: LifecycleDeps, instance: InstanceId): Step<void> => {
  const view = await loadInstance(deps, instance);
  if (E.isLeft(view)) return view;
  if (view.right.records.has('root')) {
    const id = shelvedImageId(instance);
    if (E.isLeft(id)) return id;
    const snap = await snapshot(deps, instance, id.right);
    if (E.isLeft(snap)) return snap;
  }
  const removed = await sequence([...view.right.records], ([disk, meta]) => run(view.right.host.realizer.remove(instance, disk, meta)));
  if (E.isLeft(removed)) return removed;
  return run(deps.metadata.saveAll(instance, [...view.right.records.keys()].map((disk) => ({ disk, meta: null }))));
};

/** Unshelve on any host: the disks are planned there anew, the root from the shelved image; records first. */
export const unshelve = async (deps: LifecycleDeps, instance: InstanceId, host: string, flavor: Flavor, hadRoot: boolean): Step<void> => {
  const target = deps.hosts.get(host);
  if (E.isLeft(target)) return target;
  const id = shelvedImageId(instance);
  if (E.isLeft(id)) return id;
  const requests = await spawnRequests(deps, { instance, host, image: hadRoot ? id.right : null, flavor });
  if (E.isLeft(requests)) return requests;
  const plans = planAll(target.right, instance, requests.right);
  if (E.isLeft(plans)) return plans;
  const moved = await run(deps.repository.setHost(instance, host));
  if (E.isLeft(moved)) return moved;
  const saved = await run(deps.metadata.saveAll(instance, plans.right.map((p) => ({ disk: p.disk, meta: planToRecord(p) }))));
  if (E.isLeft(saved)) return saved;
  return realizeAll(target.right, instance, plans.right);
};
