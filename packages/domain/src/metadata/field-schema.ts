import type { DiskMetadata } from '../disk/disk-metadata.js';
import {
  BACKENDS,
  DISK_FORMATS,
  IMAGE_FORMATS,
  MAX_DISK_SIZE,
  MIN_DISK_SIZE,
  PROVENANCES,
  RECORD_STATES,
} from '../disk/vocabulary.js';
import type { LATEST_METADATA_VERSION, MetadataVersion } from './version.js';

/**
 * One field of the wire object, described as oslo.versionedobjects declares
 * it (`EnumField`, `IntegerField`, `StringField`, each maybe nullable).
 */
export type FieldSchema =
  | { readonly type: 'Enum'; readonly values: readonly string[]; readonly nullable: boolean }
  | { readonly type: 'Integer'; readonly minimum: number; readonly maximum: number; readonly nullable: boolean }
  | { readonly type: 'String'; readonly nullable: boolean };

/** The fields of one wire version, keyed by their wire (snake_case) name. */
export type FieldSchemaSet = Readonly<Record<string, FieldSchema>>;

const V1_0 = {
  backend: { type: 'Enum', values: BACKENDS, nullable: false },
  format: { type: 'Enum', values: DISK_FORMATS, nullable: false },
  size: { type: 'Integer', minimum: MIN_DISK_SIZE, maximum: MAX_DISK_SIZE, nullable: false },
} as const satisfies FieldSchemaSet;

const V1_1 = {
  ...V1_0,
  location: { type: 'String', nullable: true },
  image_id: { type: 'String', nullable: true },
  image_format: { type: 'Enum', values: IMAGE_FORMATS, nullable: true },
  provenance: { type: 'Enum', values: PROVENANCES, nullable: true },
  state: { type: 'Enum', values: RECORD_STATES, nullable: true },
} as const satisfies FieldSchemaSet;

/**
 * The fields of every wire version, as data. The codec reads and writes
 * exactly these, and the fingerprint test pins them: changing one (a new
 * field, a new enum value, a different bound) needs a new version.
 */
export const METADATA_FIELD_SCHEMAS = { '1.0': V1_0, '1.1': V1_1 } as const satisfies Record<
  MetadataVersion,
  FieldSchemaSet
>;

type LatestSchema = (typeof METADATA_FIELD_SCHEMAS)[typeof LATEST_METADATA_VERSION];

/** A field name as it appears in `nova_object.data`. */
export type WireField = keyof LatestSchema;

/** Fields every version requires; derived from the schema so a change there breaks the codec's types. */
export type RequiredWireField = {
  [K in WireField]: LatestSchema[K]['nullable'] extends false ? K : never;
}[WireField];

/** Fields that may be absent or null. */
export type NullableWireField = Exclude<WireField, RequiredWireField>;

/** Which `DiskMetadata` property each wire field carries. */
export const WIRE_PROPERTIES = {
  backend: 'backend',
  format: 'format',
  size: 'size',
  location: 'location',
  image_id: 'imageId',
  image_format: 'imageFormat',
  provenance: 'provenance',
  state: 'state',
} as const satisfies Record<WireField, keyof DiskMetadata>;

const isWireField = (key: string): key is WireField => Object.hasOwn(WIRE_PROPERTIES, key);

const fieldsOf = (version: MetadataVersion): readonly WireField[] =>
  Object.keys(METADATA_FIELD_SCHEMAS[version]).filter(isWireField);

/** The wire fields of each version, in schema order. */
export const WIRE_FIELDS: Readonly<Record<MetadataVersion, readonly WireField[]>> = {
  '1.0': fieldsOf('1.0'),
  '1.1': fieldsOf('1.1'),
};
