import { hasBytesAt, roundUp, viewOf } from '../content/bytes.js';
import {
  QCOW2_EXT,
  QCOW2_FIELD,
  QCOW2_INCOMPATIBLE,
  QCOW2_KNOWN_INCOMPATIBLE,
  QCOW2_MAX_CLUSTER_BITS,
  QCOW2_MIN_CLUSTER_BITS,
  QCOW2_V2_HEADER_LENGTH,
  QCOW2_V3_MIN_HEADER_LENGTH,
  QCOW_MAGIC,
  SECTOR,
} from '../content/image-headers.js';
import { finding, type Finding } from './image-rejected.js';
import { Qcow2FormatSpecific, reportsBackingFile, type QemuImgInfo } from './qemu-img-info.js';

/** What the qcow2 header says, once it passed {@link checkQcow2Head}. */
export interface Qcow2HeadFacts {
  readonly virtualSize: bigint;
}

const hex = (n: bigint): string => `0x${n.toString(16)}`;

// Walk the header extensions up to the end marker. Unknown extension types
// are skipped, as QEMU skips them; a data-file or encryption extension is a
// rejection even when the matching feature bit is clear.
const checkExtensions = (head: Uint8Array, start: number, clusterSize: number): Finding | null => {
  const view = viewOf(head);
  let at = start;
  while (at < clusterSize) {
    if (at + 8 > head.length) return finding('HEAD_TRUNCATED', `header extensions continue past the ${head.length} bytes read`);
    const type = view.getUint32(at);
    const length = view.getUint32(at + 4);
    if (type === QCOW2_EXT.end) return null;
    const next = at + 8 + roundUp(length, 8);
    if (next > clusterSize) return finding('QCOW2_BAD_HEADER', `header extension 0x${type.toString(16)} overruns the first cluster`);
    if (type === QCOW2_EXT.dataFile) return finding('QCOW2_DATA_FILE', 'header has an external data file extension');
    if (type === QCOW2_EXT.fullDiskEncryption) return finding('QCOW2_ENCRYPTED', 'header has a full disk encryption extension');
    at = next;
  }
  return null;
};

/**
 * Check the leading bytes of an image declared qcow2: magic, version 2 or 3,
 * sane sizes, no backing file, no external data file, no encryption, no
 * corrupt flag, no incompatible feature bit QEMU 7.2 does not know.
 */
export const checkQcow2Head = (head: Uint8Array): Finding | Qcow2HeadFacts => {
  if (!hasBytesAt(head, 0, QCOW_MAGIC)) return finding('QCOW2_BAD_MAGIC', 'does not begin with the qcow2 magic QFI\\xfb');
  if (head.length < QCOW2_V2_HEADER_LENGTH) return finding('HEAD_TRUNCATED', `only ${head.length} bytes, less than a qcow2 header`);
  const view = viewOf(head);
  const f = QCOW2_FIELD;
  const version = view.getUint32(f.version);
  if (version !== 2 && version !== 3) return finding('QCOW2_BAD_VERSION', `version ${version}, expected 2 or 3`);
  if (version === 3 && head.length < QCOW2_V3_MIN_HEADER_LENGTH) return finding('HEAD_TRUNCATED', `only ${head.length} bytes, less than a qcow2 v3 header`);

  const clusterBits = view.getUint32(f.clusterBits);
  if (clusterBits < QCOW2_MIN_CLUSTER_BITS || clusterBits > QCOW2_MAX_CLUSTER_BITS) {
    return finding('QCOW2_BAD_HEADER', `cluster_bits ${clusterBits} out of range ${QCOW2_MIN_CLUSTER_BITS}-${QCOW2_MAX_CLUSTER_BITS}`);
  }
  const clusterSize = 2 ** clusterBits;
  const headerLength = version === 3 ? view.getUint32(f.headerLength) : QCOW2_V2_HEADER_LENGTH;
  if (headerLength < (version === 3 ? QCOW2_V3_MIN_HEADER_LENGTH : QCOW2_V2_HEADER_LENGTH) || headerLength > clusterSize) {
    return finding('QCOW2_BAD_HEADER', `header_length ${headerLength} out of range`);
  }

  const backingOffset = view.getBigUint64(f.backingFileOffset);
  const backingSize = view.getUint32(f.backingFileSize);
  if (backingOffset !== 0n || backingSize !== 0) return finding('QCOW2_BACKING_FILE', `header names a backing file (offset ${hex(backingOffset)}, ${backingSize} bytes)`);
  if (version === 3) {
    const incompatible = view.getBigUint64(f.incompatibleFeatures);
    if ((incompatible & QCOW2_INCOMPATIBLE.externalDataFile) !== 0n) return finding('QCOW2_DATA_FILE', 'incompatible feature "external data file" is set');
    const unknown = incompatible & ~QCOW2_KNOWN_INCOMPATIBLE;
    if (unknown !== 0n) return finding('QCOW2_UNKNOWN_FEATURES', `unknown incompatible feature bits ${hex(unknown)}`);
    if ((incompatible & QCOW2_INCOMPATIBLE.corrupt) !== 0n) return finding('QCOW2_CORRUPT', 'the corrupt bit is set');
  }
  const cryptMethod = view.getUint32(f.cryptMethod);
  if (cryptMethod !== 0) return finding('QCOW2_ENCRYPTED', `crypt_method ${cryptMethod}`);

  const extensions = checkExtensions(head, headerLength, clusterSize);
  if (extensions !== null) return extensions;
  return { virtualSize: view.getBigUint64(f.size) };
};

/**
 * Check `qemu-img info -f qcow2` output against SECURITY.md rule 4 and
 * against the header already checked: it must describe a qcow2 of the same
 * virtual size, with no backing file, no data file, not corrupt, not
 * encrypted.
 */
export const checkQcow2Info = (info: QemuImgInfo, head: Qcow2HeadFacts): Finding | null => {
  if (info.format !== 'qcow2') return finding('INFO_FORMAT_MISMATCH', `qemu-img info reports format ${JSON.stringify(info.format.slice(0, 40))}`);
  if (reportsBackingFile(info)) return finding('QCOW2_BACKING_FILE', 'qemu-img info reports a backing file');
  const specific = info['format-specific'];
  if (!Qcow2FormatSpecific.is(specific)) return finding('INFO_FORMAT_MISMATCH', 'qemu-img info has no qcow2 format-specific block');
  const data = specific.data;
  if (data['data-file'] !== undefined || data['data-file-raw'] === true) return finding('QCOW2_DATA_FILE', 'qemu-img info reports an external data file');
  if (data.corrupt === true) return finding('QCOW2_CORRUPT', 'qemu-img info reports the image corrupt');
  if (info.encrypted === true || data.encrypt !== undefined) return finding('QCOW2_ENCRYPTED', 'qemu-img info reports encryption');
  // QEMU 7.2 reports the size rounded down to whole sectors; accept that or the exact size.
  const reported = BigInt(info['virtual-size']);
  const sectors = (head.virtualSize / BigInt(SECTOR)) * BigInt(SECTOR);
  if (reported !== head.virtualSize && reported !== sectors) {
    return finding('INFO_SIZE_MISMATCH', `qemu-img info reports ${reported} bytes, the header says ${head.virtualSize}`);
  }
  return null;
};
