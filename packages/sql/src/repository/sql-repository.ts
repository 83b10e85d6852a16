/**
 * BlockDeviceMappingRepository over SQL (kysely), for SQLite, PostgreSQL and
 * MariaDB/MySQL alike; what differs per dialect is behind `SqlFlavour`.
 *
 * Records live where nova keeps block devices: `block_device_mapping.driver_info`
 * for root, ephemeral and swap disks (see mapping/disk-slot.ts for how rows
 * are named), `instance_extra.libvirt_disk_metadata` for the others.
 *
 * Errors: this is the adapter edge. Every driver exception becomes a
 * `RepositoryFailed` value here (`TE.tryCatch`), naming the operation and the
 * driver's message; a unique-key violation on createInstance becomes
 * `InstanceExists`; rows that do not decode become `RepositoryFailed` with the
 * field's path. Every method is one statement or one transaction, so a
 * failure leaves nothing of the call written, and a call the database
 * aborted (a deadlock, a serialisation failure) is run again a few times
 * before its failure is returned (transient-retry.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  ephemeralGap,
  hasBdm,
  IMAGE_REF_MAX,
  isBdmWrite,
  isDiskName,
  isImageRef,
  hostNameRefused,
  instanceIdRefused,
  isHostName,
  isInstanceId,
  isRecordWrite,
  readImageRef,
  repositoryInputInvalid,
  type BdmWrite,
  type BlockDeviceMappingRepository,
  type ClearOptions,
  type DiskName,
  type DiskRecordRow,
  type InstanceId,
  type InstanceRow,
  type InstanceState,
  type RecordWrite,
  type RepositoryError,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { sql, type Kysely } from 'kysely';
import { deviceName, diskOfRow, INSTANCE_LEVEL_DISKS, slotOf } from '../mapping/disk-slot.js';
import { decodeInstanceRecords } from '../mapping/instance-records.js';
import { planSave } from '../mapping/save-plan.js';
import { array, nullable, str, struct, type RowMismatch } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { novaTimestamp } from '../schema/nova-timestamp.js';
import {
  driverFailed,
  instanceExists,
  instanceNotFound,
  rowUnreadable,
} from '../errors/repository-errors.js';
import { compareAndSet } from './compare-and-set.js';
import { clearRecord } from './clear-record.js';
import { setMigration } from './set-migration.js';
import { newBdmRow } from './new-rows.js';
import { countRows, instanceRows, instanceRowsDecoder, type RowFilter } from './read-queries.js';
import { census, deletedRecords, filterOf, listedRows } from './listings.js';
import type { SqlFlavour } from './sql-flavour.js';
import { retryTransient } from './transient-retry.js';
import { inWriteTransaction } from './write-transaction.js';
import type { Census, DeletedRecord, ListOptions, PopulatedRow } from './repository-types.js';

/** Injectable clock and id source, for deterministic tests. */
export interface SqlRepositoryOptions {
  /** The current time (nova timestamps are UTC, to the second). */
  readonly now?: () => Date;
  /** A new BDM uuid. */
  readonly newUuid?: () => string;
}

type Result<A> = TE.TaskEither<RepositoryError, A>;

const hostRows = array(struct({ host: nullable(str), imageRef: nullable(str), info: nullable(str) }));

const badImageRef = (doing: string): RepositoryError =>
  repositoryInputInvalid(`${doing}: image_ref must be printable ASCII of at most ${IMAGE_REF_MAX} characters, or null`, 'imageRef');

// The port's types say DiskName and string, but a caller in plain JavaScript
// or a corrupt batch may pass anything: checked whole before any SQL runs.
const badDisk = (disks: readonly unknown[]): unknown => disks.find((d) => !isDiskName(d));
/** The repository. */
export class SqlBlockDeviceMappingRepository implements BlockDeviceMappingRepository {
  readonly #db: Kysely<NovaTables>;
  readonly #flavour: SqlFlavour;
  readonly #now: () => Date;
  readonly #newUuid: () => string;

  constructor(db: Kysely<NovaTables>, flavour: SqlFlavour, options: SqlRepositoryOptions = {}) {
    this.#db = db;
    this.#flavour = flavour;
    this.#now = options.now ?? (() => new Date());
    this.#newUuid = options.newUuid ?? randomUUID;
  }

  /** The dialect this repository speaks. */
  get dialect(): SqlFlavour['dialect'] {
    return this.#flavour.dialect;
  }

  #run<A>(doing: string, body: () => Promise<E.Either<RepositoryError, A>>): Result<A> {
    return pipe(TE.tryCatch(() => retryTransient(this.#flavour.isTransient, body), driverFailed(doing)), TE.chainEitherK((x) => x));
  }

  #stamp(): string {
    return novaTimestamp(this.#now());
  }

  /**
   * {@link #run} for a call on one instance. An id createInstance would have
   * refused names no instance, and is answered so before any SQL: MariaDB
   * compares ids ignoring trailing spaces, so `vm1 ` would find vm1's rows
   * there, and a delete would remove them.
   */
  #onInstance<A>(doing: string, instance: InstanceId, body: () => Promise<E.Either<RepositoryError, A>>): Result<A> {
    return isInstanceId(instance) ? this.#run(doing, body) : TE.left(instanceNotFound(String(instance)));
  }

  createInstance(instance: InstanceId, host: string, disks: readonly DiskName[], imageRef: string | null = null): Result<void> {
    if (!isInstanceId(instance)) return TE.left(instanceIdRefused(instance));
    if (!isHostName(host)) return TE.left(hostNameRefused('createInstance', host));
    if (!isImageRef(imageRef)) return TE.left(badImageRef('createInstance'));
    const bad = badDisk(disks);
    if (bad !== undefined) return TE.left(repositoryInputInvalid(`createInstance: not a disk role: ${JSON.stringify(bad)}`, 'disks'));
    const bdmDisks = disks.filter(hasBdm);
    if (new Set(bdmDisks).size !== bdmDisks.length) return TE.left(repositoryInputInvalid(`createInstance: a disk is listed twice for instance ${instance}`, 'disks'));
    const ephemerals = bdmDisks.flatMap((d) => {
      const s = slotOf(d);
      return s.kind === 'ephemeral' ? [s.position] : [];
    });
    const missing = ephemerals.findIndex((_, i) => !ephemerals.includes(i));
    if (missing >= 0) return TE.left(ephemeralGap(instance, 0, Math.max(...ephemerals)));
    const now = this.#stamp();
    const rows = bdmDisks.map((disk) => {
      const s = slotOf(disk);
      const kind = s.kind === 'instance' ? 'root' : s.kind;
      const index = kind === 'root' ? 0 : kind === 'swap' ? 1 + ephemerals.length : 1 + (s.kind === 'ephemeral' ? s.position : 0);
      return newBdmRow({ instance, kind, deviceName: deviceName(index), now, uuid: this.#newUuid(), driverInfo: null });
    });
    return pipe(
      TE.tryCatch(
        () =>
          retryTransient(this.#flavour.isTransient, () => inWriteTransaction<RepositoryError, undefined>(this.#db, this.#flavour, async (trx) => {
            await trx.insertInto('instances').values({ uuid: instance, host, node: host, image_ref: imageRef, created_at: now, deleted: 0 }).execute();
            await trx.insertInto('instance_extra').values({ instance_uuid: instance, created_at: now, deleted: 0 }).execute();
            if (rows.length > 0) await trx.insertInto('block_device_mapping').values(rows).execute();
            return E.right(undefined);
          })),
        // Nova's uuid is unique for ever: a soft-deleted instance's id is taken too.
        (cause): RepositoryError => (this.#flavour.isUniqueViolation(cause) ? instanceExists(instance, cause) : driverFailed('createInstance')(cause)),
      ),
      TE.chainEitherK((x) => x),
    );
  }

  getInstance(instance: InstanceId): Result<InstanceState> {
    return this.#onInstance('getInstance', instance, async () => {
      const raw = await this.#db
        .selectFrom('instances')
        .leftJoin('instance_extra', (j) => j.onRef('instance_extra.instance_uuid', '=', 'instances.uuid').on('instance_extra.deleted', '=', 0))
        .select(['instances.host as host', 'instances.image_ref as imageRef', 'instance_extra.libvirt_disk_metadata as info'])
        .where('instances.uuid', '=', instance)
        .where('instances.deleted', '=', 0)
        .orderBy('instance_extra.id')
        .limit(1)
        .execute();
      const rows = hostRows(raw, 'instances');
      if (E.isLeft(rows)) return E.left(rowUnreadable('getInstance', rows.left));
      const row = rows.right[0];
      if (row === undefined) return E.left(instanceNotFound(instance));
      const extra = decodeInstanceRecords(row.info, 'instance_extra.libvirt_disk_metadata');
      if (E.isLeft(extra)) return E.left(rowUnreadable('getInstance', extra.left));
      // Nova leaves host NULL until an instance is scheduled.
      return E.right({ instance, host: row.host ?? '', migration: extra.right.migration, imageRef: readImageRef(row.imageRef) });
    });
  }

  setMigration(instance: InstanceId, migration: string | null): Result<void> {
    if (migration !== null && typeof migration !== 'string') return TE.left(repositoryInputInvalid('setMigration: migration must be text or null', 'migration'));
    const now = this.#stamp();
    return this.#onInstance('setMigration', instance, () => inWriteTransaction(this.#db, this.#flavour, setMigration(this.#flavour, instance, migration, now)));
  }

  setImageRef(instance: InstanceId, imageRef: string | null): Result<void> {
    if (!isImageRef(imageRef)) return TE.left(badImageRef('setImageRef'));
    return this.#updateInstance('setImageRef', instance, { image_ref: imageRef });
  }

  setHost(instance: InstanceId, host: string): Result<void> {
    if (!isHostName(host)) return TE.left(hostNameRefused('setHost', host));
    return this.#updateInstance('setHost', instance, { host, node: host });
  }

  #updateInstance(doing: string, instance: InstanceId, set: { readonly host?: string; readonly node?: string; readonly image_ref?: string | null }): Result<void> {
    return this.#onInstance(doing, instance, async () => {
      const result = await this.#db
        .updateTable('instances')
        .set({ ...set, updated_at: this.#stamp() })
        .where('uuid', '=', instance)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) return E.right(undefined);
      // MySQL may count only changed rows: tell "unchanged" from "absent".
      const found = await this.#db.selectFrom('instances').select('id').where('uuid', '=', instance).where('deleted', '=', 0).execute();
      return found.length > 0 ? E.right(undefined) : E.left(instanceNotFound(instance));
    });
  }

  listDisks(instance: InstanceId): Result<readonly DiskRecordRow[]> {
    return this.#onInstance('listDisks', instance, async () => {
      const { rows: raw } = await instanceRows(this.#db, this.#flavour, instance);
      const rows = instanceRowsDecoder(raw, 'listDisks');
      if (E.isLeft(rows)) return E.left(rowUnreadable('listDisks', rows.left));
      if (!rows.right.some((r) => r.src === 'instance')) return E.left(instanceNotFound(instance));
      // BDM rows in id order (creation order), then instance-level records in a fixed order.
      const out: DiskRecordRow[] = [];
      for (const r of [...rows.right].sort((a, b) => (a.id ?? 0) - (b.id ?? 0))) {
        if (r.src === 'bdm' && r.kind !== null && r.pos !== null) {
          const disk = diskOfRow(r.kind, r.pos);
          if (disk !== null) out.push({ instance, disk, bdmId: r.id, driverInfo: r.info });
        }
      }
      const extra = rows.right.filter((r) => r.src === 'extra').sort((a, b) => (a.id ?? 0) - (b.id ?? 0))[0];
      const records = decodeInstanceRecords(extra?.info ?? null, 'instance_extra.libvirt_disk_metadata');
      if (E.isLeft(records)) return E.left(rowUnreadable('listDisks', records.left));
      for (const disk of INSTANCE_LEVEL_DISKS) {
        const driverInfo = records.right.live.get(disk);
        if (driverInfo !== undefined) out.push({ instance, disk, bdmId: null, driverInfo });
      }
      return E.right(out);
    });
  }

  saveRecords(instance: InstanceId, writes: readonly RecordWrite[]): Result<void> {
    const bad = writes.findIndex((w: unknown) => !isRecordWrite(w));
    if (bad >= 0) {
      const w: unknown = writes[bad];
      const disk = typeof w === 'object' && w !== null && 'disk' in w ? ` for disk ${JSON.stringify(w.disk)}` : '';
      return TE.left(repositoryInputInvalid(`saveRecords: invalid write${disk} at writes[${bad}]`, `writes[${bad}]`));
    }
    if (writes.length === 0) return TE.map(() => undefined)(this.getInstance(instance));
    const plan = planSave(instance, writes, this.#stamp(), this.#newUuid);
    return this.#onInstance('saveRecords', instance, async () => {
      const outcome = await this.#flavour.saveRecords(this.#db, plan);
      if (!outcome.found) return E.left(instanceNotFound(instance));
      if (!outcome.applied) return E.left(ephemeralGap(instance, outcome.ephemerals, plan.minEphemerals));
      return E.right(undefined);
    });
  }

  compareAndSetRecord(
    instance: InstanceId,
    disk: DiskName,
    driverInfo: string,
  ): Result<{ readonly written: boolean; readonly driverInfo: string }> {
    if (!isDiskName(disk) || typeof driverInfo !== 'string') {
      return TE.left(repositoryInputInvalid(`compareAndSetRecord: invalid write for disk ${JSON.stringify(disk)}`, 'disk'));
    }
    const call = { instance, disk, driverInfo, now: this.#stamp(), rowUuid: this.#newUuid() };
    return this.#onInstance('compareAndSetRecord', instance, () => inWriteTransaction(this.#db, this.#flavour, compareAndSet(this.#flavour, call)));
  }

  clearRecord(instance: InstanceId, disk: DiskName, driverInfo: string, options: ClearOptions = {}): Result<boolean> {
    if (!isDiskName(disk)) return TE.left(repositoryInputInvalid(`clearRecord: not a disk role: ${JSON.stringify(disk)}`, 'disk'));
    if (typeof driverInfo !== 'string') return TE.left(repositoryInputInvalid('clearRecord: driverInfo must be text', 'driverInfo'));
    const call = { instance, disk, driverInfo, dropRow: options.dropRow === true, now: this.#stamp() };
    return this.#onInstance('clearRecord', instance, () => inWriteTransaction(this.#db, this.#flavour, clearRecord(this.#flavour, call)));
  }

  deleteInstance(instance: InstanceId): Result<void> {
    const now = this.#stamp();
    return this.#onInstance('deleteInstance', instance, () =>
      inWriteTransaction(this.#db, this.#flavour, async (trx) => {
        // oslo.db's soft delete: deleted = id, deleted_at = now, updated_at untouched.
        const soft = { deleted: sql<number>`id`, deleted_at: now };
        const gone = await trx.updateTable('instances').set(soft).where('uuid', '=', instance).where('deleted', '=', 0).executeTakeFirst();
        if (Number(gone.numUpdatedRows) === 0) return E.left(instanceNotFound(instance));
        await trx.updateTable('block_device_mapping').set(soft).where('instance_uuid', '=', instance).where('deleted', '=', 0).execute();
        await trx.updateTable('instance_extra').set(soft).where('instance_uuid', '=', instance).where('deleted', '=', 0).execute();
        return E.right(undefined);
      }),
    );
  }

  /**
   * Up to `limit` live local BDM rows still without `driver_info`, oldest
   * first (by id), of live instances (on `host` if given). `afterId`
   * continues after a row already handled and `excludeIds` skips rows the
   * caller cannot derive a record for, so every batch makes progress.
   */
  listUnpopulated(limit: number, options: ListOptions = {}): Result<readonly (DiskRecordRow & InstanceRow)[]> {
    if (options.host !== undefined && !isHostName(options.host)) return TE.left(hostNameRefused('listUnpopulated', options.host));
    return this.#listed('listUnpopulated', filterOf(false, options), limit);
  }

  /**
   * Fill `driver_info` of many rows in ONE statement (online migration). Rows
   * that got a record meanwhile (a first touch wins), were deleted or do not
   * exist are left alone: returns how many were written. The last entry wins
   * for a repeated id.
   */
  fillUnpopulated(writes: readonly BdmWrite[]): Result<number> {
    // A caller outside the type system may pass anything: a write that is not one is refused, naming its index.
    const bad = writes.findIndex((w: unknown) => !isBdmWrite(w));
    if (bad >= 0) {
      const w: unknown = writes[bad];
      const row = typeof w === 'object' && w !== null && 'bdmId' in w ? ` for BDM row ${String(w.bdmId)}` : '';
      return TE.left(repositoryInputInvalid(`fillUnpopulated: invalid write${row} at writes[${bad}]`, `writes[${bad}]`));
    }
    const unique = [...new Map(writes.map((w) => [w.bdmId, w] as const)).values()];
    return this.#run('fillUnpopulated', async () => E.right(await this.#flavour.fillUnpopulated(this.#db, unique, this.#stamp())));
  }

  /** How many live local BDM rows still have no `driver_info`. */
  countUnpopulated(): Result<number> {
    return this.#run('countUnpopulated', async () =>
      E.mapLeft((m: RowMismatch) => rowUnreadable('countUnpopulated', m))(
        await countRows(this.#db, filterOf(false, {})),
      ),
    );
  }

  /** Up to `limit` live local BDM rows that have a record, by id after `afterId`, for a census the caller decodes. */
  listPopulated(limit: number, options: ListOptions = {}): Result<readonly PopulatedRow[]> {
    if (options.host !== undefined && !isHostName(options.host)) return TE.left(hostNameRefused('listPopulated', options.host));
    return pipe(
      this.#listed('listPopulated', filterOf(true, options), limit),
      TE.map((rows) => rows.flatMap((r) => (r.driverInfo === null ? [] : [{ ...r, bdmId: r.bdmId ?? 0, driverInfo: r.driverInfo }]))),
    );
  }

  /** Counts over the whole database: live instances, local rows with and without a record, instances with instance-level records. */
  census(): Result<Census> {
    return this.#run('census', () => census(this.#db));
  }

  /**
   * An instance's soft-deleted records: BDM rows removed by a null write or
   * by deleteInstance (oldest first), then instance-level records of deleted
   * instance_extra rows and those removed from the live one.
   */
  listDeletedDisks(instance: InstanceId): Result<readonly DeletedRecord[]> {
    // As for any id that names no instance: nothing deleted (and no SQL, for the reason #onInstance gives).
    if (!isInstanceId(instance)) return TE.right([]);
    return this.#run('listDeletedDisks', () => deletedRecords(this.#db, this.#flavour, instance));
  }

  #listed(doing: string, filter: RowFilter, limit: number): Result<readonly (DiskRecordRow & InstanceRow)[]> {
    if (!Number.isSafeInteger(limit) || limit < 0) return TE.left(repositoryInputInvalid(`${doing}: limit must be a non-negative integer`, 'limit'));
    if (limit === 0) return TE.right([]);
    return this.#run(doing, () => listedRows(this.#db, this.#flavour, doing, filter, limit));
  }
}
