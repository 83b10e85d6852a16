/**
 * A repository port wrapper for tests: every call goes to the wrapped
 * repository, and every write that succeeded is appended to an event log
 * together with the number of host commands run before it, so a test can
 * tell whether a record was durable before the first command touching its
 * disk. Test-only (this folder is not built).
 */
import type {
  ClearOptions,
  BdmWrite,
  BlockDeviceMappingRepository,
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

// ---- types

/** One successful repository write. */
export interface WriteEvent {
  /** Position among the writes, from 1. */
  readonly seq: number;
  /** Host commands run before this write (the fake's command count): commands with `seq` > this came after. */
  readonly afterCommands: number;
  /** The step tag the host commands carried when this write was made (`null` when the run tags none). */
  readonly step: string | number | null;
  readonly op: 'createInstance' | 'saveRecords' | 'compareAndSetRecord' | 'clearRecord' | 'setHost' | 'setImageRef' | 'setMigration' | 'deleteInstance' | 'fillUnpopulated';
  readonly instance: InstanceId | null;
  /** The record writes of the call (empty for calls that write no record). */
  readonly writes: readonly RecordWrite[];
}

// ---- the wrapper

/** Wraps a repository and logs its successful writes. */
export class RecordingRepository implements BlockDeviceMappingRepository {
  readonly events: WriteEvent[] = [];
  /** Every instance id ever registered through this wrapper. */
  readonly instances = new Set<InstanceId>();

  constructor(
    private readonly inner: BlockDeviceMappingRepository,
    /** How many host commands have run so far. */
    private readonly commandClock: () => number,
    /** The step tag host commands carry now. */
    private readonly stepClock: () => string | number | null = () => null,
  ) {}

  createInstance(instance: InstanceId, host: string, disks: readonly DiskName[], imageRef?: string | null): TE.TaskEither<RepositoryError, void> {
    this.instances.add(instance);
    return this.logged(this.inner.createInstance(instance, host, disks, imageRef), 'createInstance', instance, []);
  }
  getInstance(instance: InstanceId): TE.TaskEither<RepositoryError, InstanceState> {
    return this.inner.getInstance(instance);
  }
  setMigration(instance: InstanceId, migration: string | null): TE.TaskEither<RepositoryError, void> {
    return this.logged(this.inner.setMigration(instance, migration), 'setMigration', instance, []);
  }
  setHost(instance: InstanceId, host: string): TE.TaskEither<RepositoryError, void> {
    return this.logged(this.inner.setHost(instance, host), 'setHost', instance, []);
  }
  setImageRef(instance: InstanceId, imageRef: string | null): TE.TaskEither<RepositoryError, void> {
    return this.logged(this.inner.setImageRef(instance, imageRef), 'setImageRef', instance, []);
  }
  listDisks(instance: InstanceId): TE.TaskEither<RepositoryError, readonly DiskRecordRow[]> {
    return this.inner.listDisks(instance);
  }
  saveRecords(instance: InstanceId, writes: readonly RecordWrite[]): TE.TaskEither<RepositoryError, void> {
    return this.logged(this.inner.saveRecords(instance, writes), 'saveRecords', instance, writes);
  }
  compareAndSetRecord(instance: InstanceId, disk: DiskName, driverInfo: string): TE.TaskEither<RepositoryError, { readonly written: boolean; readonly driverInfo: string }> {
    return async () => {
      const r = await this.inner.compareAndSetRecord(instance, disk, driverInfo)();
      if (E.isRight(r) && r.right.written) this.push('compareAndSetRecord', instance, [{ disk, driverInfo }]);
      return r;
    };
  }
  clearRecord(instance: InstanceId, disk: DiskName, driverInfo: string, options?: ClearOptions): TE.TaskEither<RepositoryError, boolean> {
    return async () => {
      const r = await this.inner.clearRecord(instance, disk, driverInfo, options)();
      if (E.isRight(r) && r.right) this.push('clearRecord', instance, [{ disk, driverInfo: null }]);
      return r;
    };
  }
  deleteInstance(instance: InstanceId): TE.TaskEither<RepositoryError, void> {
    return this.logged(this.inner.deleteInstance(instance), 'deleteInstance', instance, []);
  }
  listUnpopulated(limit: number, options?: UnpopulatedQuery): TE.TaskEither<RepositoryError, readonly (DiskRecordRow & InstanceRow)[]> {
    return this.inner.listUnpopulated(limit, options);
  }
  fillUnpopulated(writes: readonly BdmWrite[]): TE.TaskEither<RepositoryError, number> {
    return this.logged(this.inner.fillUnpopulated(writes), 'fillUnpopulated', null, []);
  }

  /** The record writes of one disk, oldest first. */
  writesOf(instance: InstanceId, disk: DiskName): readonly (WriteEvent & { readonly driverInfo: string | null })[] {
    return this.events.flatMap((e) =>
      e.instance !== instance ? [] : e.writes.filter((w) => w.disk === disk).map((w) => ({ ...e, driverInfo: w.driverInfo })),
    );
  }

  private logged<A>(task: TE.TaskEither<RepositoryError, A>, op: WriteEvent['op'], instance: InstanceId | null, writes: readonly RecordWrite[]): TE.TaskEither<RepositoryError, A> {
    return async () => {
      const r = await task();
      if (E.isRight(r)) this.push(op, instance, writes);
      return r;
    };
  }

  private push(op: WriteEvent['op'], instance: InstanceId | null, writes: readonly RecordWrite[]): void {
    this.events.push({ seq: this.events.length + 1, afterCommands: this.commandClock(), step: this.stepClock(), op, instance, writes: [...writes] });
  }
}
