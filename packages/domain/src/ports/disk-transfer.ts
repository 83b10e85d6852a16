import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { HostPath } from '../names/safe-names.js';
import type { StorageError } from './storage-error.js';

/**
 * Moves a file between compute hosts byte for byte, as rsync or scp would:
 * nothing is opened as an image, so no format is read or guessed. Used for
 * cold migration, with the disk first exported with its recorded format.
 */
export interface DiskTransfer {
  /** Copy `from` on `fromHost` to `to` on `toHost` (a new file; missing parents are created). */
  copyFile(fromHost: string, from: HostPath, toHost: string, to: HostPath): TE.TaskEither<StorageError, void>;
}
