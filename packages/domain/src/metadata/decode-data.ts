import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { DiskMetadata } from '../disk/disk-metadata.js';
import { isAllowedPair } from '../disk/vocabulary.js';
import { memberPath } from './describe-value.js';
import * as C from './field-codecs.js';
import {
  METADATA_FIELD_SCHEMAS,
  WIRE_FIELDS,
  type NullableWireField,
  type RequiredWireField,
  type WireField,
} from './field-schema.js';
import { locationProblem } from './location.js';
import type { MetadataError } from './metadata-error.js';
import {
  disallowedPair,
  invalidField,
  missingField,
  sizeOutOfRange,
  unknownKey,
} from './metadata-error-constructors.js';
import { METADATA_OBJECT_NAME, type MetadataVersion } from './version.js';

/** Where the fields live in the primitive. */
export const DATA_PATH = 'nova_object.data';

type Data = Readonly<Record<string, unknown>>;

/** A field's codec with everything its errors need, built once rather than per decode. */
interface FieldReader<A, N extends WireField> {
  readonly name: N;
  readonly path: string;
  readonly codec: C.FieldCodec<A>;
  readonly context: t.Context;
  readonly expected: string;
}

const reader = <A, N extends WireField>(name: N, codec: C.FieldCodec<A>, expected: string): FieldReader<A, N> => ({
  name,
  path: `${DATA_PATH}.${name}`,
  codec,
  context: [{ key: name, type: codec }],
  expected: METADATA_FIELD_SCHEMAS['1.1'][name].nullable ? `${expected} or null` : expected,
});

const S = METADATA_FIELD_SCHEMAS['1.1'];
const oneOf = (values: readonly string[]): string => `one of ${values.join(', ')}`;

const BACKEND = reader('backend', C.Backend, oneOf(S.backend.values));
const FORMAT = reader('format', C.DiskFormat, oneOf(S.format.values));
const SIZE = reader('size', C.DiskSize, 'an integer number of bytes from 1 to 2^53-1');
const LOCATION = reader('location', C.Location, 'a string');
const IMAGE_ID = reader('image_id', C.ImageId, '1-255 of A-Z a-z 0-9 . _ : -, starting with a letter or digit');
const IMAGE_FORMAT = reader('image_format', C.ImageFormat, oneOf(S.image_format.values));
const PROVENANCE = reader('provenance', C.Provenance, oneOf(S.provenance.values));
const STATE = reader('state', C.RecordState, oneOf(S.state.values));

const KNOWN: Readonly<Record<MetadataVersion, ReadonlySet<string>>> = {
  '1.0': new Set<string>(WIRE_FIELDS['1.0']),
  '1.1': new Set<string>(WIRE_FIELDS['1.1']),
};

/** Whether `name` is a field of `version`. */
export const isFieldOf = (version: MetadataVersion, name: string): boolean => KNOWN[version].has(name);

// Own properties only: a parsed `__proto__` key is an own property, and an
// inherited one must never stand in for an absent field.
const own = (data: Data, key: string): unknown => (Object.hasOwn(data, key) ? data[key] : undefined);

const NULL: E.Either<never, null> = E.right(null);

const required = <A>(data: Data, f: FieldReader<A, RequiredWireField>): E.Either<MetadataError, A> => {
  const value = own(data, f.name);
  if (value === undefined) return E.left(missingField(f.path));
  const result = f.codec.validate(value, f.context);
  return E.isRight(result) ? result : E.left(invalidField(f.path, value, f.expected));
};

// Absent and null mean the same in oslo: the field is unset.
const optional = <A>(data: Data, f: FieldReader<A, NullableWireField>): E.Either<MetadataError, A | null> => {
  const value = own(data, f.name);
  if (value === undefined || value === null) return NULL;
  const result = f.codec.validate(value, f.context);
  return E.isRight(result) ? result : E.left(invalidField(f.path, value, f.expected));
};

const size = (data: Data): E.Either<MetadataError, number> => {
  const result = required(data, SIZE);
  if (E.isRight(result)) return result;
  const value = own(data, SIZE.name);
  // A number that is whole (or too big to be finite) is a size out of range; 1.5 or "10" is not a size at all.
  const outOfRange = typeof value === 'number' && (Number.isInteger(value) || !Number.isFinite(value));
  return outOfRange ? E.left(sizeOutOfRange(SIZE.path, value)) : result;
};

/**
 * Decode `nova_object.data` of a `version` primitive. Keys the version does
 * not define are rejected first, so a 1.1 field can never hide in a 1.0
 * object and every field read below is either of this version or absent.
 */
export const decodeData = (data: Data, version: MetadataVersion): E.Either<MetadataError, DiskMetadata> => {
  for (const key of Object.keys(data)) {
    if (!KNOWN[version].has(key)) {
      return E.left(unknownKey(memberPath(DATA_PATH, key), key, `${METADATA_OBJECT_NAME} ${version}`));
    }
  }
  const backend = required(data, BACKEND);
  if (E.isLeft(backend)) return backend;
  const format = required(data, FORMAT);
  if (E.isLeft(format)) return format;
  const bytes = size(data);
  if (E.isLeft(bytes)) return bytes;
  if (!isAllowedPair(backend.right, format.right)) {
    return E.left(disallowedPair(FORMAT.path, backend.right, format.right));
  }
  const location = optional(data, LOCATION);
  if (E.isLeft(location)) return location;
  if (location.right !== null) {
    const problem = locationProblem(backend.right, location.right);
    if (problem !== undefined) {
      return E.left(invalidField(LOCATION.path, location.right, `a ${backend.right} location (${problem})`));
    }
  }
  const imageId = optional(data, IMAGE_ID);
  if (E.isLeft(imageId)) return imageId;
  const imageFormat = optional(data, IMAGE_FORMAT);
  if (E.isLeft(imageFormat)) return imageFormat;
  const provenance = optional(data, PROVENANCE);
  if (E.isLeft(provenance)) return provenance;
  const state = optional(data, STATE);
  if (E.isLeft(state)) return state;
  return E.right({
    backend: backend.right,
    format: format.right,
    size: bytes.right,
    location: location.right,
    imageId: imageId.right,
    imageFormat: imageFormat.right,
    provenance: provenance.right,
    state: state.right,
  });
};
