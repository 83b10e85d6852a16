/**
 * setMigration: the text of an instance's unfinished move, kept under
 * `_migration` in `instance_extra.libvirt_disk_metadata` beside its
 * instance-level records (see mapping/instance-records.ts). One write
 * transaction: the instance row is locked, the object read, changed and
 * written back, so a concurrent record write is neither lost nor loses it.
 */
import type { RepositoryError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import { instanceNotFound } from '../errors/repository-errors.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { lockExtra, lockInstance, writeExtra } from './extra-row.js';
import type { SqlFlavour } from './sql-flavour.js';

/** The body of setMigration's transaction. */
export const setMigration =
  (flavour: SqlFlavour, instance: string, migration: string | null, now: string) =>
  async (trx: Kysely<NovaTables>): Promise<E.Either<RepositoryError, void>> => {
    if (!(await lockInstance(trx, flavour, instance))) return E.left(instanceNotFound(instance));
    const extra = await lockExtra(trx, flavour, instance, 'setMigration');
    if (E.isLeft(extra)) return extra;
    // Clearing what is not there writes nothing (and creates no row).
    if (migration === null && extra.right.records.migration === null) return E.right(undefined);
    await writeExtra(trx, instance, extra.right, { ...extra.right.records, migration }, now);
    return E.right(undefined);
  };
