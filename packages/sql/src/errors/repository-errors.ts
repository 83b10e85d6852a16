/**
 * Constructors of the port's error values, and the one place where an
 * exception thrown by a driver becomes a `RepositoryFailed` value.
 */
import type { InstanceExists, InstanceNotFound, RepositoryFailed } from '@disk-ledger/domain';
import { describeMismatch, type RowMismatch } from '../rows/decode.js';

/** The instance is unknown or soft-deleted. */
export const instanceNotFound = (instance: string): InstanceNotFound => ({
  _tag: 'InstanceNotFound',
  code: 'INSTANCE_NOT_FOUND',
  instance,
  path: 'instance',
  message: `instance ${instance} does not exist (or is deleted)`,
});

/** The instance already exists. */
export const instanceExists = (instance: string, cause?: unknown): InstanceExists => ({
  _tag: 'InstanceExists',
  code: 'INSTANCE_EXISTS',
  instance,
  path: 'instance',
  message: `instance ${instance} already exists`,
  ...(cause === undefined ? {} : { cause }),
});

/** The database failed, or refused the call; nothing of it was written. */
export const repositoryFailed = (message: string, cause?: unknown, path?: string): RepositoryFailed => ({
  _tag: 'RepositoryFailed',
  code: 'REPOSITORY_FAILED',
  message,
  ...(path === undefined ? {} : { path }),
  ...(cause === undefined ? {} : { cause }),
});

/** The message of whatever a driver threw. */
export const describeCause = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/** A driver exception, as a value: what was being done and why it failed. */
export const driverFailed =
  (doing: string) =>
  (cause: unknown): RepositoryFailed =>
    repositoryFailed(`${doing} failed: ${describeCause(cause)}`, cause);

/** A row that does not decode: the database holds something this code does not understand. */
export const rowUnreadable = (doing: string, mismatch: RowMismatch): RepositoryFailed =>
  repositoryFailed(`${doing}: unexpected row, ${describeMismatch(mismatch)}`, mismatch, mismatch.path);

