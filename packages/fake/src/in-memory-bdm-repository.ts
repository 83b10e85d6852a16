/**
 * Adapts the `BlockDeviceMappingRepository` port to memory, with the
 * semantics the SQL adapters have (the shared contract suite checks both):
 * BDM rows and instance-level records are soft-deleted, never erased; a
 * deleted instance's id may be registered again; every call is atomic (its
 * input is checked whole before anything changes) and counts as one round
 * trip. Errors: an unknown or deleted instance is `INSTANCE_NOT_FOUND`, a
 * live one registered again `INSTANCE_EXISTS`, a write naming no disk role
 * or an injected fault `REPOSITORY_FAILED`. Rows still lacking
 * `driver_info` are kept in id order on the side, so `listUnpopulated` and
 * `fillUnpopulated` do not scan populated rows.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
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
  type RepositoryInputInvalid,
  type UnpopulatedQuery,
} from '@disk-ledger/domain';
import { instanceExists, instanceNotFound, repositoryFailed } from './repository-errors.js';
import { UnpopulatedIndex } from './unpopulated-index.js';

// ---- types

/** One stored row, soft-deleted or not: a BDM row (`bdmId` set) or an instance-level record. */
export interface StoredRecordRow {
  readonly instance: InstanceId;
  readonly disk: DiskName;
  readonly bdmId: number | null;
  readonly driverInfo: string | null;
  readonly deleted: boolean;
}

interface Row {
  readonly id: number;
  readonly disk: DiskName;
  readonly bdm: boolean;
  driverInfo: string | null;
  deleted: boolean;
}

interface Instance {
  readonly instance: InstanceId;
  host: string;
  deleted: boolean;
  migration: string | null;
  imageRef: string | null;
  /** Rows in creation order. */
  readonly rows: Row[];
  /**
   * The rows not soft-deleted, in creation order: every read wants only these, and an instance whose
   * records are dropped and written again (reboot, resize, migration) gathers deleted rows without end.
   */
  readonly current: Row[];
}

// ---- ephemeral positions

const EPHEMERAL = /^ephemeral([0-9]+)$/;

const positionOf = (disk: string): number | null => {
  const m = EPHEMERAL.exec(disk);
  return m === null ? null : Number(m[1]);
};

/**
 * Ephemeral disks are numbered by their position among the instance's
 * ephemeral BDM rows (as nova lists them, and the SQL adapters store them):
 * new ones must fill the next positions, with no gap. `null` when they do.
 */
const ephemeralGapIn = (instance: string, existing: readonly string[], adding: readonly string[]): RepositoryInputInvalid | null => {
  const have = new Set(existing.map(positionOf).filter((p): p is number => p !== null));
  const added = new Set(adding.map(positionOf).filter((p): p is number => p !== null && !have.has(p)));
  if (added.size === 0) return null;
  const all = new Set([...have, ...added]);
  for (let p = 0; p < all.size; p += 1) {
    if (all.has(p)) continue;
    return ephemeralGap(instance, have.size, Math.max(...added) + 1 - added.size);
  }
  return null;
};

// ---- the repository

/** The repository in memory. */
export class InMemoryBlockDeviceMappingRepository implements BlockDeviceMappingRepository {
  private readonly live = new Map<InstanceId, Instance>();
  private readonly gone: Instance[] = [];
  /** Live BDM rows with no `driver_info`, in id order, overall and by host. */
  private readonly unpopulated = new UnpopulatedIndex<{ readonly id: number; readonly row: Row; readonly owner: Instance }>();
  private nextId = 1;
  private calls = 0;
  private pendingFault: string | null = null;

  private ephemeralGap(owner: Instance, adding: readonly string[]): RepositoryInputInvalid | null {
    return ephemeralGapIn(owner.instance, owner.current.filter((r) => r.bdm).map((r) => r.disk), adding);
  }

  /** Calls made so far: each is one round trip. */
  get roundTrips(): number {
    return this.calls;
  }

  /** Make the next call fail with `REPOSITORY_FAILED`, writing nothing. */
  failNext(message = 'injected repository failure'): void {
    this.pendingFault = message;
  }

  /** Withdraw a `failNext` that no call has consumed yet. */
  clearFault(): void {
    this.pendingFault = null;
  }

  createInstance(instance: InstanceId, host: string, disks: readonly DiskName[], imageRef: string | null = null): TE.TaskEither<RepositoryError, void> {
    return this.call(() => {
      if (!isInstanceId(instance)) return E.left(instanceIdRefused(instance));
      if (!isHostName(host)) return E.left(hostNameRefused('createInstance', host));
      if (!isImageRef(imageRef)) return E.left(repositoryInputInvalid(`createInstance: image_ref must be printable ASCII of at most ${IMAGE_REF_MAX} characters, or null`, 'imageRef'));
      if (this.live.has(instance)) return E.left(instanceExists(instance));
      const bad = disks.find((d) => !isDiskName(d));
      if (bad !== undefined) return E.left(repositoryInputInvalid(`createInstance: not a disk role: ${JSON.stringify(bad)}`, 'disks'));
      const bdmDisks = disks.filter(hasBdm);
      if (new Set(bdmDisks).size !== bdmDisks.length) return E.left(repositoryInputInvalid(`createInstance: a disk is listed twice for instance ${instance}`, 'disks'));
      const gap = ephemeralGapIn(instance, [], bdmDisks);
      if (gap !== null) return E.left(gap);
      const owner: Instance = { instance, host, deleted: false, migration: null, imageRef, rows: [], current: [] };
      this.live.set(instance, owner);
      for (const disk of bdmDisks) this.addRow(owner, disk, true, null);
      return E.right(undefined);
    });
  }

  getInstance(instance: InstanceId): TE.TaskEither<RepositoryError, InstanceState> {
    return this.call(() => {
      const owner = this.live.get(instance);
      return owner === undefined ? E.left(instanceNotFound(instance)) : E.right({ instance, host: owner.host, migration: owner.migration, imageRef: readImageRef(owner.imageRef) });
    });
  }

  setMigration(instance: InstanceId, migration: string | null): TE.TaskEither<RepositoryError, void> {
    return this.call(() => {
      if (migration !== null && typeof migration !== 'string') return E.left(repositoryInputInvalid(`setMigration: migration must be text or null`, 'migration'));
      const owner = this.live.get(instance);
      if (owner === undefined) return E.left(instanceNotFound(instance));
      owner.migration = migration;
      return E.right(undefined);
    });
  }

  setImageRef(instance: InstanceId, imageRef: string | null): TE.TaskEither<RepositoryError, void> {
    return this.call(() => {
      if (!isImageRef(imageRef)) return E.left(repositoryInputInvalid(`setImageRef: image_ref must be printable ASCII of at most ${IMAGE_REF_MAX} characters, or null`, 'imageRef'));
      const owner = this.live.get(instance);
      if (owner === undefined) return E.left(instanceNotFound(instance));
      owner.imageRef = imageRef;
      return E.right(undefined);
    });
  }

  setHost(instance: InstanceId, host: string): TE.TaskEither<RepositoryError, void> {
    return this.call(() => {
      if (!isHostName(host)) return E.left(hostNameRefused('setHost', host));
      const owner = this.live.get(instance);
      if (owner === undefined) return E.left(instanceNotFound(instance));
      owner.host = host;
      // Only live rows can lack driver_info.
      this.unpopulated.move(owner.current.map((r) => r.id), host);
      return E.right(undefined);
    });
  }

  listDisks(instance: InstanceId): TE.TaskEither<RepositoryError, readonly DiskRecordRow[]> {
    return this.call(() => {
      const owner = this.live.get(instance);
      if (owner === undefined) return E.left(instanceNotFound(instance));
      // BDM rows first, then instance-level ones, each in creation order (as the SQL adapters list them).
      const out: DiskRecordRow[] = [];
      for (const r of owner.current) if (r.bdm) out.push({ instance, disk: r.disk, bdmId: r.id, driverInfo: r.driverInfo });
      for (const r of owner.current) if (!r.bdm) out.push({ instance, disk: r.disk, bdmId: null, driverInfo: r.driverInfo });
      return E.right(out);
    });
  }

  saveRecords(instance: InstanceId, writes: readonly RecordWrite[]): TE.TaskEither<RepositoryError, void> {
    return this.call(() => {
      const bad = writes.findIndex((w: unknown) => !isRecordWrite(w));
      if (bad >= 0) return E.left(repositoryInputInvalid(`invalid write at writes[${bad}]`, `writes[${bad}]`));
      const owner = this.live.get(instance);
      if (owner === undefined) return E.left(instanceNotFound(instance));
      const gap = this.ephemeralGap(owner, writes.filter((w) => w.driverInfo !== null).map((w) => w.disk));
      if (gap !== null) return E.left(gap);
      for (const w of writes) this.apply(owner, w.disk, w.driverInfo);
      return E.right(undefined);
    });
  }

  compareAndSetRecord(
    instance: InstanceId,
    disk: DiskName,
    driverInfo: string,
  ): TE.TaskEither<RepositoryError, { readonly written: boolean; readonly driverInfo: string }> {
    return this.call(() => {
      if (!isDiskName(disk) || typeof driverInfo !== 'string') return E.left(repositoryInputInvalid(`compareAndSetRecord: invalid write for disk ${JSON.stringify(disk)}`, 'disk'));
      const owner = this.live.get(instance);
      if (owner === undefined) return E.left(instanceNotFound(instance));
      const stored = this.liveRow(owner, disk)?.driverInfo ?? null;
      if (stored !== null) return E.right({ written: false, driverInfo: stored });
      const gap = this.ephemeralGap(owner, [disk]);
      if (gap !== null) return E.left(gap);
      this.apply(owner, disk, driverInfo);
      return E.right({ written: true, driverInfo });
    });
  }

  clearRecord(instance: InstanceId, disk: DiskName, driverInfo: string, options: ClearOptions = {}): TE.TaskEither<RepositoryError, boolean> {
    return this.call(() => {
      if (!isDiskName(disk)) return E.left(repositoryInputInvalid(`clearRecord: not a disk role: ${JSON.stringify(disk)}`, 'disk'));
      if (typeof driverInfo !== 'string') return E.left(repositoryInputInvalid('clearRecord: driverInfo must be text', 'driverInfo'));
      const owner = this.live.get(instance);
      if (owner === undefined) return E.left(instanceNotFound(instance));
      const row = this.liveRow(owner, disk);
      if (row?.driverInfo !== driverInfo) return E.right(false);
      if (!row.bdm || options.dropRow === true) {
        this.softDelete(owner, row);
        return E.right(true);
      }
      row.driverInfo = null;
      this.unpopulated.add({ id: row.id, row, owner }, owner.host);
      return E.right(true);
    });
  }

  deleteInstance(instance: InstanceId): TE.TaskEither<RepositoryError, void> {
    return this.call(() => {
      const owner = this.live.get(instance);
      if (owner === undefined) return E.left(instanceNotFound(instance));
      for (const r of owner.current) this.markDeleted(r);
      owner.current.length = 0;
      owner.deleted = true;
      this.live.delete(instance);
      this.gone.push(owner);
      return E.right(undefined);
    });
  }

  listUnpopulated(limit: number, options: UnpopulatedQuery = {}): TE.TaskEither<RepositoryError, readonly (DiskRecordRow & InstanceRow)[]> {
    return this.call(() => {
      if (!Number.isSafeInteger(limit) || limit < 0) return E.left(repositoryInputInvalid(`limit must be a non-negative integer, got ${limit}`, 'limit'));
      if (options.host !== undefined && !isHostName(options.host)) return E.left(hostNameRefused('listUnpopulated', options.host));
      const after = options.afterId ?? 0;
      const out: (DiskRecordRow & InstanceRow)[] = [];
      for (const { row, owner } of this.unpopulated.values(options.host)) {
        if (out.length >= limit) break;
        if (row.id <= after) continue;
        out.push({ instance: owner.instance, host: owner.host, disk: row.disk, bdmId: row.id, driverInfo: null });
      }
      return E.right(out);
    });
  }

  fillUnpopulated(writes: readonly BdmWrite[]): TE.TaskEither<RepositoryError, number> {
    return this.call(() => {
      const bad = writes.findIndex((w: unknown) => !isBdmWrite(w));
      if (bad >= 0) return E.left(repositoryInputInvalid(`invalid write at writes[${bad}]`, `writes[${bad}]`));
      let written = 0;
      for (const w of writes) {
        const entry = this.unpopulated.get(w.bdmId);
        if (entry === undefined) continue;
        entry.row.driverInfo = w.driverInfo;
        this.unpopulated.delete(w.bdmId);
        written += 1;
      }
      return E.right(written);
    });
  }

  // ---- test and seed helpers (not part of the port)

  /** Register an instance as the classic driver left it: BDM rows whose `driver_info` is null. */
  seedLegacyInstance(instance: InstanceId, host: string, disks: readonly DiskName[], imageRef: string | null = null): void {
    if (this.live.has(instance)) throw new Error(`instance ${instance} already exists`);
    const owner: Instance = { instance, host, deleted: false, migration: null, imageRef, rows: [], current: [] };
    this.live.set(instance, owner);
    for (const disk of disks.filter(hasBdm)) this.addRow(owner, disk, true, null);
  }

  /**
   * Drop everything soft-deleted, as `nova-manage db archive_deleted_rows` moves it out of nova's tables:
   * deleted instances with all their rows, and the deleted rows of live instances. No call of the port
   * returns soft-deleted rows, so none sees a change; {@link allRows} no longer lists what went. A long
   * run that never archives keeps every row it ever wrote. Not a round trip: it is the operator's job,
   * not an operation's. Returns how many rows went.
   */
  archiveDeleted(): number {
    let archived = 0;
    for (const owner of this.gone) archived += owner.rows.length;
    this.gone.length = 0;
    for (const owner of this.live.values()) {
      if (owner.rows.length === owner.current.length) continue;
      archived += owner.rows.length - owner.current.length;
      // `current` holds exactly the rows not deleted, in creation order, as `rows` must.
      owner.rows.length = 0;
      owner.rows.push(...owner.current);
    }
    return archived;
  }

  /** Every row stored for the instance id and not archived, soft-deleted ones included, oldest first. */
  allRows(instance: InstanceId): readonly StoredRecordRow[] {
    const owners = [...this.gone.filter((o) => o.instance === instance), ...[this.live.get(instance)].filter((o) => o !== undefined)];
    return owners.flatMap((o) => o.rows.map((r) => ({ instance, disk: r.disk, bdmId: r.bdm ? r.id : null, driverInfo: r.driverInfo, deleted: r.deleted })));
  }

  // ---- internals

  /** One round trip: counted, subject to an injected fault, run when the task runs. */
  private call<A>(body: () => E.Either<RepositoryError, A>): TE.TaskEither<RepositoryError, A> {
    return async () => {
      this.calls += 1;
      const fault = this.pendingFault;
      if (fault !== null) {
        this.pendingFault = null;
        return E.left(repositoryFailed(fault));
      }
      return body();
    };
  }

  private liveRow(owner: Instance, disk: DiskName): Row | undefined {
    for (const r of owner.current) if (r.disk === disk) return r;
    return undefined;
  }

  private addRow(owner: Instance, disk: DiskName, bdm: boolean, driverInfo: string | null): void {
    const row: Row = { id: this.nextId, disk, bdm, driverInfo, deleted: false };
    this.nextId += 1;
    owner.rows.push(row);
    owner.current.push(row);
    if (bdm && driverInfo === null) this.unpopulated.add({ id: row.id, row, owner }, owner.host);
  }

  private softDelete(owner: Instance, r: Row): void {
    this.markDeleted(r);
    owner.current.splice(owner.current.indexOf(r), 1);
  }

  private markDeleted(r: Row): void {
    r.deleted = true;
    this.unpopulated.delete(r.id);
  }

  /** Store or remove one disk's record; the slot is created when needed. */
  private apply(owner: Instance, disk: DiskName, driverInfo: string | null): void {
    const row = this.liveRow(owner, disk);
    if (driverInfo === null) {
      if (row !== undefined) this.softDelete(owner, row);
      return;
    }
    if (row === undefined) {
      this.addRow(owner, disk, hasBdm(disk), driverInfo);
      return;
    }
    row.driverInfo = driverInfo;
    this.unpopulated.delete(row.id);
  }
}
