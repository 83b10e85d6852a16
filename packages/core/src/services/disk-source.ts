import {
  checkFunc,
  configDriveTooSmall,
  imageId,
  type ConfigDriveContents,
  type ConfigDriveFile,
  type DiskFunc,
  type DiskMetadata,
  type DiskName,
  type DiskSource,
  type ImageId,
  type InstanceId,
  type InvalidName,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { CoreError } from '../errors/core-error.js';

/**
 * A config drive made again from its record, whose files are the
 * instance's: a record says where a drive is and how large, never what it
 * holds, so they come from the fleet's `ConfigDriveContents` port, asked
 * only when the drive is about to be made (DiskMaker.resolve).
 */
export interface InstanceConfigDrive {
  readonly kind: 'instance-config-drive';
}

/** What a recorded disk is made from: a source, or the instance's config drive, to be resolved before it is made. */
export type RecordSource = DiskSource | InstanceConfigDrive;

/**
 * What to fill a recorded disk with when (re)creating it: its image when the
 * record names one, else the func its role implies (a config drive with
 * `configFiles` when they are given, else the instance's). A record is
 * enough to re-create a disk; today's host options play no part.
 */
export const sourceOf = (disk: DiskName, meta: DiskMetadata, configFiles?: readonly ConfigDriveFile[]): E.Either<InvalidName, RecordSource> => {
  if (meta.imageId !== null && meta.imageFormat !== null) {
    const format = meta.imageFormat;
    return E.map((id: ImageId): DiskSource =>
      ({ kind: 'image', imageId: id, imageFormat: format }))(imageId(meta.imageId, 'image_id'));
  }
  if (disk === 'config' && configFiles === undefined) return E.right({ kind: 'instance-config-drive' });
  return E.right({ kind: 'func', func: funcOf(disk, configFiles) });
};

/** The func a role implies: a filesystem for ephemerals, swap for swap, the config drive builder, else blank. */
export const funcOf = (disk: DiskName, configFiles: readonly ConfigDriveFile[] = []): DiskFunc => {
  if (disk === 'swap') return { kind: 'swap' };
  if (disk === 'config') return { kind: 'config-drive', files: configFiles };
  if (disk.startsWith('ephemeral')) return { kind: 'filesystem', fsType: 'ext4', label: disk };
  return { kind: 'blank' };
};

/**
 * The instance's config drive files from the fleet's port, checked as a
 * caller's are (paths a tool can take, contents a drive of `size` bytes
 * holds) and named as the drive's (`<instance>/config`): neither its files
 * nor its size are the caller's to change.
 */
export const instanceConfigFiles = async (port: ConfigDriveContents, instance: InstanceId, size: number): Promise<E.Either<CoreError, readonly ConfigDriveFile[]>> => {
  const files = await port.files(instance)();
  if (E.isLeft(files)) return files;
  const checked = checkFunc({ kind: 'config-drive', files: files.right });
  if (E.isLeft(checked)) return E.left({ ...checked.left, path: `${instance}/config` });
  const tooSmall = configDriveTooSmall(files.right, size, `${instance}/config`);
  return tooSmall === null ? files : E.left(tooSmall);
};
