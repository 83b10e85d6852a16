/**
 * The live local BDM slots of one instance, numbered within their kind, read
 * inside a write transaction that holds the instance's lock (see
 * extra-row.ts): compareAndSetRecord and clearRecord find their slot here.
 */
import type { RepositoryError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { sql, type Kysely } from 'kysely';
import { rowUnreadable } from '../errors/repository-errors.js';
import { array, int, literal, nullable, str, struct, type RowMismatch } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { slotsQuery } from './slot-sql.js';
import type { SqlFlavour } from './sql-flavour.js';

const slotRows = array(struct({ id: int, kind: literal('root', 'ephemeral', 'swap'), pos: int, driver_info: nullable(str) }));

/** One slot: its BDM row id, kind, position within the kind, and record text. */
export interface InstanceSlot {
  readonly id: number;
  readonly kind: 'root' | 'ephemeral' | 'swap';
  readonly pos: number;
  readonly driver_info: string | null;
}

/** The instance's slots; `doing` names the call in errors. */
export const instanceSlots = async (trx: Kysely<NovaTables>, flavour: SqlFlavour, instance: string, doing: string): Promise<E.Either<RepositoryError, readonly InstanceSlot[]>> => {
  const { rows } = await sql`SELECT id, kind, pos, driver_info
    FROM (${slotsQuery(flavour.slotOrder, sql`instance_uuid = ${instance}`)}) AS s`.execute(trx);
  return E.mapLeft((m: RowMismatch) => rowUnreadable(doing, m))(slotRows(rows, 'block_device_mapping'));
};
