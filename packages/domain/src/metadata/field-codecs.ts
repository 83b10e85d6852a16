import * as t from 'io-ts';
import type * as V from '../disk/vocabulary.js';
import { METADATA_FIELD_SCHEMAS } from './field-schema.js';

// The codecs are built from the latest schema so the values they accept are
// the values the fingerprint pins.
const FIELDS = METADATA_FIELD_SCHEMAS['1.1'];

/** A codec whose input and output are the same type; `validate` is all the decoder calls. */
export type FieldCodec<A> = t.Type<A, A, unknown>;

const refine = <A>(name: string, is: (u: unknown) => u is A): FieldCodec<A> =>
  new t.Type<A, A, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);

// A Set keeps membership O(1) and needs no cast from the literal tuple.
const enumOf = <A extends string>(name: string, values: readonly A[]): FieldCodec<A> => {
  const allowed = new Set<string>(values);
  return refine(name, (u): u is A => typeof u === 'string' && allowed.has(u));
};

/** A storage backend (`data.backend`). */
export type Backend = V.Backend;
/** Codec for {@link Backend}. */
export const Backend = enumOf<Backend>('Backend', FIELDS.backend.values);

/** A disk format (`data.format`). */
export type DiskFormat = V.DiskFormat;
/** Codec for {@link DiskFormat}. */
export const DiskFormat = enumOf<DiskFormat>('DiskFormat', FIELDS.format.values);

/** A declared image format (`data.image_format`). */
export type ImageFormat = V.ImageFormat;
/** Codec for {@link ImageFormat}. */
export const ImageFormat = enumOf<ImageFormat>('ImageFormat', FIELDS.image_format.values);

/** How the record came to be (`data.provenance`). */
export type Provenance = V.Provenance;
/** Codec for {@link Provenance}. */
export const Provenance = enumOf<Provenance>('Provenance', FIELDS.provenance.values);

/** Whether the disk exists yet (`data.state`). */
export type RecordState = V.RecordState;
/** Codec for {@link RecordState}. */
export const RecordState = enumOf<RecordState>('RecordState', FIELDS.state.values);

/** A virtual size in bytes (`data.size`). */
export type DiskSize = number;
/** Codec for {@link DiskSize}: a safe integer within the schema's bounds. */
export const DiskSize = refine(
  'DiskSize',
  (u): u is DiskSize =>
    typeof u === 'number' && Number.isSafeInteger(u) && u >= FIELDS.size.minimum && u <= FIELDS.size.maximum,
);

const IMAGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

/** An image service id (`data.image_id`). */
export type ImageId = string;
/** Codec for {@link ImageId}: 1–255 of `A-Z a-z 0-9 . _ : -`, starting with a letter or digit. */
export const ImageId = refine('ImageId', (u): u is ImageId => typeof u === 'string' && IMAGE_ID_PATTERN.test(u));

/** A disk location (`data.location`); its shape depends on the backend, see `locationProblem`. */
export type Location = string;
/** Codec for {@link Location}: the type only; `locationProblem` checks the shape. */
export const Location = refine('Location', (u): u is Location => typeof u === 'string');
