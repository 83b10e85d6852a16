import type { FileName } from '../names/safe-names.js';

/**
 * The disks of an instance, by role. Ephemeral disks are numbered in BDM
 * order; kernel, ramdisk, config and rescue disks have no BDM.
 */
export type DiskName =
  | 'root'
  | `ephemeral${number}`
  | 'swap'
  | 'config'
  | 'kernel'
  | 'ramdisk'
  | 'rescue';

const EPHEMERAL = /^ephemeral(0|[1-9][0-9]{0,2})$/;

/** Whether `u` names a disk role (`root`, `ephemeral0`…`ephemeral999`, `swap`, …). */
export const isDiskName = (u: unknown): u is DiskName =>
  typeof u === 'string' &&
  (['root', 'swap', 'config', 'kernel', 'ramdisk', 'rescue'].includes(u) || EPHEMERAL.test(u));

/** Nova's file name for a disk in the instance directory (`disk`, `disk.eph0`, `disk.swap`, …). */
export const novaFileName = (disk: DiskName): FileName => {
  const eph = EPHEMERAL.exec(disk);
  if (eph) return `disk.eph${eph[1] ?? '0'}` as FileName;
  switch (disk) {
    case 'root':
      return 'disk' as FileName;
    case 'kernel':
    case 'ramdisk':
      return disk as FileName;
    default:
      return `disk.${disk}` as FileName;
  }
};

/**
 * Every name nova has given a disk in the instance directory, or after the
 * instance's uuid in a volume group or pool: {@link novaFileName}, and for
 * the first ephemeral disk also `disk.local`, the name nova gives a
 * flavor's ephemeral disk (`disk.ephN` is a block device mapping's).
 */
export const novaFileNames = (disk: DiskName): readonly FileName[] =>
  disk === 'ephemeral0' ? [novaFileName(disk), 'disk.local' as FileName] : [novaFileName(disk)];

/** Whether a disk of this role has a block device mapping row (the others live at instance level). */
export const hasBdm = (disk: DiskName): boolean => disk === 'root' || disk === 'swap' || EPHEMERAL.test(disk);
