import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { DiskInfo, DiskInfoCorrupt } from '../legacy/disk-info.js';
import type { HostStorageOptions } from '../layout/host-options.js';
import type { InstanceId } from '../names/safe-names.js';
import type { FileSystemError } from './host-files.js';

/**
 * What the classic driver left on a host for an instance: the host's storage
 * options and the instance's `disk.info`. Read only; never a disk's bytes.
 */
export interface LegacyHostFacts {
  /** The host's storage options today. */
  options(): HostStorageOptions;
  /** The instance's decoded `disk.info`, `null` when absent, `DISK_INFO_CORRUPT` when unreadable. */
  diskInfo(instance: InstanceId): TE.TaskEither<DiskInfoCorrupt | FileSystemError, DiskInfo | null>;
}
