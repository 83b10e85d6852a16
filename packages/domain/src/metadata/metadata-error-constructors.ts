import { ALLOWED_FORMATS, type Backend, type DiskFormat } from '../disk/vocabulary.js';
import { describeValue, truncate } from './describe-value.js';
import type {
  MetadataDisallowedPair,
  MetadataInvalidField,
  MetadataInvalidVersion,
  MetadataMalformedJson,
  MetadataMissingField,
  MetadataNewerMinor,
  MetadataNotAnObject,
  MetadataSizeOutOfRange,
  MetadataUnknownKey,
  MetadataUnsupportedMajor,
  MetadataWrongName,
  MetadataWrongNamespace,
} from './metadata-error.js';
import { LATEST_METADATA_VERSION, METADATA_NAMESPACE, METADATA_OBJECT_NAME } from './version.js';

/** The path of the whole document. */
export const ROOT_PATH = '$';

/** The text did not parse as JSON; `cause` is what the parser threw. */
export const malformedJson = (cause: unknown): MetadataMalformedJson => ({
  _tag: 'MetadataMalformedJson',
  code: 'METADATA_MALFORMED_JSON',
  path: ROOT_PATH,
  message: `${ROOT_PATH}: metadata is not valid JSON (${cause instanceof Error ? truncate(cause.message, 120) : 'not a string'})`,
  cause,
});

/** The JSON parsed to something other than an object. */
export const notAnObject = (value: unknown): MetadataNotAnObject => ({
  _tag: 'MetadataNotAnObject',
  code: 'METADATA_NOT_AN_OBJECT',
  path: ROOT_PATH,
  message: `${ROOT_PATH}: metadata must be a JSON object, found ${describeValue(value)}`,
});

/** `nova_object.name` names another object. */
export const wrongName = (path: string, value: unknown): MetadataWrongName => ({
  _tag: 'MetadataWrongName',
  code: 'METADATA_WRONG_NAME',
  path,
  message: `${path}: expected "${METADATA_OBJECT_NAME}", found ${describeValue(value)}`,
});

/** `nova_object.namespace` is another project's. */
export const wrongNamespace = (path: string, value: unknown): MetadataWrongNamespace => ({
  _tag: 'MetadataWrongNamespace',
  code: 'METADATA_WRONG_NAMESPACE',
  path,
  message: `${path}: expected namespace "${METADATA_NAMESPACE}", found ${describeValue(value)}`,
});

/** `nova_object.version` is not a canonical `"N.M"` string. */
export const invalidVersion = (path: string, value: unknown): MetadataInvalidVersion => ({
  _tag: 'MetadataInvalidVersion',
  code: 'METADATA_INVALID_VERSION',
  path,
  message: `${path}: expected a version string "N.M", found ${describeValue(value)}`,
});

/** A major version this reader does not know. */
export const unsupportedMajor = (path: string, version: string): MetadataUnsupportedMajor => ({
  _tag: 'MetadataUnsupportedMajor',
  code: 'METADATA_UNSUPPORTED_MAJOR',
  path,
  version,
  message: `${path}: major version of ${version} is not supported (this reader knows up to ${LATEST_METADATA_VERSION})`,
});

/** A newer minor of a known major: the writer should backport. */
export const newerMinor = (path: string, version: string): MetadataNewerMinor => ({
  _tag: 'MetadataNewerMinor',
  code: 'METADATA_NEWER_MINOR',
  path,
  version,
  supported: LATEST_METADATA_VERSION,
  message: `${path}: version ${version} is newer than ${LATEST_METADATA_VERSION}; ask the writer to backport it to ${LATEST_METADATA_VERSION}`,
});

/** A required key is absent at `path`. */
export const missingField = (path: string): MetadataMissingField => ({
  _tag: 'MetadataMissingField',
  code: 'METADATA_MISSING_FIELD',
  path,
  message: `${path}: required but absent`,
});

/** `value` at `path` is mistyped or not acceptable; `expected` says what would be. */
export const invalidField = (path: string, value: unknown, expected: string): MetadataInvalidField => {
  const found = describeValue(value);
  const kept = value === null || typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= KEPT_STRING);
  return {
    _tag: 'MetadataInvalidField',
    code: 'METADATA_INVALID_FIELD',
    path,
    found: typeof value === 'string' && !kept ? `a string of ${value.length} characters` : found,
    ...(kept ? { value } : {}),
    message: `${path}: ${found} is invalid; expected ${expected}`,
  };
};

/** Longest string an error keeps whole (a location's limit). */
const KEPT_STRING = 4096;

/** The backend does not allow the format. */
export const disallowedPair = (path: string, backend: Backend, format: DiskFormat): MetadataDisallowedPair => ({
  _tag: 'MetadataDisallowedPair',
  code: 'METADATA_DISALLOWED_PAIR',
  path,
  backend,
  format,
  message: `${path}: backend ${backend} does not allow format ${format} (allowed: ${ALLOWED_FORMATS[backend].join(', ')})`,
});

/** A numeric size outside 1 … 2^53−1. */
export const sizeOutOfRange = (path: string, value: number): MetadataSizeOutOfRange => ({
  _tag: 'MetadataSizeOutOfRange',
  code: 'METADATA_SIZE_OUT_OF_RANGE',
  path,
  value,
  message: `${path}: ${String(value)} bytes is out of range; expected an integer from 1 to 2^53-1`,
});

/** `key` is not defined by `where` (a version, or the envelope). */
export const unknownKey = (path: string, key: string, where: string): MetadataUnknownKey => ({
  _tag: 'MetadataUnknownKey',
  code: 'METADATA_UNKNOWN_KEY',
  path,
  key,
  message: `${path}: ${JSON.stringify(truncate(key))} is not a field of ${where}`,
});
