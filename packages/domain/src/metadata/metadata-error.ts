import type { DomainError } from '../errors/domain-error.js';
import type { Backend, DiskFormat } from '../disk/vocabulary.js';
import type { MetadataVersion } from './version.js';

/** Every code a metadata decode can fail with; stable, for machines to switch on. */
export const METADATA_ERROR_CODES = [
  'METADATA_MALFORMED_JSON',
  'METADATA_NOT_AN_OBJECT',
  'METADATA_WRONG_NAME',
  'METADATA_WRONG_NAMESPACE',
  'METADATA_INVALID_VERSION',
  'METADATA_UNSUPPORTED_MAJOR',
  'METADATA_NEWER_MINOR',
  'METADATA_MISSING_FIELD',
  'METADATA_INVALID_FIELD',
  'METADATA_DISALLOWED_PAIR',
  'METADATA_SIZE_OUT_OF_RANGE',
  'METADATA_UNKNOWN_KEY',
] as const;

/** A stable metadata error code. */
export type MetadataErrorCode = (typeof METADATA_ERROR_CODES)[number];

/** A metadata error always says where: a wire path such as `nova_object.data.size`, or `$` for the whole text. */
interface Located<Tag extends string, Code extends MetadataErrorCode> extends DomainError<Tag, Code> {
  readonly path: string;
}

/** The text is not JSON. */
export type MetadataMalformedJson = Located<'MetadataMalformedJson', 'METADATA_MALFORMED_JSON'>;
/** The JSON is not an object (an array, a string, null, …). */
export type MetadataNotAnObject = Located<'MetadataNotAnObject', 'METADATA_NOT_AN_OBJECT'>;
/** `nova_object.name` is not `LibvirtDiskMetadata`. */
export type MetadataWrongName = Located<'MetadataWrongName', 'METADATA_WRONG_NAME'>;
/** `nova_object.namespace` is not `nova`. */
export type MetadataWrongNamespace = Located<'MetadataWrongNamespace', 'METADATA_WRONG_NAMESPACE'>;
/** `nova_object.version` is not a `"N.M"` string. */
export type MetadataInvalidVersion = Located<'MetadataInvalidVersion', 'METADATA_INVALID_VERSION'>;

/** A major version this code does not know: never guessed at. */
export interface MetadataUnsupportedMajor extends Located<'MetadataUnsupportedMajor', 'METADATA_UNSUPPORTED_MAJOR'> {
  readonly version: string;
}

/**
 * A newer minor of a known major. As in oslo, the reader asks the writer to
 * backport to `supported` and reads again.
 */
export interface MetadataNewerMinor extends Located<'MetadataNewerMinor', 'METADATA_NEWER_MINOR'> {
  readonly version: string;
  readonly supported: MetadataVersion;
}

/** A required envelope key or data field is absent. */
export type MetadataMissingField = Located<'MetadataMissingField', 'METADATA_MISSING_FIELD'>;

/** A field holds a value of the wrong type or an unacceptable value. */
export interface MetadataInvalidField extends Located<'MetadataInvalidField', 'METADATA_INVALID_FIELD'> {
  /** What was found, described (`5`, `"abc"`, `an array`, `a string of 5000 characters`): always safe to log. */
  readonly found: string;
  /**
   * The value itself when it is a number, a boolean, null or a string of at
   * most 4,096 characters; absent otherwise. The text is a writer's, maybe
   * hostile: `JSON.stringify` of a deeply nested value throws.
   */
  readonly value?: string | number | boolean | null;
}

/** The backend cannot hold a disk of that format (`lvm` with `qcow2`, …). */
export interface MetadataDisallowedPair extends Located<'MetadataDisallowedPair', 'METADATA_DISALLOWED_PAIR'> {
  readonly backend: Backend;
  readonly format: DiskFormat;
}

/** The size is a number but not an integer in 1 … 2^53−1. */
export interface MetadataSizeOutOfRange extends Located<'MetadataSizeOutOfRange', 'METADATA_SIZE_OUT_OF_RANGE'> {
  readonly value: number;
}

/** A key the version does not define, in `nova_object.data`, `nova_object.changes` or the envelope. */
export interface MetadataUnknownKey extends Located<'MetadataUnknownKey', 'METADATA_UNKNOWN_KEY'> {
  readonly key: string;
}

/** Every way decoding a `LibvirtDiskMetadata` primitive can fail. */
export type MetadataError =
  | MetadataMalformedJson
  | MetadataNotAnObject
  | MetadataWrongName
  | MetadataWrongNamespace
  | MetadataInvalidVersion
  | MetadataUnsupportedMajor
  | MetadataNewerMinor
  | MetadataMissingField
  | MetadataInvalidField
  | MetadataDisallowedPair
  | MetadataSizeOutOfRange
  | MetadataUnknownKey;
