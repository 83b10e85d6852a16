/**
 * A volume: the bytes of one host file, logical volume or RBD image, as a
 * length and the `Data` they hold. Volumes are immutable and shared: a copy
 * of a disk is the same object until something writes to one of them.
 */
import { EMPTY_DATA, storedMarkers, type Data, type Header } from './data.js';
import { MarkerSet, secretMarkersIn } from './markers.js';

// ---- types

/** The bytes of one file, LV or RBD image. */
export interface Volume {
  /** Length in bytes: the virtual size a raw reader sees. */
  readonly length: number;
  readonly data: Data;
  /** For small text files (`disk.info`, descriptors, staged config-drive files, secrets): the exact text. */
  readonly text: string | null;
}

// ---- constructors

const CLUSTER = 65536;
/** A fresh qcow2 file: header, refcount table and block, L1 table. */
export const QCOW2_EMPTY_LENGTH = 3 * CLUSTER;
/** A fresh parallels (ploop1) image: header and block allocation table. */
export const PARALLELS_EMPTY_LENGTH = 1024 * 1024;

/** UTF-8 length of a text, without encoding it. */
export const textLength = (text: string): number => {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i += 1;
    } else n += 3; // other BMP characters, and lone surrogates (encoded as U+FFFD)
  }
  return n;
};

// FNV-1a: a stable short name for a text's bytes, so equal texts share a marker.
const fnv1a = (text: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
};

/** A raw volume of `length` bytes holding `data`. */
export const rawVolume = (length: number, data: Data = EMPTY_DATA): Volume => ({ length, data, text: null });

/**
 * A text file. Its markers name its text, plus any secret marker spelled out
 * in it; they are worked out on first use, since most text files (`disk.info`,
 * descriptors) are only ever read as text.
 */
export const textVolume = (text: string): Volume => {
  let data: Data | null = null;
  return {
    length: textLength(text),
    get data(): Data {
      data ??= { header: null, markers: MarkerSet.of(`text:${fnv1a(text)}`, ...secretMarkersIn(text)) };
      return data;
    },
    text,
  };
};

/** A plausible file length for a container holding `header` (what `actual-size` reports). */
export const containerLength = (header: Header): number => {
  switch (header.format) {
    case 'qcow2':
      return QCOW2_EMPTY_LENGTH + CLUSTER * storedMarkers(header.clusters).size;
    case 'parallels':
      return PARALLELS_EMPTY_LENGTH + CLUSTER * storedMarkers(header.clusters).size;
    case 'vmdk':
      return header.createType === 'monolithicFlat' ? 512 : CLUSTER * (1 + storedMarkers(header.grains).size);
    default:
      return CLUSTER;
  }
};

/** A volume that is exactly the container `header` (a qcow2 file, a ploop image, …). */
export const containerVolume = (header: Header, length: number = containerLength(header)): Volume => ({
  length,
  data: { header, markers: MarkerSet.empty },
  text: null,
});

/** The text a reader gets from a volume: its own text, or its markers one per line. */
export const volumeText = (v: Volume): string => v.text ?? storedMarkers(v.data).toSortedArray().join('\n');
