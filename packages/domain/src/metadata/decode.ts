import * as E from 'fp-ts/lib/Either.js';
import type { DiskMetadata } from '../disk/disk-metadata.js';
import { memberPath } from './describe-value.js';
import { DATA_PATH, decodeData, isFieldOf } from './decode-data.js';
import type { MetadataError } from './metadata-error.js';
import {
  invalidField,
  invalidVersion,
  malformedJson,
  missingField,
  newerMinor,
  notAnObject,
  unknownKey,
  unsupportedMajor,
  wrongName,
  wrongNamespace,
} from './metadata-error-constructors.js';
import {
  isMetadataVersion,
  LATEST_METADATA_VERSION,
  METADATA_NAMESPACE,
  METADATA_OBJECT_NAME,
  parseVersion,
  type MetadataVersion,
} from './version.js';

const NAME = 'nova_object.name';
const NAMESPACE = 'nova_object.namespace';
const VERSION = 'nova_object.version';
const CHANGES = 'nova_object.changes';
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([NAME, NAMESPACE, VERSION, DATA_PATH, CHANGES]);
const LATEST = parseVersion(LATEST_METADATA_VERSION);

type Primitive = Readonly<Record<string, unknown>>;

const isRecord = (u: unknown): u is Primitive => typeof u === 'object' && u !== null && !Array.isArray(u);

const own = (o: Primitive, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

const readVersion = (value: unknown): E.Either<MetadataError, MetadataVersion> => {
  if (value === undefined) return E.left(missingField(VERSION));
  if (isMetadataVersion(value)) return E.right(value);
  const parsed = typeof value === 'string' ? parseVersion(value) : undefined;
  if (parsed === undefined || LATEST === undefined) return E.left(invalidVersion(VERSION, value));
  if (parsed.major !== LATEST.major) return E.left(unsupportedMajor(VERSION, `${parsed.major}.${parsed.minor}`));
  // Every older minor of the major is known, so an unknown one is newer.
  return E.left(newerMinor(VERSION, `${parsed.major}.${parsed.minor}`));
};

const checkChanges = (changes: unknown, version: MetadataVersion): MetadataError | undefined => {
  if (!Array.isArray(changes)) return invalidField(CHANGES, changes, 'an array of field names');
  for (let i = 0; i < changes.length; i += 1) {
    const name: unknown = changes[i];
    const path = `${CHANGES}[${i}]`;
    if (typeof name !== 'string') return invalidField(path, name, 'a field name');
    if (!isFieldOf(version, name)) return unknownKey(path, name, `${METADATA_OBJECT_NAME} ${version}`);
  }
  return undefined;
};

/**
 * Decode an already parsed oslo primitive. Identity (name, namespace,
 * version) is checked before anything else, so a newer minor is reported as
 * such, asking for a backport, rather than as an unknown field.
 */
export const decodeMetadataPrimitive = (primitive: unknown): E.Either<MetadataError, DiskMetadata> => {
  if (!isRecord(primitive)) return E.left(notAnObject(primitive));
  const name = own(primitive, NAME);
  if (name === undefined) return E.left(missingField(NAME));
  if (name !== METADATA_OBJECT_NAME) return E.left(wrongName(NAME, name));
  const namespace = own(primitive, NAMESPACE);
  if (namespace === undefined) return E.left(missingField(NAMESPACE));
  if (namespace !== METADATA_NAMESPACE) return E.left(wrongNamespace(NAMESPACE, namespace));
  const version = readVersion(own(primitive, VERSION));
  if (E.isLeft(version)) return version;
  for (const key of Object.keys(primitive)) {
    if (!ENVELOPE_KEYS.has(key)) return E.left(unknownKey(memberPath('', key), key, 'the nova_object envelope'));
  }
  const changes = own(primitive, CHANGES);
  if (changes !== undefined) {
    const problem = checkChanges(changes, version.right);
    if (problem !== undefined) return E.left(problem);
  }
  const data = own(primitive, DATA_PATH);
  if (data === undefined) return E.left(missingField(DATA_PATH));
  if (!isRecord(data)) return E.left(invalidField(DATA_PATH, data, 'an object of fields'));
  return decodeData(data, version.right);
};

// Records are read far more often than written: every operation lists an
// instance's rows and decodes each one, so the same text is decoded again and
// again. Decoding is a pure function of the text, so successful decodes are
// kept by their exact text, frozen so no caller can change what another gets.
// The memo is bounded (cleared when full) and skips long texts, so hostile or
// odd input cannot make it hold much; failures are not kept (they are rare and
// carry the parser's error object).
const MEMO_LIMIT = 8192;
const MEMO_MAX_TEXT = 4096;
const memo = new Map<string, E.Right<DiskMetadata>>();

const remember = (text: string, decoded: E.Either<MetadataError, DiskMetadata>): E.Either<MetadataError, DiskMetadata> => {
  if (E.isLeft(decoded) || text.length > MEMO_MAX_TEXT) return decoded;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const kept = Object.freeze({ _tag: 'Right', right: Object.freeze(decoded.right) } as const);
  memo.set(text, kept);
  return kept;
};

/**
 * Decode the `driver_info` text of a disk: an oslo.versionedobjects
 * `LibvirtDiskMetadata` primitive of version 1.0 or 1.1. Never throws: every
 * input, however malformed or hostile, gives a `MetadataError` or a record.
 * The record is frozen, and the same text may give the same record object.
 */
export const decodeDiskMetadata = (text: string): E.Either<MetadataError, DiskMetadata> => {
  // The signature says string, but the text comes from a database column.
  if (typeof text !== 'string') return E.left(malformedJson(undefined));
  const known = memo.get(text);
  if (known !== undefined) return known;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    return E.left(malformedJson(cause));
  }
  return remember(text, decodeMetadataPrimitive(parsed));
};
