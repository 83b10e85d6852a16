import type { InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { loadInstance } from './instance-records.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';

/**
 * Hard reboot: every recorded disk that is missing is re-created from its
 * record (same backend, format, size, source), never from today's options;
 * a `creating` record left by a crash is completed.
 */
export const hardReboot = async (deps: LifecycleDeps, instance: InstanceId): Step<void> => {
  const view = await loadInstance(deps, instance);
  if (E.isLeft(view)) return view;
  const { host, records } = view.right;
  return sequence([...records], ([disk, meta]) => run(host.realizer.realizeRecorded(instance, disk, meta)));
};

/**
 * Delete: remove every local disk, then soft-delete the instance and its
 * records. A legacy disk that is not on the host has nothing to remove.
 */
export const deleteInstance = async (deps: LifecycleDeps, instance: InstanceId): Step<void> => {
  const view = await loadInstance(deps, instance, { skipMissing: true });
  if (E.isLeft(view)) return view;
  const removed = await sequence([...view.right.records], ([disk, meta]) => run(view.right.host.realizer.remove(instance, disk, meta)));
  if (E.isLeft(removed)) return removed;
  return run(deps.repository.deleteInstance(instance));
};
