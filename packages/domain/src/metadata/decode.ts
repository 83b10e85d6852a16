import * as E from 'fp-ts/lib/Either.js';
import { TextMemo } from '../memo/text-memo.js';
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

// Every operation lists an instance's rows and decodes each one: the same text is decoded again and again.
const memo = new TextMemo<DiskMetadata>();

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
  const decoded = decodeMetadataPrimitive(parsed);
  return E.isLeft(decoded) ? decoded : memo.keep(text, Object.freeze(decoded.right));
};
