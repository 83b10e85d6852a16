/**
 * A saveRecords call, prepared for a single statement: writes deduplicated
 * (the last write of a disk wins), resolved to slots, and ordered so that a
 * dialect which applies them one by one (SQLite's trigger) reaches the same
 * result as one which applies them all at once against the state before the
 * call (PostgreSQL's CTEs): records first in ascending position (creations
 * only ever append), removals last in descending position (removing a row
 * only renumbers the rows after it, already handled).
 */
import type { DiskName, RecordWrite } from '@disk-ledger/domain';
import { minEphemeralCount, slotOf, type BdmKind } from './disk-slot.js';

/** One write, resolved. `position` is `null` for instance-level disks. */
export interface PlannedWrite {
  readonly seq: number;
  readonly disk: DiskName;
  readonly kind: BdmKind | 'instance';
  readonly position: number | null;
  readonly driverInfo: string | null;
  /** The `uuid` of the BDM row if this write has to create it (nova gives every BDM one). */
  readonly rowUuid: string;
}

/** Everything a dialect needs to run the call as one statement. */
export interface SavePlan {
  readonly instance: string;
  /** Nova-format UTC timestamp for `updated_at` / `created_at` / `deleted_at`. */
  readonly now: string;
  readonly writes: readonly PlannedWrite[];
  /** The instance must already have at least this many live ephemeral rows (see `minEphemeralCount`). */
  readonly minEphemerals: number;
}

const rank = (w: Omit<PlannedWrite, 'seq'>): number => {
  const base = { root: 0, ephemeral: 1, swap: 1_000_000, instance: 2_000_000 }[w.kind];
  return base + (w.position ?? 0);
};

/** Plan `writes` for `instance` at `now`; `newUuid` names rows that may have to be created. */
export const planSave = (
  instance: string,
  writes: readonly RecordWrite[],
  now: string,
  newUuid: () => string,
): SavePlan => {
  const last = new Map<DiskName, string | null>();
  for (const w of writes) last.set(w.disk, w.driverInfo);
  const resolved = [...last.entries()].map(([disk, driverInfo]) => {
    const slot = slotOf(disk);
    return {
      disk,
      kind: slot.kind,
      position: slot.kind === 'instance' ? null : slot.position,
      driverInfo,
      rowUuid: slot.kind === 'instance' ? '' : newUuid(),
    };
  });
  const records = resolved.filter((w) => w.driverInfo !== null).sort((a, b) => rank(a) - rank(b));
  const removals = resolved.filter((w) => w.driverInfo === null).sort((a, b) => rank(b) - rank(a));
  const ephemerals = records.flatMap((w) => (w.kind === 'ephemeral' && w.position !== null ? [w.position] : []));
  return {
    instance,
    now,
    writes: [...records, ...removals].map((w, seq) => ({ seq, ...w })),
    minEphemerals: minEphemeralCount(ephemerals),
  };
};
