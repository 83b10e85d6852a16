/**
 * Constructors of the repository port's errors, as every adapter reports them.
 */
import type { InstanceExists, InstanceNotFound, RepositoryFailed } from '@disk-ledger/domain';

/** `INSTANCE_NOT_FOUND`: no live instance with this id. */
export const instanceNotFound = (instance: string): InstanceNotFound => ({
  _tag: 'InstanceNotFound',
  code: 'INSTANCE_NOT_FOUND',
  instance,
  path: 'instance',
  message: `instance ${instance} not found`,
});

/** `INSTANCE_EXISTS`: a live instance already has this id. */
export const instanceExists = (instance: string): InstanceExists => ({
  _tag: 'InstanceExists',
  code: 'INSTANCE_EXISTS',
  instance,
  path: 'instance',
  message: `instance ${instance} already exists`,
});

/** `REPOSITORY_FAILED`: the store failed; nothing of the call was written. */
export const repositoryFailed = (message: string, cause?: unknown): RepositoryFailed => ({
  _tag: 'RepositoryFailed',
  code: 'REPOSITORY_FAILED',
  message,
  ...(cause === undefined ? {} : { cause }),
});
