import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../errors/domain-error.js';
import { TextMemo } from '../memo/text-memo.js';
import { jsonString } from '../text/json-string.js';

/**
 * Nova's `disk.info`: a one-line JSON object mapping each disk's absolute
 * path in the instance directory to the format the classic driver used.
 */
export type DiskInfo = ReadonlyMap<string, DiskInfoFormat>;

/** Formats nova writes into `disk.info`. */
export type DiskInfoFormat = 'raw' | 'qcow2' | 'ploop';

/** `disk.info` exists but is not a JSON object of path → known format. */
export interface DiskInfoCorrupt extends DomainError<'DiskInfoCorrupt', 'DISK_INFO_CORRUPT'> {
  readonly file: string;
}

const corrupt = (file: string, path: string, why: string): DiskInfoCorrupt => ({
  _tag: 'DiskInfoCorrupt', code: 'DISK_INFO_CORRUPT', file, path, message: `${file}: ${why}`,
});

const FORMATS: readonly string[] = ['raw', 'qcow2', 'ploop'];
const isFormat = (u: unknown): u is DiskInfoFormat => typeof u === 'string' && FORMATS.includes(u);

// Every first touch of a legacy disk reads its instance's disk.info again, and the file rarely changes.
const memo = new TextMemo<DiskInfo>();

const refuseChange = (): never => {
  throw new TypeError('a decoded disk.info is read-only');
};

/** The map as every caller with the same text shares it: changes are refused. */
const readOnly = (info: Map<string, DiskInfoFormat>): DiskInfo => {
  Object.defineProperties(info, { set: { value: refuseChange }, delete: { value: refuseChange }, clear: { value: refuseChange } });
  return Object.freeze(info);
};

/**
 * Decode `disk.info` text; a malformed file is an error, never an empty map.
 * The map is read-only, and the same text may give the same map object.
 */
export const decodeDiskInfo = (text: string, file = 'disk.info'): E.Either<DiskInfoCorrupt, DiskInfo> => {
  const known = memo.get(text);
  if (known !== undefined) return known;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return E.left(corrupt(file, '', `not JSON (${e instanceof Error ? e.message : String(e)})`));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return E.left(corrupt(file, '', 'not a JSON object'));
  }
  const out = new Map<string, DiskInfoFormat>();
  for (const [path, format] of Object.entries(parsed)) {
    if (!path.startsWith('/')) return E.left(corrupt(file, path, `key ${JSON.stringify(path)} is not an absolute path`));
    if (!isFormat(format)) return E.left(corrupt(file, path, `format ${JSON.stringify(format)} for ${path} is not raw, qcow2 or ploop`));
    out.set(path, format);
  }
  return memo.keep(text, readOnly(out));
};

/** Encode `disk.info` as nova writes it: one line, path → format (what `JSON.stringify` prints for the object). */
export const encodeDiskInfo = (info: DiskInfo): string => {
  let out = '';
  for (const [path, format] of info) {
    // A key that is not a path could be an array index, which an object lists first, and a value
    // outside the formats may need escaping: leave such maps to the built-in.
    if (!path.startsWith('/') || !isFormat(format)) return JSON.stringify(Object.fromEntries(info));
    out += `${out === '' ? '{' : ','}${jsonString(path)}:"${format}"`;
  }
  return out === '' ? '{}' : `${out}}`;
};
