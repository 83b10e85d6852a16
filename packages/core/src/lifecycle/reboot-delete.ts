import type { InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { loadInstance, remakeMissing } from './instance-records.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { removeInstanceDir } from './instance-dir.js';
import { aliasedDisks, removeByNovaNames } from './nova-names.js';

/**
 * Hard reboot: every recorded disk that is missing is re-created from its
 * record (same backend, format, size, source), never from today's options;
 * a `creating` record left by a crash is completed.
 */
export const hardReboot = async (deps: LifecycleDeps, instance: InstanceId): Step<void> => {
  const view = await loadInstance(deps, instance, { unconfirmed: 'allow' });
  if (E.isLeft(view)) return view;
  return remakeMissing(view.right);
};

/**
 * Delete: remove every local disk, then soft-delete the instance and its
 * records. A resize waiting for confirm or revert is confirmed first, so the
 * source's disks go too. A legacy disk that is not on the host has nothing to
 * remove; one no fact places, or whose record does not decode, is removed by
 * its conventional name: nothing about one disk stops the instance's delete.
 * A shelved instance goes with its kept shelve; the host it was shelved
 * from is still asked for disks without rows (a compute not yet upgraded
 * may have unshelved it there), so it must be reachable. The shelved image
 * is the caller's to delete, as shelve's always is.
 */
export const deleteInstance = async (deps: LifecycleDeps, instance: InstanceId): Step<void> => {
  const view = await loadInstance(deps, instance, { forDelete: true, unconfirmed: 'confirm', shelved: 'allow' });
  if (E.isLeft(view)) return view;
  const { host, records, unplaced } = view.right;
  const removed = await sequence([...records], ([disk, meta]) => run(host.realizer.remove(instance, disk, meta)));
  if (E.isLeft(removed)) return removed;
  // Rows no record or fact placed (a boot stopped before them, a legacy volume disk.info never named, a record that
  // does not decode): their volumes, if any, go by name from the group or pool the options name; their files go with
  // the directory. A config drive has no row to list it: when nothing recorded it (its disk.info entry unreadable),
  // nova's name for it in the pool goes too; so does the other name of a classic first ephemeral disk (nova-names.ts).
  const unnamed = records.has('config') || unplaced.includes('config') ? unplaced : [...unplaced, 'config' as const];
  const named = await removeByNovaNames(host, instance, [...unnamed, ...aliasedDisks(records)]);
  if (E.isLeft(named)) return named;
  // As nova does, the instance directory goes too: disk.info, console logs, and any file disk no record or derivation reached.
  const dir = await removeInstanceDir(host, instance);
  if (E.isLeft(dir)) return dir;
  return run(deps.repository.deleteInstance(instance));
};
