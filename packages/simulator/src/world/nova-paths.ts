import { hostPath, type HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';

/** nova's default `instances_path`: every in-memory host's, and how reports name a real host's. */
export const INSTANCES_PATH: HostPath = E.getOrElse((): HostPath => {
  throw new Error('unreachable: constant path is valid');
})(hostPath('/var/lib/nova/instances'));
