/**
 * Locked reads for read-modify-write transactions on an instance: its
 * `instances` row first (SELECT … FOR UPDATE; SQLite's `begin immediate`
 * already holds the database), then its `instance_extra` row, so every later
 * statement of the transaction sees what an earlier writer committed.
 */
import type { RepositoryError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import { rowUnreadable } from '../errors/repository-errors.js';
import { decodeInstanceRecords, encodeInstanceRecords, type InstanceRecords } from '../mapping/instance-records.js';
import { array, int, nullable, str, struct } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import type { SqlFlavour } from './sql-flavour.js';

const extraRows = array(struct({ id: int, libvirt_disk_metadata: nullable(str) }));

/** Lock the live instance row; whether there is one. */
export const lockInstance = async (trx: Kysely<NovaTables>, flavour: SqlFlavour, instance: string): Promise<boolean> => {
  const rows = await trx
    .selectFrom('instances')
    .select('id')
    .where('uuid', '=', instance)
    .where('deleted', '=', 0)
    .$if(flavour.rowLocks, (q) => q.forUpdate())
    .execute();
  // PostgreSQL's one-statement saveRecords tells a concurrent writer by a new version of this row (see postgres-save-records.ts).
  if (rows.length > 0 && flavour.dialect === 'postgres') {
    await trx.updateTable('instances').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('uuid', '=', instance).where('deleted', '=', 0).execute();
  }
  return rows.length > 0;
};

/** The instance's live `instance_extra` row (locked), decoded; `id` is null when it has none yet. */
export interface LockedExtra {
  readonly id: number | null;
  readonly records: InstanceRecords;
}

/** Read and lock the instance's `instance_extra` row; `doing` names the call in errors. */
export const lockExtra = async (trx: Kysely<NovaTables>, flavour: SqlFlavour, instance: string, doing: string): Promise<E.Either<RepositoryError, LockedExtra>> => {
  const raw = await trx
    .selectFrom('instance_extra')
    .select(['id', 'libvirt_disk_metadata'])
    .where('instance_uuid', '=', instance)
    .where('deleted', '=', 0)
    .orderBy('id')
    .limit(1)
    .$if(flavour.rowLocks, (q) => q.forUpdate())
    .execute();
  const rows = extraRows(raw, 'instance_extra');
  if (E.isLeft(rows)) return E.left(rowUnreadable(doing, rows.left));
  const extra = rows.right[0];
  const records = decodeInstanceRecords(extra?.libvirt_disk_metadata ?? null, 'instance_extra.libvirt_disk_metadata');
  if (E.isLeft(records)) return E.left(rowUnreadable(doing, records.left));
  return E.right({ id: extra?.id ?? null, records: records.right });
};

/** Write the instance's `instance_extra` row back (creating it when it had none). */
export const writeExtra = async (trx: Kysely<NovaTables>, instance: string, extra: LockedExtra, records: InstanceRecords, now: string): Promise<void> => {
  const text = encodeInstanceRecords(records);
  if (extra.id === null) {
    await trx.insertInto('instance_extra').values({ instance_uuid: instance, created_at: now, deleted: 0, libvirt_disk_metadata: text }).execute();
  } else {
    await trx.updateTable('instance_extra').set({ libvirt_disk_metadata: text, updated_at: now }).where('id', '=', extra.id).execute();
  }
};
