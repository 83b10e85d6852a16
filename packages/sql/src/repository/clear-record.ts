/**
 * clearRecord: undo a record whose disk was never made. One write
 * transaction that locks the instance row first, as compareAndSetRecord
 * does, and changes the slot only while it still holds the caller's text: a
 * record another writer stored meanwhile stays.
 */
import type { DiskName, RepositoryError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { sql, type Kysely } from 'kysely';
import { slotOf } from '../mapping/disk-slot.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { instanceNotFound } from '../errors/repository-errors.js';
import { lockExtra, lockInstance, writeExtra } from './extra-row.js';
import { instanceSlots } from './instance-slots.js';
import type { SqlFlavour } from './sql-flavour.js';

/** The context of one call. */
export interface ClearCall {
  readonly instance: string;
  readonly disk: DiskName;
  readonly driverInfo: string;
  /** Soft-delete the BDM row rather than empty it. */
  readonly dropRow: boolean;
  readonly now: string;
}

/** The body of clearRecord's transaction: whether the slot held the text and was cleared. */
export const clearRecord =
  (flavour: SqlFlavour, call: ClearCall) =>
  async (trx: Kysely<NovaTables>): Promise<E.Either<RepositoryError, boolean>> => {
    if (!(await lockInstance(trx, flavour, call.instance))) return E.left(instanceNotFound(call.instance));
    const slot = slotOf(call.disk);
    if (slot.kind === 'instance') {
      const extra = await lockExtra(trx, flavour, call.instance, 'clearRecord');
      if (E.isLeft(extra)) return extra;
      const { records } = extra.right;
      if (records.live.get(call.disk) !== call.driverInfo) return E.right(false);
      const live = new Map(records.live);
      live.delete(call.disk);
      // Kept among the removed records, as a null write keeps one.
      const removed = [...records.removed, { disk: call.disk, driverInfo: call.driverInfo, deletedAt: call.now }];
      await writeExtra(trx, call.instance, extra.right, { ...records, live, removed }, call.now);
      return E.right(true);
    }
    const rows = await instanceSlots(trx, flavour, call.instance, 'clearRecord');
    if (E.isLeft(rows)) return rows;
    const row = rows.right.find((r) => r.kind === slot.kind && r.pos === slot.position);
    if (row?.driver_info !== call.driverInfo) return E.right(false);
    // Guarded again by the text, byte for byte (MariaDB's default collation ignores case and trailing spaces): a writer
    // that does not take the instance lock may have stored another record since the read above.
    const holds = flavour.dialect === 'mysql' ? sql<boolean>`BINARY driver_info = BINARY ${call.driverInfo}` : sql<boolean>`driver_info = ${call.driverInfo}`;
    const change = call.dropRow ? { deleted: sql<number>`id`, deleted_at: call.now } : { driver_info: null, updated_at: call.now };
    const result = await trx.updateTable('block_device_mapping').set(change).where('id', '=', row.id).where(holds).executeTakeFirst();
    return E.right(Number(result.numUpdatedRows) === 1);
  };
