import type { BlockDeviceMappingRepository, ConfigDriveContents, DiskTransfer, ImageService } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { CoreError } from '../errors/core-error.js';
import type { DiskMetadataService } from '../services/metadata-service.js';
import type { HostRegistry, UnknownHost } from './host-registry.js';

/** Errors of lifecycle operations. */
export type LifecycleError = CoreError | UnknownHost;

/** What every lifecycle operation works with. */
export interface LifecycleDeps {
  readonly hosts: HostRegistry;
  readonly repository: BlockDeviceMappingRepository;
  readonly metadata: DiskMetadataService;
  readonly transfer: DiskTransfer;
  readonly images: ImageService;
  /** Where a config drive's files come from when a boot is not given them. */
  readonly configDrives: ConfigDriveContents;
}

/** A step's result: multi-step flows read best as async functions that return early on the first `Left`. */
export type Step<A> = Promise<E.Either<LifecycleError, A>>;

/** Run a TaskEither inside such a flow. */
export const run = <A>(te: TE.TaskEither<LifecycleError, A>): Step<A> => te();

/** Run the steps one after another, stopping at the first failure. */
export const sequence = async <T>(items: readonly T[], f: (item: T) => Step<unknown>): Step<void> => {
  for (const item of items) {
    const r = await f(item);
    if (E.isLeft(r)) return r;
  }
  return E.right(undefined);
};
