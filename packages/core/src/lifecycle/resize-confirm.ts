import type { InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import type { Migration } from './migration-record.js';
import { confirmMove, noResizePending, revertMove, settleMigration } from './move-settle.js';

/** The resize that waits for confirm or revert (an interrupted move is settled first), or `NO_RESIZE_PENDING`. */
const pendingResize = async (deps: LifecycleDeps, instance: InstanceId): Step<Migration> => {
  const row = await run(deps.repository.getInstance(instance));
  if (E.isLeft(row)) return row;
  if (row.right.migration === null) return E.left(noResizePending(instance));
  const pending = await settleMigration(deps, instance, row.right.migration, row.right.host);
  if (E.isLeft(pending)) return pending;
  return pending.right === null ? E.left(noResizePending(instance)) : E.right(pending.right);
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
