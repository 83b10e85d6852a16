import { encodeDiskMetadata, type BdmWrite, type BlockDeviceMappingRepository, type DomainError, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { inject, injectable } from 'inversify';
import type { CoreError } from '../errors/core-error.js';
import type { HostRegistry, UnknownHost } from '../lifecycle/host-registry.js';
import { TOKENS } from '../tokens.js';
import { LIFECYCLE_TOKENS } from '../lifecycle/lifecycle-tokens.js';
import type { LegacyAdoption } from './legacy-adoption.js';

/** A row (or an instance-level disk) that could not be migrated, and why. It never blocks the others. */
export interface MigrationFailure {
  /** The row's id; -1 for an instance-level disk, which has no row. */
  readonly bdmId: number;
  readonly instance: string;
  readonly disk: string;
  readonly code: string;
  readonly reason: string;
}

/** A `maxCount` that is not a positive whole number: nothing is looked at. */
export type InvalidCount = DomainError<'InvalidCount', 'INVALID_COUNT'>;

/** One run's outcome, as nova's online data migrations report it. */
export interface MigrationResult {
  /** Rows lacking `driver_info` that this run looked at. */
  readonly found: number;
  /** Rows it filled. */
  readonly done: number;
  /**
   * Rows it derived that a concurrent writer (another migration run, a
   * first touch) filled first: done by someone else, and a sign that rows
   * this run did not reach may still be left.
   */
  readonly filledElsewhere: number;
  readonly failures: readonly MigrationFailure[];
  /** Instances whose rows it derived and wrote, in the order it met them (a concurrent writer may have filled some first). */
  readonly instances: readonly InstanceId[];
}

const PAGE = 200;

/**
 * `nova-manage db online_data_migrations` for disk records: fills
 * `driver_info` of rows that lack it, deriving each with the legacy rules
 * from the host's options and `disk.info` (never a disk's bytes). The
 * instance-level disks (config drive, kernel, ramdisk, rescue) of the
 * instances whose rows it fills have no row to list them; they are adopted
 * with the same rules, as a first touch would, so that a migrated instance
 * has a record for every disk while its host can still be asked (an
 * evacuation cannot ask a host that is down). They are adopted before the
 * instance's rows are filled, and an instance one of whose instance-level
 * disks cannot be adopted keeps its rows unfilled (the failure names that
 * disk, reported by every run that lists those rows; they do not count
 * against `maxCount`): a run cut short, or a failure, leaves rows that the
 * next run lists again, so no instance is taken for migrated with a disk
 * unrecorded. Rows that
 * cannot be derived are reported and skipped by a cursor, so every run makes
 * progress on the derivable ones. Idempotent: filled rows are never listed
 * again, and a row a concurrent first touch filled is left as it is.
 *
 * A row that could not be derived needs an operator (a layout supplied, a
 * `disk.info` restored), not another attempt: this service remembers the
 * failure for the host's configuration and reports it again in later runs
 * without deriving the row again (a periodic job would otherwise re-read
 * every such disk batch after batch). The memory is this process's, per
 * host configuration: a reconfigured host, or a fresh process such as the
 * `db online-migrate` command, derives every row again. A run that reaches
 * the end of the host's rows forgets failures of rows no longer listed
 * (filled, deleted or moved away).
 */
@injectable()
export class OnlineMigration {
  /** Failures by BDM id, per host configuration (its adoption service, replaced when the host is). */
  private readonly failed = new WeakMap<LegacyAdoption, Map<number, MigrationFailure>>();

  constructor(
    @inject(TOKENS.Repository) private readonly repository: BlockDeviceMappingRepository,
    @inject(LIFECYCLE_TOKENS.HostRegistry) private readonly hosts: HostRegistry,
  ) {}

  /**
   * Migrate up to `maxCount` rows of instances on `host` (a positive whole
   * number, else `INVALID_COUNT`). Rows of instances in `options.skip` are
   * left for a later run: the caller names those whose disks are not this
   * host's to describe yet (nova: a resize awaiting confirm or revert that a
   * compute not yet upgraded made; a revert would take the instance back to
   * its old disks, and records derived here would describe the wrong ones).
   */
  async run(host: string, maxCount: number, options: { readonly skip?: ReadonlySet<string> } = {}): Promise<E.Either<CoreError | UnknownHost | InvalidCount, MigrationResult>> {
    if (!Number.isSafeInteger(maxCount) || maxCount < 1) {
      return E.left({ _tag: 'InvalidCount', code: 'INVALID_COUNT', path: 'maxCount', message: `maxCount must be a positive whole number, got ${String(maxCount)}` });
    }
    const services = this.hosts.get(host);
    if (E.isLeft(services)) return services;
    const adoption = services.right.adoption;
    const known = this.failed.get(adoption);
    let afterId = 0;
    let found = 0;
    /** Whether this run looked at every row the host has left to fill. */
    let complete = false;
    const writes: BdmWrite[] = [];
    /** Per instance with a derived row: whether its instance-level disks were adopted (else its rows are held back). */
    const adopted = new Map<InstanceId, boolean>();
    const failures: MigrationFailure[] = [];
    while (writes.length < maxCount) {
      const rows = await this.repository.listUnpopulated(PAGE, { afterId, host })();
      if (E.isLeft(rows)) return rows;
      let looked = 0;
      for (const row of rows.right) {
        afterId = Math.max(afterId, row.bdmId ?? afterId);
        if (writes.length >= maxCount) break;
        if (options.skip?.has(row.instance) === true) continue;
        looked += 1;
        found += 1;
        const before = row.bdmId === null ? undefined : known?.get(row.bdmId);
        if (before !== undefined && before.instance === row.instance && before.disk === row.disk) {
          failures.push(before);
          continue;
        }
        const derived = await adoption.derive(row.instance, row.disk)();
        if (E.isLeft(derived)) {
          failures.push({ bdmId: row.bdmId ?? -1, instance: row.instance, disk: row.disk, code: derived.left.code, reason: derived.left.message });
          continue;
        }
        if (row.bdmId === null) continue;
        // Instance-level disks first: the instance's rows, still unfilled, list it again in the next run should this one
        // stop before they are filled (a killed process), or should one of those disks fail to be adopted.
        let ready = adopted.get(row.instance);
        if (ready === undefined) {
          const failed = await this.adoptInstanceLevel(adoption, row.instance);
          ready = failed.length === 0;
          adopted.set(row.instance, ready);
          failures.push(...failed);
        }
        // A held row is reported through its instance's failure and does not count against maxCount.
        if (ready) writes.push({ bdmId: row.bdmId, driverInfo: encodeDiskMetadata(derived.right) });
      }
      // A page shorter than asked for is the last one: asking again would only list nothing.
      if (rows.right.length < PAGE) {
        complete = looked === rows.right.length;
        break;
      }
    }
    this.remember(adoption, known, failures, complete);
    if (writes.length === 0) return E.right({ found, done: 0, filledElsewhere: 0, failures, instances: [] });
    const written = await this.repository.fillUnpopulated(writes)();
    if (E.isLeft(written)) return written;
    const instances = [...adopted].filter(([, ready]) => ready).map(([instance]) => instance);
    return E.right({ found, done: written.right, filledElsewhere: writes.length - written.right, failures, instances });
  }

  /** Give the instance-level disks `disk.info` (or the host's pool) holds for `instance` a record; what failed, as failures. */
  private async adoptInstanceLevel(adoption: LegacyAdoption, instance: InstanceId): Promise<MigrationFailure[]> {
    const fail = (disk: string, e: CoreError): MigrationFailure => ({ bdmId: -1, instance, disk, code: e.code, reason: e.message });
    const rows = await this.repository.listDisks(instance)();
    if (E.isLeft(rows)) return [fail('-', rows.left)];
    // A slot with any record, even one that does not decode, is not adopted over.
    const known = new Set(rows.right.filter((r) => r.driverInfo !== null).map((r) => r.disk));
    const hinted = await adoption.adoptHinted(instance, known)();
    if (E.isLeft(hinted)) return [fail('-', hinted.left)];
    return hinted.right.flatMap(({ disk, result }) => (E.isLeft(result) ? [fail(disk, result.left)] : []));
  }

  /** Keep this run's failures; after a run over all of the host's rows, only those. */
  private remember(adoption: LegacyAdoption, known: Map<number, MigrationFailure> | undefined, failures: readonly MigrationFailure[], complete: boolean): void {
    const kept = complete || known === undefined ? new Map<number, MigrationFailure>() : known;
    for (const f of failures) if (f.bdmId >= 0) kept.set(f.bdmId, f);
    this.failed.set(adoption, kept);
  }
}
