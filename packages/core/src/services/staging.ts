import { instanceDir, novaFileName, type DiskImage, type DiskName, type HostPath, type InstanceId } from '@disk-ledger/domain';

/**
 * Where a disk's data waits while it moves to another host or another
 * layout: a raw file beside the instance's disks. Always raw, so its format
 * is a constant and never read from the file (or from its name).
 */
export const stagedPath = (instancesPath: HostPath, instance: InstanceId, disk: DiskName): HostPath =>
  `${instanceDir(instancesPath, instance)}/${novaFileName(disk)}.migrate` as HostPath;

/** The staged copy as something qemu-img opens: a flat raw file. */
export const stagedImage = (path: HostPath): DiskImage => ({ location: { backend: 'flat', path }, format: 'raw' });

/**
 * Where a disk its guest may still rewrite is copied byte for byte (read as
 * raw, so nothing in it is interpreted) before its chain is checked and its
 * data read: the check and the read then see the same bytes, which the
 * guest cannot change between the two.
 */
export const pinnedPath = (path: HostPath): HostPath => `${path}.pinned` as HostPath;
