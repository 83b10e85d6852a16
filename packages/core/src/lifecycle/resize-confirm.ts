import type { InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { LifecycleDeps, Step } from './lifecycle-deps.js';
import type { Migration } from './migration-record.js';
import { confirmMove, noResizePending, revertMove, settledInstance } from './move-settle.js';
import { instanceShelved } from './shelve-settle.js';

/** The resize that waits for confirm or revert (an interrupted move is settled first), or `NO_RESIZE_PENDING`. */
const pendingResize = async (deps: LifecycleDeps, instance: InstanceId): Step<Migration> => {
  const s = await settledInstance(deps, instance);
  if (E.isLeft(s)) return s;
  if (s.right.shelved !== null) return E.left(instanceShelved(instance, s.right.shelved));
  return s.right.pending === null ? E.left(noResizePending(instance)) : E.right(s.right.pending);
};

/** Confirm: the source's disks, kept for a revert, go. */
export const confirmResize = async (deps: LifecycleDeps, instance: InstanceId): Step<void> => {
  const m = await pendingResize(deps, instance);
  return E.isLeft(m) ? m : confirmMove(deps, instance, m.right);
};

/** Revert: the instance goes back to its source's disks and records; the destination's go. */
export const revertResize = async (deps: LifecycleDeps, instance: InstanceId): Step<void> => {
  const m = await pendingResize(deps, instance);
  return E.isLeft(m) ? m : revertMove(deps, instance, m.right);
};
