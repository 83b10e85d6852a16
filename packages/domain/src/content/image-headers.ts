/**
 * Magic numbers and fixed offsets of the image formats disk-ledger writes
 * (as fixtures) or checks (as verification). Builders and checks read the
 * same constants, so a fixture and the check that refuses it cannot drift.
 */

// ---- qcow2 (docs/interop/qcow2.txt in the QEMU tree; all fields big-endian)

/** `QFI\xfb`: qcow (v1) and qcow2 (v2, v3) images. */
export const QCOW_MAGIC = Uint8Array.of(0x51, 0x46, 0x49, 0xfb);
/** Length of the version-2 header; version 3 adds the feature fields after it. */
export const QCOW2_V2_HEADER_LENGTH = 72;
/** Smallest valid version-3 `header_length`. */
export const QCOW2_V3_MIN_HEADER_LENGTH = 104;
/** The `header_length` QEMU writes: 104 plus the compression type byte, padded to 8. */
export const QCOW2_V3_HEADER_LENGTH = 112;
/** Cluster size bounds QEMU accepts (512 B to 2 MiB). */
export const QCOW2_MIN_CLUSTER_BITS = 9;
export const QCOW2_MAX_CLUSTER_BITS = 21;
/** QEMU's upper bound on the L1 table (`QCOW_MAX_L1_SIZE`). */
export const QCOW2_MAX_L1_BYTES = 32 * 1024 * 1024;
/** QEMU's upper bound on a backing file name. */
export const QCOW2_MAX_BACKING_NAME = 1023;

/** Byte offsets of the qcow2 header fields. */
export const QCOW2_FIELD = {
  version: 4,
  backingFileOffset: 8,
  backingFileSize: 16,
  clusterBits: 20,
  size: 24,
  cryptMethod: 32,
  l1Size: 36,
  l1TableOffset: 40,
  refcountTableOffset: 48,
  refcountTableClusters: 56,
  nbSnapshots: 60,
  snapshotsOffset: 64,
  incompatibleFeatures: 72,
  compatibleFeatures: 80,
  autoclearFeatures: 88,
  refcountOrder: 96,
  headerLength: 100,
  compressionType: 104,
} as const;

/** Header extension types. */
export const QCOW2_EXT = {
  end: 0x00000000,
  backingFormat: 0xe2792aca,
  featureNameTable: 0x6803f857,
  bitmaps: 0x23852875,
  fullDiskEncryption: 0x0537be77,
  dataFile: 0x44415441,
} as const;

/** Incompatible feature bits. Any bit outside {@link QCOW2_KNOWN_INCOMPATIBLE} makes QEMU refuse the image. */
export const QCOW2_INCOMPATIBLE = {
  dirty: 1n << 0n,
  corrupt: 1n << 1n,
  externalDataFile: 1n << 2n,
  compressionType: 1n << 3n,
  extendedL2: 1n << 4n,
} as const;
export const QCOW2_KNOWN_INCOMPATIBLE = 0x1fn;

/** Autoclear feature bits. */
export const QCOW2_AUTOCLEAR = {
  bitmaps: 1n << 0n,
  dataFileRaw: 1n << 1n,
} as const;

/** L1/L2 entry flag: the cluster's refcount is exactly one. With a data file it also marks offset 0 as allocated. */
export const QCOW2_OFLAG_COPIED = 1n << 63n;

// ---- vmdk (VMware Virtual Disk Format 1.1; sparse header little-endian)

/** `KDMV`: a hosted sparse extent (monolithicSparse, streamOptimized). */
export const VMDK4_MAGIC = Uint8Array.of(0x4b, 0x44, 0x4d, 0x56);
/** `COWD`: an ESX 2 sparse extent, also opened by QEMU's vmdk driver. */
export const VMDK3_MAGIC = Uint8Array.of(0x43, 0x4f, 0x57, 0x44);
/** First line of a text descriptor. */
export const VMDK_DESCRIPTOR_SIGNATURE = '# Disk DescriptorFile';
/** Byte offsets of the sparse extent header fields. */
export const VMDK4_FIELD = {
  version: 4,
  flags: 8,
  capacity: 12,
  grainSize: 20,
  descriptorOffset: 28,
  descriptorSize: 36,
  numGtesPerGt: 44,
  rgdOffset: 48,
  gdOffset: 56,
  overhead: 64,
  uncleanShutdown: 72,
  newlineCheck: 73,
  compressAlgorithm: 77,
} as const;
/** The `createType`s verification lets through: one file, no separate extents. */
export const VMDK_SAFE_CREATE_TYPES = ['monolithicSparse', 'streamOptimized'] as const;
export const SECTOR = 512;

// ---- other formats QEMU can recognise from their first bytes

/** `QED\0`: qed (the little-endian word QEMU defines as its magic). */
export const QED_MAGIC = Uint8Array.of(0x51, 0x45, 0x44, 0x00);
/** `LUKS\xba\xbe`: LUKS encrypted volume. */
export const LUKS_MAGIC = Uint8Array.of(0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe);
/** vhd (QEMU's `vpc`): a dynamic disk starts with a copy of its footer. */
export const VHD_MAGIC = 'conectix';
/** vhdx file type identifier. */
export const VHDX_MAGIC = 'vhdxfile';
/** vdi signature, little-endian at offset 64. */
export const VDI_SIGNATURE = 0xbeda107f;
export const VDI_SIGNATURE_OFFSET = 64;
/** Parallels / ploop image signatures. */
export const PARALLELS_MAGICS = ['WithoutFreeSpace', 'WithouFreSpacExt'] as const;
/** Bochs growing image. */
export const BOCHS_MAGIC = 'Bochs Virtual HD Image';
/** cloop images begin with this shell stub. */
export const CLOOP_MAGIC = '#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n';
