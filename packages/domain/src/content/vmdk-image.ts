import { roundUp, utf8, viewOf } from './bytes.js';
import { SECTOR, VMDK4_FIELD, VMDK4_MAGIC, VMDK_DESCRIPTOR_SIGNATURE } from './image-headers.js';

/** One extent line of a vmdk descriptor. */
export interface VmdkExtentLine {
  readonly sectors: number;
  readonly type: 'SPARSE' | 'FLAT';
  readonly name: string;
}

/** What a vmdk descriptor says. */
export interface VmdkDescriptorOptions {
  readonly createType: string;
  readonly extents: readonly VmdkExtentLine[];
  readonly parentFileNameHint?: string;
}

// A fixed CID keeps the bytes deterministic; QEMU only compares it with a child's parentCID.
const CID = 'd15c1ed9';
const NO_PARENT_CID = 'ffffffff';
/** The largest virtual size of a monolithicSparse vmdk image: QEMU refuses larger extents. */
export const MAX_VMDK_BYTES = 2 * 1024 ** 4;

const quoted = (what: string, value: string): string => {
  if (value.length === 0 || /["\r\n\0]/.test(value)) throw new RangeError(`vmdk ${what} must be non-empty, without quotes or line breaks`);
  return `"${value}"`;
};

const sectorsOf = (bytes: number): number => {
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new RangeError('vmdk size must be a positive safe integer');
  return Math.ceil(bytes / SECTOR);
};

/**
 * The text of a vmdk descriptor, laid out as `qemu-img create -f vmdk`
 * writes it.
 *
 * @throws RangeError when a name holds a quote or a line break (it would
 * change the descriptor's meaning) or a size is not a positive integer.
 */
export const vmdkDescriptorText = (options: VmdkDescriptorOptions): string => {
  const parent = options.parentFileNameHint;
  const lines = [
    VMDK_DESCRIPTOR_SIGNATURE,
    'version=1',
    `CID=${CID}`,
    `parentCID=${parent === undefined ? NO_PARENT_CID : CID}`,
    `createType=${quoted('createType', options.createType)}`,
    ...(parent === undefined ? [] : [`parentFileNameHint=${quoted('parent file name', parent)}`]),
    '',
    '# Extent description',
    ...options.extents.map((e) => {
      if (!Number.isSafeInteger(e.sectors) || e.sectors < 1) throw new RangeError('vmdk extent sectors must be a positive integer');
      return `RW ${e.sectors} ${e.type} ${quoted('extent name', e.name)}${e.type === 'FLAT' ? ' 0' : ''}`;
    }),
    '',
    '# The Disk Data Base',
    '#DDB',
    '',
    'ddb.virtualHWVersion = "4"',
    'ddb.adapterType = "ide"',
    '',
  ];
  return lines.join('\n');
};

/** What {@link vmdkFlatExtentDescriptor} builds. */
export interface VmdkFlatOptions {
  /** The flat extent's file name, stored as given: a host path makes it hostile. */
  readonly extentPath: string;
  /** The extent's size in bytes, rounded up to whole sectors. */
  readonly sizeBytes: number;
}

/**
 * A stand-alone vmdk text descriptor (`createType="monolithicFlat"`) whose
 * one flat extent is `extentPath`. Opened as vmdk, whether probed or named
 * with `-f vmdk`, QEMU reads the extent file as the disk's content.
 */
export const vmdkFlatExtentDescriptor = (options: VmdkFlatOptions): Uint8Array =>
  utf8(
    vmdkDescriptorText({
      createType: 'monolithicFlat',
      extents: [{ sectors: sectorsOf(options.sizeBytes), type: 'FLAT', name: options.extentPath }],
    }),
  );

/** What {@link vmdkSparseImage} builds. */
export interface VmdkSparseOptions {
  /** Virtual size in bytes (rounded up to sectors), at most 2 TiB. */
  readonly virtualSize: number;
  /** The extent name in the embedded descriptor. Default `disk.vmdk`. */
  readonly extentName?: string;
  /** The embedded descriptor's `createType`. Default `monolithicSparse`; others exist to test refusal. */
  readonly createType?: string;
  /** A parent (backing) file named in the embedded descriptor. */
  readonly parentFileNameHint?: string;
}

const GRAIN_SECTORS = 128; // 64 KiB grains, as QEMU creates
const GTES_PER_GT = 512;
const DESCRIPTOR_SECTORS = 20;
const FLAG_VALID_NEWLINE_TEST = 1;
const FLAG_REDUNDANT_GRAIN_TABLE = 2;

/**
 * A genuine, empty monolithicSparse vmdk: the sparse extent header, the
 * embedded descriptor at sector 1, and the redundant and primary grain
 * directories with empty grain tables, padded to the overhead as QEMU lays
 * it out. Deterministic.
 *
 * @throws RangeError on a size out of range or a name the descriptor cannot hold.
 */
export const vmdkSparseImage = (options: VmdkSparseOptions): Uint8Array => {
  if (options.virtualSize > MAX_VMDK_BYTES) throw new RangeError('vmdk virtualSize must be at most 2 TiB');
  const capacity = sectorsOf(options.virtualSize);
  const descriptor = utf8(
    vmdkDescriptorText({
      createType: options.createType ?? 'monolithicSparse',
      extents: [{ sectors: capacity, type: 'SPARSE', name: options.extentName ?? 'disk.vmdk' }],
      ...(options.parentFileNameHint === undefined ? {} : { parentFileNameHint: options.parentFileNameHint }),
    }),
  );
  if (descriptor.length > DESCRIPTOR_SECTORS * SECTOR) throw new RangeError('vmdk descriptor does not fit in 20 sectors');

  const gtCount = Math.ceil(capacity / (GRAIN_SECTORS * GTES_PER_GT));
  const gdSectors = Math.ceil((gtCount * 4) / SECTOR);
  const gtSectors = (GTES_PER_GT * 4) / SECTOR;
  const rgdOffset = 1 + DESCRIPTOR_SECTORS;
  const gdOffset = rgdOffset + gdSectors + gtCount * gtSectors;
  const overhead = roundUp(gdOffset + gdSectors + gtCount * gtSectors, GRAIN_SECTORS);

  const image = new Uint8Array(overhead * SECTOR);
  const view = viewOf(image);
  const f = VMDK4_FIELD;
  image.set(VMDK4_MAGIC, 0);
  view.setUint32(f.version, 1, true);
  view.setUint32(f.flags, FLAG_VALID_NEWLINE_TEST | FLAG_REDUNDANT_GRAIN_TABLE, true);
  view.setBigUint64(f.capacity, BigInt(capacity), true);
  view.setBigUint64(f.grainSize, BigInt(GRAIN_SECTORS), true);
  view.setBigUint64(f.descriptorOffset, 1n, true);
  view.setBigUint64(f.descriptorSize, BigInt(DESCRIPTOR_SECTORS), true);
  view.setUint32(f.numGtesPerGt, GTES_PER_GT, true);
  view.setBigUint64(f.rgdOffset, BigInt(rgdOffset), true);
  view.setBigUint64(f.gdOffset, BigInt(gdOffset), true);
  view.setBigUint64(f.overhead, BigInt(overhead), true);
  // The newline check bytes let readers detect a file mangled by text-mode transfer.
  image.set(Uint8Array.of(0x0a, 0x20, 0x0d, 0x0a), f.newlineCheck);
  image.set(descriptor, SECTOR);
  for (const [dir, firstTable] of [
    [rgdOffset, rgdOffset + gdSectors],
    [gdOffset, gdOffset + gdSectors],
  ] as const) {
    for (let i = 0; i < gtCount; i += 1) view.setUint32(dir * SECTOR + i * 4, firstTable + i * gtSectors, true);
  }
  return image;
};
