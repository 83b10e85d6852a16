/**
 * Argv builders for the `ploop` tool (docs/commands.md). A ploop disk is a
 * directory holding `root.hds` and `DiskDescriptor.xml`; ploop sizes are
 * whole KiB.
 */
import type { Argv, ByteSize, HostPath } from '@disk-ledger/domain';
import { ploopDescriptorPath, ploopImagePath } from './qemu-path.js';

const kib = (size: ByteSize): string => `${size / 1024}K`;

/** `ploop init -s <KiB>K -f ploop1 -t none <dir>/root.hds`: an empty ploop1 image and its descriptor, no file system. */
export const init = (dir: HostPath, size: ByteSize): Argv => ['ploop', 'init', '-s', kib(size), '-f', 'ploop1', '-t', 'none', ploopImagePath(dir)];

/** `ploop restore-descriptor -f raw <dir> <dir>/root.hds`: a descriptor for a raw `root.hds`. */
export const restoreRawDescriptor = (dir: HostPath): Argv => ['ploop', 'restore-descriptor', '-f', 'raw', dir, ploopImagePath(dir)];

/** `ploop resize -s <KiB>K <dir>/DiskDescriptor.xml` */
export const resize = (dir: HostPath, size: ByteSize): Argv => ['ploop', 'resize', '-s', kib(size), ploopDescriptorPath(dir)];
