/**
 * `@disk-ledger/host`: the real host adapters of disk-ledger's ports. An
 * execa-backed command executor, node:fs host files, one storage driver per
 * backend (flat, qcow2, lvm, rbd, ploop) whose every qemu-img argv names the
 * format of every image it opens, the template builder, and the verified
 * base-image cache.
 *
 * @packageDocumentation
 */

/** Runs argvs as child processes (no shell), with timeouts, output bounds and `prlimit` limits. */
export { ExecaCommandExecutor, type CommandEvent, type ExecaCommandExecutorOptions } from './execa-command-executor.js';
/** Host files over node:fs/promises, with atomic text writes and bounded header reads. */
export { NodeHostFiles, MAX_HEAD_BYTES } from './node-host-files.js';
/** File copies between hosts on one machine. */
export { LocalDiskTransfer, sparseCopy } from './local-disk-transfer.js';

/** Flat raw/qcow2 files. */
export { FlatDriver } from './flat-driver.js';
/** qcow2 overlays on the base-image cache. */
export { Qcow2Driver } from './qcow2-driver.js';
/** Options shared by the two file drivers. */
export type { FileDriverOptions } from './file-disk-driver.js';
/** LVM logical volumes, optionally metadata-only. */
export { LvmDriver, type LvmDriverOptions } from './lvm-driver.js';
/** Ceph RBD images. */
export { RbdDriver } from './rbd-driver.js';
/** Virtuozzo ploop directories. */
export { PloopDriver } from './ploop-driver.js';
/** The drivers of the backends a host is configured to run. */
export { HostDiskDrivers, type HostDriversConfig } from './drivers.js';

/** Template disks (blank, file system, swap, config drive) built with host tools. */
export { HostTemplateBuilder } from './template-builder.js';

/** The verified base-image cache under `<instancesPath>/_base`. */
export {
  HostBaseImageCache,
  BASE_DIR,
  entryName,
  type HostBaseImageCacheOptions,
} from './base-image-cache.js';

/** How qemu-img addresses a disk location (`/dev/vg/lv`, `rbd:pool/image[:id=…][:conf=…]`, a ploop image, a file), and the Ceph client rbd disks are reached as. */
export { DEFAULT_RBD_CLIENT, qemuPath, rbdClient, rbdClientArgs, type CephClientId, type CephConfPath, type RbdClient } from './qemu-path.js';

/** qemu-img's name for an image service's declared `disk_format`. */
export { qemuImageFormat, type QemuFormat } from './qemu-img.js';
export { DEFAULT_CONVERT_LIMITS, DEFAULT_INSPECT_LIMITS } from './inspect-limits.js';
