import { hasBytesAt, latin1, viewOf } from '../content/bytes.js';
import { SECTOR, VMDK3_MAGIC, VMDK4_FIELD, VMDK4_MAGIC, VMDK_SAFE_CREATE_TYPES } from '../content/image-headers.js';
import { finding, type Finding } from './image-rejected.js';
import { foreignHeaderIn } from './foreign-header.js';
import { VmdkFormatSpecific, reportsBackingFile, type QemuImgInfo } from './qemu-img-info.js';

const SPARSE_HEADER_BYTES = 79;
const MAX_SHOWN = 40;

const shown = (s: string): string => JSON.stringify(s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);
const isSafeCreateType = (t: string): boolean => (VMDK_SAFE_CREATE_TYPES as readonly string[]).includes(t);

// QEMU reads a descriptor key at its FIRST occurrence anywhere in the text
// (strstr), even inside a comment; tools write it as `key="value"` lines.
// Both readings must be safe, so collect both.
const createTypesIn = (text: string): string[] => {
  const found = [...text.matchAll(/createType\s*=\s*"([^"\r\n]*)"/g)].map((m) => m[1] ?? '');
  const first = text.indexOf('createType');
  if (first >= 0) {
    const start = first + 'createType'.length + 2;
    const end = text.indexOf('"', start);
    found.push(text.slice(start, end < 0 ? text.length : end));
  }
  return found;
};

// Extent lines: `<access> <sectors> <type> "<file>" [<offset>]`.
const EXTENT_LINE = /^[ \t]*[A-Za-z]+[ \t]+\d+[ \t]+[A-Za-z0-9_]+[ \t]+"([^"\r\n]*)"/gm;

const isPlainName = (name: string): boolean =>
  name.length > 0 && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\\');

/** Check a descriptor's text: a safe createType, no parent, extents that are plain names. */
const checkDescriptor = (text: string): Finding | null => {
  const types = createTypesIn(text);
  if (types.length === 0) return finding('VMDK_CREATE_TYPE', 'the descriptor has no createType');
  const unsafe = types.find((t) => !isSafeCreateType(t));
  if (unsafe !== undefined) return finding('VMDK_CREATE_TYPE', `createType ${shown(unsafe)} is not monolithicSparse or streamOptimized`);
  // QEMU opens whatever parentFileNameHint names as a backing file.
  if (text.includes('parentFileNameHint')) return finding('VMDK_BACKING_FILE', 'the descriptor names a parent file');
  for (const m of text.matchAll(EXTENT_LINE)) {
    const name = m[1] ?? '';
    if (!isPlainName(name)) return finding('VMDK_EXTENT_PATH', `extent ${shown(name)} is not a plain file name`);
  }
  return null;
};

const embeddedDescriptor = (head: Uint8Array): Finding | string => {
  if (head.length < SPARSE_HEADER_BYTES) return finding('HEAD_TRUNCATED', `only ${head.length} bytes, less than a vmdk sparse header`);
  const view = viewOf(head);
  const version = view.getUint32(VMDK4_FIELD.version, true);
  if (version < 1 || version > 3) return finding('VMDK_BAD_HEADER', `sparse header version ${version}, expected 1-3`);
  const offset = view.getBigUint64(VMDK4_FIELD.descriptorOffset, true);
  const size = view.getBigUint64(VMDK4_FIELD.descriptorSize, true);
  if (offset === 0n || size === 0n) return finding('VMDK_BAD_HEADER', 'the sparse extent has no embedded descriptor');
  const sector = BigInt(SECTOR);
  if ((offset + size) * sector > BigInt(head.length)) {
    return finding('HEAD_TRUNCATED', `the descriptor (sectors ${offset}+${size}) lies past the ${head.length} bytes read`);
  }
  const bytes = head.subarray(Number(offset * sector), Number((offset + size) * sector));
  const nul = bytes.indexOf(0);
  return latin1(nul < 0 ? bytes : bytes.subarray(0, nul));
};

/**
 * Check the leading bytes of an image declared vmdk: a sparse extent
 * (`KDMV`) whose embedded descriptor has createType monolithicSparse or
 * streamOptimized, no parent, and extents that are plain names. A stand-alone
 * text descriptor is refused even with a safe createType: its extents are
 * other files.
 */
export const checkVmdkHead = (head: Uint8Array): Finding | null => {
  if (hasBytesAt(head, 0, VMDK4_MAGIC)) {
    const text = embeddedDescriptor(head);
    return typeof text === 'string' ? checkDescriptor(text) : text;
  }
  if (hasBytesAt(head, 0, VMDK3_MAGIC)) return finding('VMDK_BAD_HEADER', 'an ESX COWD sparse extent, not a hosted sparse extent');
  if (foreignHeaderIn(head) === 'vmdk') {
    const text = latin1(head);
    return checkDescriptor(text) ?? finding('VMDK_BAD_HEADER', 'a stand-alone descriptor: its extents are separate files');
  }
  return finding('VMDK_BAD_HEADER', 'does not begin with a vmdk sparse extent header (KDMV)');
};

/**
 * Check `qemu-img info -f vmdk` output: a vmdk with a safe create-type, no
 * backing file, and only one extent, the image file itself (qemu reports
 * extents as resolved paths, so "plain name" is checked in the descriptor).
 */
export const checkVmdkInfo = (info: QemuImgInfo): Finding | null => {
  if (info.format !== 'vmdk') return finding('INFO_FORMAT_MISMATCH', `qemu-img info reports format ${shown(info.format)}`);
  if (reportsBackingFile(info)) return finding('VMDK_BACKING_FILE', 'qemu-img info reports a backing file');
  const specific = info['format-specific'];
  if (!VmdkFormatSpecific.is(specific)) return finding('INFO_FORMAT_MISMATCH', 'qemu-img info has no vmdk format-specific block');
  const createType = specific.data['create-type'];
  if (!isSafeCreateType(createType)) return finding('VMDK_CREATE_TYPE', `qemu-img info reports create-type ${shown(createType)}`);
  const { extents } = specific.data;
  const self = info.filename;
  if (extents.length !== 1 || self === undefined || extents.some((e) => e.filename !== self)) {
    return finding('VMDK_EXTENT_PATH', 'qemu-img info reports an extent other than the image file itself');
  }
  return null;
};
