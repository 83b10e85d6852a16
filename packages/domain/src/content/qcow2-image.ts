import { roundUp, utf8, viewOf } from './bytes.js';
import {
  QCOW2_AUTOCLEAR,
  QCOW2_EXT,
  QCOW2_FIELD,
  QCOW2_INCOMPATIBLE,
  QCOW2_MAX_BACKING_NAME,
  QCOW2_MAX_CLUSTER_BITS,
  QCOW2_MAX_L1_BYTES,
  QCOW2_MIN_CLUSTER_BITS,
  QCOW2_OFLAG_COPIED,
  QCOW2_V3_HEADER_LENGTH,
  QCOW_MAGIC,
} from './image-headers.js';

/** What {@link qcow2Header} builds. Names are stored as given: a host path is what makes a fixture hostile. */
export interface Qcow2ImageOptions {
  /** Virtual size in bytes, a positive safe integer. */
  readonly virtualSize: number;
  /** Backing file name written into the header. */
  readonly backingFile?: string;
  /** Backing format header extension (e.g. `raw`). Without it QEMU probes the backing file's format. */
  readonly backingFormat?: string;
  /**
   * External data file: sets the incompatible bit and `data-file-raw`, and
   * maps the guest clusters covered by the first L2 table one-to-one onto the
   * data file, as `qemu-img create -o data_file=…,data_file_raw=on` does.
   */
  readonly dataFile?: string;
  /** log2 of the cluster size, 9–21. Default: 16 (QEMU's default), raised only when the L1 table would pass 1 MiB. */
  readonly clusterBits?: number;
}

const DEFAULT_CLUSTER_BITS = 16;
const DEFAULT_MAX_L1_BYTES = 1024 * 1024;
const REFCOUNT_ORDER = 4; // 16-bit refcounts, QEMU's default
const MAX_FORMAT_NAME = 15; // QEMU keeps the backing format in a 16-byte buffer

interface Layout {
  readonly clusterSize: number;
  readonly l1Entries: number;
  readonly l1Clusters: number;
  readonly l2Clusters: number;
  readonly mappedClusters: number;
  readonly refcountTableClusters: number;
  readonly refcountBlocks: number;
  readonly totalClusters: number;
}

const l1EntriesFor = (virtualSize: number, clusterBits: number): number => {
  const clusterSize = 2 ** clusterBits;
  const guestClusters = Math.ceil(virtualSize / clusterSize);
  return Math.ceil(guestClusters / (clusterSize / 8));
};

const chooseClusterBits = (virtualSize: number, requested: number | undefined): number => {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < QCOW2_MIN_CLUSTER_BITS || requested > QCOW2_MAX_CLUSTER_BITS) {
      throw new RangeError(`qcow2 clusterBits must be an integer from ${QCOW2_MIN_CLUSTER_BITS} to ${QCOW2_MAX_CLUSTER_BITS}`);
    }
    if (l1EntriesFor(virtualSize, requested) * 8 > QCOW2_MAX_L1_BYTES) {
      throw new RangeError('qcow2 virtual size too large for this cluster size (L1 table over 32 MiB)');
    }
    return requested;
  }
  let bits = DEFAULT_CLUSTER_BITS;
  while (bits < QCOW2_MAX_CLUSTER_BITS && l1EntriesFor(virtualSize, bits) * 8 > DEFAULT_MAX_L1_BYTES) bits += 1;
  return bits;
};

// Clusters in file order: header, refcount table, refcount blocks, L1, L2.
// The refcount structures count themselves, so iterate to a fixed point.
const layoutFor = (virtualSize: number, clusterBits: number, withDataFile: boolean): Layout => {
  const clusterSize = 2 ** clusterBits;
  const l1Entries = l1EntriesFor(virtualSize, clusterBits);
  const l1Clusters = Math.ceil((l1Entries * 8) / clusterSize);
  const l2Clusters = withDataFile ? 1 : 0;
  const mappedClusters = withDataFile ? Math.min(Math.ceil(virtualSize / clusterSize), clusterSize / 8) : 0;
  const refcountsPerBlock = (clusterSize * 8) / 2 ** REFCOUNT_ORDER;
  let refcountBlocks = 1;
  let refcountTableClusters = 1;
  for (;;) {
    const total = 1 + refcountTableClusters + refcountBlocks + l1Clusters + l2Clusters;
    const blocks = Math.ceil(total / refcountsPerBlock);
    const tableClusters = Math.ceil((blocks * 8) / clusterSize);
    if (blocks === refcountBlocks && tableClusters === refcountTableClusters) {
      return { clusterSize, l1Entries, l1Clusters, l2Clusters, mappedClusters, refcountTableClusters, refcountBlocks, totalClusters: total };
    }
    refcountBlocks = blocks;
    refcountTableClusters = tableClusters;
  }
};

/** A header extension: type, length, data padded to 8 bytes. */
const extension = (type: number, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(8 + roundUp(data.length, 8));
  const view = viewOf(out);
  view.setUint32(0, type);
  view.setUint32(4, data.length);
  out.set(data, 8);
  return out;
};

const checkName = (what: string, name: string | undefined, max: number): Uint8Array | null => {
  if (name === undefined) return null;
  const bytes = utf8(name);
  if (bytes.length === 0 || bytes.length > max) throw new RangeError(`qcow2 ${what} must be 1-${max} bytes`);
  return bytes;
};

/**
 * A genuine, minimal qcow2 version-3 image: header and extensions, refcount
 * table and blocks, an L1 table, and (with a data file) one L2 table. No data
 * clusters are allocated, so every read goes to the backing file or the data
 * file, which is what the hostile fixtures rely on. `qemu-img info`, `convert`
 * and `check` accept the result. Deterministic: the same options give the
 * same bytes.
 *
 * @throws RangeError when the options describe no valid image (a size that is
 * not a positive safe integer, names out of QEMU's bounds, cluster bits out of
 * range); these are fixture-building mistakes, not input to handle.
 */
export const qcow2Header = (options: Qcow2ImageOptions): Uint8Array => {
  const { virtualSize } = options;
  if (!Number.isSafeInteger(virtualSize) || virtualSize < 1) throw new RangeError('qcow2 virtualSize must be a positive safe integer');
  const backing = checkName('backing file', options.backingFile, QCOW2_MAX_BACKING_NAME);
  const backingFormat = checkName('backing format', options.backingFormat, MAX_FORMAT_NAME);
  const dataFile = checkName('data file', options.dataFile, QCOW2_MAX_BACKING_NAME);
  const clusterBits = chooseClusterBits(virtualSize, options.clusterBits);
  const layout = layoutFor(virtualSize, clusterBits, dataFile !== null);
  const c = layout.clusterSize;

  const extensions = [
    ...(backingFormat === null ? [] : [extension(QCOW2_EXT.backingFormat, backingFormat)]),
    ...(dataFile === null ? [] : [extension(QCOW2_EXT.dataFile, dataFile)]),
    extension(QCOW2_EXT.end, new Uint8Array(0)),
  ];
  const extensionsLength = extensions.reduce((n, e) => n + e.length, 0);
  const backingOffset = QCOW2_V3_HEADER_LENGTH + extensionsLength;
  if (backingOffset + (backing?.length ?? 0) > c) throw new RangeError('qcow2 header and names do not fit in one cluster');

  const refcountTableOffset = c;
  const refcountBlocksOffset = refcountTableOffset + layout.refcountTableClusters * c;
  const l1Offset = refcountBlocksOffset + layout.refcountBlocks * c;
  const l2Offset = l1Offset + layout.l1Clusters * c;

  const image = new Uint8Array(layout.totalClusters * c);
  const view = viewOf(image);
  const f = QCOW2_FIELD;
  image.set(QCOW_MAGIC, 0);
  view.setUint32(f.version, 3);
  view.setBigUint64(f.backingFileOffset, backing === null ? 0n : BigInt(backingOffset));
  view.setUint32(f.backingFileSize, backing?.length ?? 0);
  view.setUint32(f.clusterBits, clusterBits);
  view.setBigUint64(f.size, BigInt(virtualSize));
  view.setUint32(f.l1Size, layout.l1Entries);
  view.setBigUint64(f.l1TableOffset, BigInt(l1Offset));
  view.setBigUint64(f.refcountTableOffset, BigInt(refcountTableOffset));
  view.setUint32(f.refcountTableClusters, layout.refcountTableClusters);
  view.setBigUint64(f.incompatibleFeatures, dataFile === null ? 0n : QCOW2_INCOMPATIBLE.externalDataFile);
  view.setBigUint64(f.autoclearFeatures, dataFile === null ? 0n : QCOW2_AUTOCLEAR.dataFileRaw);
  view.setUint32(f.refcountOrder, REFCOUNT_ORDER);
  view.setUint32(f.headerLength, QCOW2_V3_HEADER_LENGTH);
  let at = QCOW2_V3_HEADER_LENGTH;
  for (const e of extensions) {
    image.set(e, at);
    at += e.length;
  }
  if (backing !== null) image.set(backing, backingOffset);

  for (let i = 0; i < layout.refcountBlocks; i += 1) {
    view.setBigUint64(refcountTableOffset + i * 8, BigInt(refcountBlocksOffset + i * c));
  }
  for (let i = 0; i < layout.totalClusters; i += 1) view.setUint16(refcountBlocksOffset + i * 2, 1);
  if (dataFile !== null) {
    view.setBigUint64(l1Offset, QCOW2_OFLAG_COPIED | BigInt(l2Offset));
    // COPIED also tells QEMU that offset 0 in the data file is allocated, not a hole.
    for (let g = 0; g < layout.mappedClusters; g += 1) {
      view.setBigUint64(l2Offset + g * 8, QCOW2_OFLAG_COPIED | BigInt(g * c));
    }
  }
  return image;
};
