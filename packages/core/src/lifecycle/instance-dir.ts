/**
 * Removing an instance's directory on a host (delete, shelve, a move's
 * clean-ups). The directory of an instance named as one of the host's
 * base-image cache directories is that cache: it is never removed, whatever
 * operation asks, since every base of the host is in it.
 */
import { instanceDir, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { namesCacheDir } from '../host-context.js';
import type { HostServices } from './host-registry.js';
import { run, type Step } from './lifecycle-deps.js';

/** Remove `instance`'s directory on `host` with whatever is left in it; a cache directory's name removes nothing. */
export const removeInstanceDir = (host: HostServices, instance: InstanceId): Step<void> =>
  namesCacheDir(host.ctx, instance) ? Promise.resolve(E.right(undefined)) : run(host.files.remove(instanceDir(host.ctx.instancesPath, instance)));
