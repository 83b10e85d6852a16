/**
 * compareAndSetRecord: a first-touch write that two hosts may race for.
 * One write transaction that locks the instance row first (see
 * extra-row.ts), so every later statement of it sees what a winner committed
 * before the lock was granted: the loser finds the winner's record and
 * returns it.
 */
import { ephemeralGap, type DiskName, type RepositoryError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import { slotOf, type BdmKind } from '../mapping/disk-slot.js';
import { lockExtra, lockInstance, writeExtra } from './extra-row.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { instanceNotFound, rowUnreadable } from '../errors/repository-errors.js';
import { newBdmRow } from './new-rows.js';
import { instanceSlots } from './instance-slots.js';
import type { SqlFlavour } from './sql-flavour.js';

/** What compareAndSetRecord returns. */
export interface CasResult {
  readonly written: boolean;
  readonly driverInfo: string;
}

/** The context of one call. */
export interface CasCall {
  readonly instance: string;
  readonly disk: DiskName;
  readonly driverInfo: string;
  readonly now: string;
  readonly rowUuid: string;
}

const instanceLevel = async (trx: Kysely<NovaTables>, flavour: SqlFlavour, call: CasCall): Promise<E.Either<RepositoryError, CasResult>> => {
  const extra = await lockExtra(trx, flavour, call.instance, 'compareAndSetRecord');
  if (E.isLeft(extra)) return extra;
  const { records } = extra.right;
  const existing = records.live.get(call.disk);
  if (existing !== undefined) return E.right({ written: false, driverInfo: existing });
  await writeExtra(trx, call.instance, extra.right, { ...records, live: new Map(records.live).set(call.disk, call.driverInfo) }, call.now);
  return E.right({ written: true, driverInfo: call.driverInfo });
};

const bdmLevel = async (
  trx: Kysely<NovaTables>,
  flavour: SqlFlavour,
  call: CasCall,
  kind: BdmKind,
  position: number,
): Promise<E.Either<RepositoryError, CasResult>> => {
  const rows = await instanceSlots(trx, flavour, call.instance, 'compareAndSetRecord');
  if (E.isLeft(rows)) return rows;
  const slot = rows.right.find((r) => r.kind === kind && r.pos === position);
  if (slot !== undefined && slot.driver_info !== null) return E.right({ written: false, driverInfo: slot.driver_info });
  if (slot !== undefined) {
    const result = await trx
      .updateTable('block_device_mapping')
      .set({ driver_info: call.driverInfo, updated_at: call.now })
      .where('id', '=', slot.id)
      .where('driver_info', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return E.right({ written: true, driverInfo: call.driverInfo });
    // A writer that does not take the instance lock (nova itself, or the online migration's fill) got there first. A
    // locking read returns what it committed: under MariaDB's REPEATABLE READ a plain one reads the transaction's
    // snapshot, taken before that writer committed, and finds the row still empty.
    const winner = await trx
      .selectFrom('block_device_mapping')
      .select('driver_info')
      .where('id', '=', slot.id)
      .$if(flavour.rowLocks, (q) => q.forUpdate())
      .executeTakeFirst();
    const text = winner?.driver_info;
    return typeof text === 'string'
      ? E.right({ written: false, driverInfo: text })
      : E.left(rowUnreadable('compareAndSetRecord', { path: 'block_device_mapping.driver_info', expected: 'record text', actual: text }));
  }
  const ephemerals = rows.right.filter((r) => r.kind === 'ephemeral').length;
  if (kind === 'ephemeral' && position !== ephemerals) return E.left(ephemeralGap(call.instance, ephemerals, position));
  await trx
    .insertInto('block_device_mapping')
    .values(newBdmRow({ instance: call.instance, kind, deviceName: null, now: call.now, uuid: call.rowUuid, driverInfo: call.driverInfo }))
    .execute();
  return E.right({ written: true, driverInfo: call.driverInfo });
};

/** The body of compareAndSetRecord's transaction. */
export const compareAndSet =
  (flavour: SqlFlavour, call: CasCall) =>
  async (trx: Kysely<NovaTables>): Promise<E.Either<RepositoryError, CasResult>> => {
    if (!(await lockInstance(trx, flavour, call.instance))) return E.left(instanceNotFound(call.instance));
    const slot = slotOf(call.disk);
    return slot.kind === 'instance' ? instanceLevel(trx, flavour, call) : bdmLevel(trx, flavour, call, slot.kind, slot.position);
  };
