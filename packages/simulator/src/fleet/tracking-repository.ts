/**
 * A decorator over the repository a fleet run replays on: it counts the
 * round trips the drivers make (and only those: the census reads the inner
 * repository directly, so its reads never inflate `dbRoundTrips`), and it
 * reports every instance whose records a call may have changed, so the
 * census re-reads those (an online migration batch changes instances no
 * step names). Errors pass through as the inner repository returns them.
 */
import type {
  BdmWrite,
  BlockDeviceMappingRepository,
  ClearOptions,
  DiskName,
  DiskRecordRow,
  InstanceId,
  InstanceRow,
  InstanceState,
  RecordWrite,
  RepositoryError,
  UnpopulatedQuery,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { CountingRepository } from '../world/world.js';

/** The repository of a fleet run, with what it reports. */
export class TrackingRepository implements CountingRepository {
  private calls = 0;
  /** Instances of rows the online migration listed, by BDM id, until it fills them. */
  private readonly listed = new Map<number, InstanceId>();

  constructor(
    /** The repository itself; the census reads it directly. */
    readonly inner: BlockDeviceMappingRepository,
    /** Told the instance whose records a write may have changed. */
    private readonly touched: (instance: string) => void,
  ) {}

  /** Round trips the drivers made. */
  get roundTrips(): number {
    return this.calls;
  }

  createInstance(instance: InstanceId, host: string, disks: readonly DiskName[], imageRef?: string | null): TE.TaskEither<RepositoryError, void> {
    return this.write(instance, this.inner.createInstance(instance, host, disks, imageRef));
  }

  getInstance(instance: InstanceId): TE.TaskEither<RepositoryError, InstanceState> {
    return this.read(this.inner.getInstance(instance));
  }

  setMigration(instance: InstanceId, migration: string | null): TE.TaskEither<RepositoryError, void> {
    return this.read(this.inner.setMigration(instance, migration));
  }

  setHost(instance: InstanceId, host: string): TE.TaskEither<RepositoryError, void> {
    return this.read(this.inner.setHost(instance, host));
  }

  setImageRef(instance: InstanceId, imageRef: string | null): TE.TaskEither<RepositoryError, void> {
    return this.read(this.inner.setImageRef(instance, imageRef));
  }

  listDisks(instance: InstanceId): TE.TaskEither<RepositoryError, readonly DiskRecordRow[]> {
    return this.read(this.inner.listDisks(instance));
  }

  saveRecords(instance: InstanceId, writes: readonly RecordWrite[]): TE.TaskEither<RepositoryError, void> {
    return this.write(instance, this.inner.saveRecords(instance, writes));
  }

  compareAndSetRecord(instance: InstanceId, disk: DiskName, driverInfo: string): TE.TaskEither<RepositoryError, { readonly written: boolean; readonly driverInfo: string }> {
    return this.write(instance, this.inner.compareAndSetRecord(instance, disk, driverInfo));
  }

  clearRecord(instance: InstanceId, disk: DiskName, driverInfo: string, options?: ClearOptions): TE.TaskEither<RepositoryError, boolean> {
    return this.write(instance, this.inner.clearRecord(instance, disk, driverInfo, options));
  }

  deleteInstance(instance: InstanceId): TE.TaskEither<RepositoryError, void> {
    return this.write(instance, this.inner.deleteInstance(instance));
  }

  listUnpopulated(limit: number, options?: UnpopulatedQuery): TE.TaskEither<RepositoryError, readonly (DiskRecordRow & InstanceRow)[]> {
    const task = this.inner.listUnpopulated(limit, options);
    return async () => {
      this.calls += 1;
      const rows = await task();
      if (E.isRight(rows)) for (const r of rows.right) if (r.bdmId !== null) this.listed.set(r.bdmId, r.instance);
      return rows;
    };
  }

  fillUnpopulated(writes: readonly BdmWrite[]): TE.TaskEither<RepositoryError, number> {
    const task = this.inner.fillUnpopulated(writes);
    return async () => {
      this.calls += 1;
      const r = await task();
      // A row is only ever filled after being listed, so its instance is known here.
      for (const w of writes) {
        const instance = this.listed.get(w.bdmId);
        if (instance !== undefined) this.touched(instance);
      }
      this.listed.clear();
      return r;
    };
  }

  private read<A>(task: TE.TaskEither<RepositoryError, A>): TE.TaskEither<RepositoryError, A> {
    return () => {
      this.calls += 1;
      return task();
    };
  }

  private write<A>(instance: string, task: TE.TaskEither<RepositoryError, A>): TE.TaskEither<RepositoryError, A> {
    return () => {
      this.calls += 1;
      this.touched(instance);
      return task();
    };
  }
}
