import {
  imageId,
  type ConfigDriveFile,
  type DiskFunc,
  type DiskMetadata,
  type DiskName,
  type DiskSource,
  type ImageId,
  type InvalidName,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';

/**
 * A config drive's files when the caller gave none: the instance's own,
 * which DiskMaker asks the `ConfigDriveContents` port for as it builds the
 * drive. A record says where a drive is and how large, never what it holds.
 * Recognised by identity, so it is never copied.
 */
export const INSTANCE_CONFIG_FILES: readonly ConfigDriveFile[] = Object.freeze([]);

/**
 * What to fill a recorded disk with when (re)creating it: its image when the
 * record names one, else the func its role implies. A record is enough to
 * re-create a disk; today's host options play no part.
 */
export const sourceOf = (
  disk: DiskName,
  meta: DiskMetadata,
): E.Either<InvalidName, DiskSource> => {
  if (meta.imageId !== null && meta.imageFormat !== null) {
    const format = meta.imageFormat;
    return E.map((id: ImageId): DiskSource =>
      ({ kind: 'image', imageId: id, imageFormat: format }))(imageId(meta.imageId, 'image_id'));
  }
  return E.right({ kind: 'func', func: funcOf(disk) });
};

/** The func a role implies: a filesystem for ephemerals, swap for swap, the config drive builder (the instance's files), else blank. */
export const funcOf = (disk: DiskName): DiskFunc => {
  if (disk === 'swap') return { kind: 'swap' };
  if (disk === 'config') return { kind: 'config-drive', files: INSTANCE_CONFIG_FILES };
  if (disk.startsWith('ephemeral')) return { kind: 'filesystem', fsType: 'ext4', label: disk };
  return { kind: 'blank' };
};
