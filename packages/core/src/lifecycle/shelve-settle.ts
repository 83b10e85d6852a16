/**
 * Bringing a shelve that did not answer to rest (its intent is in
 * shelve-intent.ts). The root is the point of no return: while it is on its
 * host the instance is not shelved, whatever else went, so the shelve is
 * undone (the records come back, and the disks it removed are made again
 * from them, as after any crash); once it is gone the instance is shelved,
 * and the intent stays to name the image until a shelve answers it.
 */
import type { InstanceId, InstanceState } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { InstanceShelved } from '../errors/core-error.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import type { ShelveIntent } from './shelve-intent.js';

/** The instance was shelved by a shelve that did not answer. */
export const instanceShelved = (instance: InstanceId, s: ShelveIntent): InstanceShelved => ({
  _tag: 'InstanceShelved', code: 'INSTANCE_SHELVED', instance, image: s.image, host: s.host, path: instance,
  message: `${instance} is shelved${s.image === null ? '' : ` to image ${s.image}`} (its shelve from ${s.host} was cut before it answered): shelve it again to get that image, unshelve it, or delete it`,
});

/**
 * Settle a shelve under way: undone (`null`) when the instance still has
 * records (the shelve had not cleared them; or an unshelve has made new
 * ones), is on another host, or its root is still on its host (its records
 * are put back); otherwise the instance is shelved (the intent).
 */
export const settleShelve = async (deps: LifecycleDeps, row: InstanceState, intent: ShelveIntent): Step<ShelveIntent | null> => {
  const instance = row.instance;
  const undone = async (): Step<null> => E.map(() => null)(await run(deps.repository.setMigration(instance, null)));
  const slots = await run(deps.metadata.records(instance));
  if (E.isLeft(slots)) return slots;
  if ([...slots.right.values()].some((s) => s.meta !== null) || row.host !== intent.host) return undone();
  const root = intent.records.get('root');
  if (root === undefined) return E.right(intent);
  const host = deps.hosts.get(intent.host);
  if (E.isLeft(host)) return host;
  const there = await run(host.right.realizer.check(instance, 'root', root));
  if (E.isLeft(there)) return there;
  if (there.right === 'absent') return E.right(intent);
  const restored = await run(deps.metadata.saveAll(instance, [...intent.records].map(([disk, meta]) => ({ disk, meta }))));
  return E.isLeft(restored) ? restored : undone();
};
