import { encodeDiskMetadata, type BdmWrite, type BlockDeviceMappingRepository } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { inject, injectable } from 'inversify';
import type { CoreError } from '../errors/core-error.js';
import type { HostRegistry, UnknownHost } from '../lifecycle/host-registry.js';
import { TOKENS } from '../tokens.js';
import { LIFECYCLE_TOKENS } from '../lifecycle/lifecycle-tokens.js';

/** A row that could not be migrated, and why. It never blocks the others. */
export interface MigrationFailure {
  readonly bdmId: number;
  readonly instance: string;
  readonly disk: string;
  readonly code: string;
  readonly reason: string;
}

/** One run's outcome, as nova's online data migrations report it. */
export interface MigrationResult {
  /** Rows lacking `driver_info` that this run looked at. */
  readonly found: number;
  /** Rows it filled. */
  readonly done: number;
  readonly failures: readonly MigrationFailure[];
}

const PAGE = 200;

/**
 * `nova-manage db online_data_migrations` for disk records: fills
 * `driver_info` of rows that lack it, deriving each with the legacy rules
 * from the host's options and `disk.info` (never a disk's bytes). Rows that
 * cannot be derived are reported and skipped by a cursor, so every run makes
 * progress on the derivable ones. Idempotent: filled rows are never listed
 * again, and a row a concurrent first touch filled is left as it is.
 */
@injectable()
export class OnlineMigration {
  constructor(
    @inject(TOKENS.Repository) private readonly repository: BlockDeviceMappingRepository,
    @inject(LIFECYCLE_TOKENS.HostRegistry) private readonly hosts: HostRegistry,
  ) {}

  /** Migrate up to `maxCount` rows of instances on `host`. */
  async run(host: string, maxCount: number): Promise<E.Either<CoreError | UnknownHost, MigrationResult>> {
    const services = this.hosts.get(host);
    if (E.isLeft(services)) return services;
    let afterId = 0;
    let found = 0;
    const writes: BdmWrite[] = [];
    const failures: MigrationFailure[] = [];
    while (writes.length < maxCount) {
      const rows = await this.repository.listUnpopulated(PAGE, { afterId, host })();
      if (E.isLeft(rows)) return rows;
      if (rows.right.length === 0) break;
      for (const row of rows.right) {
        afterId = Math.max(afterId, row.bdmId ?? afterId);
        if (writes.length >= maxCount) break;
        found += 1;
        const derived = await services.right.adoption.derive(row.instance, row.disk)();
        if (E.isLeft(derived)) {
          failures.push({ bdmId: row.bdmId ?? -1, instance: row.instance, disk: row.disk, code: derived.left.code, reason: derived.left.message });
        } else if (row.bdmId !== null) {
          writes.push({ bdmId: row.bdmId, driverInfo: encodeDiskMetadata(derived.right) });
        }
      }
    }
    if (writes.length === 0) return E.right({ found, done: 0, failures });
    const written = await this.repository.fillUnpopulated(writes)();
    return E.map((done: number): MigrationResult => ({ found, done, failures }))(written);
  }
}
