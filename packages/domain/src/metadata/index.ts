export { decodeDiskMetadata, decodeMetadataPrimitive } from './decode.js';
export { backportDiskMetadata, encodeDiskMetadata, type EncodeOptions } from './encode.js';
export { encodeDiskMetadataChecked } from './encode-checked.js';
export {
  METADATA_FIELD_SCHEMAS,
  WIRE_FIELDS,
  WIRE_PROPERTIES,
  type FieldSchema,
  type FieldSchemaSet,
  type NullableWireField,
  type RequiredWireField,
  type WireField,
} from './field-schema.js';
/** The io-ts codec of each field of a record's data, by field (for tools that validate one field alone). */
export * as MetadataFieldCodecs from './field-codecs.js';
export { locationProblem, MAX_LOCATION_LENGTH } from './location.js';
export {
  METADATA_ERROR_CODES,
  type MetadataDisallowedPair,
  type MetadataError,
  type MetadataErrorCode,
  type MetadataInvalidField,
  type MetadataInvalidVersion,
  type MetadataMalformedJson,
  type MetadataMissingField,
  type MetadataNewerMinor,
  type MetadataNotAnObject,
  type MetadataSizeOutOfRange,
  type MetadataUnknownKey,
  type MetadataUnsupportedMajor,
  type MetadataWrongName,
  type MetadataWrongNamespace,
} from './metadata-error.js';
export {
  LATEST_METADATA_VERSION,
  METADATA_NAMESPACE,
  METADATA_OBJECT_NAME,
  METADATA_VERSIONS,
  isMetadataVersion,
  type MetadataVersion,
} from './version.js';
