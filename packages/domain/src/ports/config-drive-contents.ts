import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { DomainError } from '../errors/domain-error.js';
import type { InstanceId } from '../names/safe-names.js';
import type { ConfigDriveFile } from './template-builder.js';

/**
 * An instance's config drive files cannot be had: the port answered so, or
 * none is bound and the drive must be built without being given them.
 */
export interface ConfigDriveContentsUnavailable extends DomainError<'ConfigDriveContentsUnavailable', 'CONFIG_DRIVE_CONTENTS_UNAVAILABLE'> {
  readonly instance: string;
}

/**
 * The files of an instance's config drive, as nova builds them from the
 * instance's metadata (`InstanceMetadata`). A record says where and how
 * large the drive is, never what it holds, so the library asks this port
 * whenever it builds a drive it was not handed the files of: a boot that
 * names none, an unshelve or an evacuation that makes the drive anew, and
 * a drive made again from its record (a hard reboot that finds it gone).
 * A drive that can be copied (a cold resize, a live migration) is copied,
 * and one kept in a shared pool is kept. Asked before the drive's record
 * changes, so a refusal leaves it as it was.
 */
export interface ConfigDriveContents {
  /** The files to write to `instance`'s config drive, or why they cannot be had. */
  files(instance: InstanceId): TE.TaskEither<ConfigDriveContentsUnavailable, readonly ConfigDriveFile[]>;
}

/** `CONFIG_DRIVE_CONTENTS_UNAVAILABLE` for `instance`'s drive, with the reason. */
export const configDriveContentsUnavailable = (instance: string, reason: string, cause?: unknown): ConfigDriveContentsUnavailable => ({
  _tag: 'ConfigDriveContentsUnavailable',
  code: 'CONFIG_DRIVE_CONTENTS_UNAVAILABLE',
  instance,
  path: `${instance}/config`,
  message: `the config drive of ${instance} cannot be built: ${reason}`,
  ...(cause === undefined ? {} : { cause }),
});
