/**
 * fast-check arbitraries for the metadata domain: one per domain type, each
 * producing only valid values. Test-only (this folder is not built).
 */
import fc from 'fast-check';
import type { DiskMetadata } from '../disk/disk-metadata.js';
import {
  ALLOWED_FORMATS,
  BACKENDS,
  IMAGE_FORMATS,
  MAX_DISK_SIZE,
  MIN_DISK_SIZE,
  PROVENANCES,
  RECORD_STATES,
  type Backend,
  type DiskFormat,
} from '../disk/vocabulary.js';
import { METADATA_VERSIONS } from '../metadata/version.js';

/** Any storage backend. */
export const backendArb = fc.constantFrom(...BACKENDS);

/** A backend with a format it allows. */
export const allowedPairArb: fc.Arbitrary<{ backend: Backend; format: DiskFormat }> = backendArb.chain((backend) =>
  fc.constantFrom(...ALLOWED_FORMATS[backend]).map((format) => ({ backend, format })),
);

/** A virtual size, biased toward the bounds. */
export const diskSizeArb = fc.oneof(
  fc.constantFrom(MIN_DISK_SIZE, MAX_DISK_SIZE, 512, 1024 ** 3, 20 * 1024 ** 3),
  fc.integer({ min: MIN_DISK_SIZE, max: 2 ** 31 }),
  fc.maxSafeNat().filter((n) => n >= MIN_DISK_SIZE),
);

/** Any declared image format. */
export const imageFormatArb = fc.constantFrom(...IMAGE_FORMATS);
/** Any provenance. */
export const provenanceArb = fc.constantFrom(...PROVENANCES);
/** Any record state. */
export const recordStateArb = fc.constantFrom(...RECORD_STATES);

/** An image id: 1–255 of `A-Z a-z 0-9 . _ : -`, starting with a letter or digit. */
export const imageIdArb = fc.oneof(
  fc.uuid(),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/),
);

/** An LVM or RBD name part (`vg`, `lv`, `pool`, `image`). */
export const volumePartArb = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/);

// File path segments: any non-control text without "/", never "." or "..",
// including non-ASCII, so the wire is exercised beyond plain names.
const segmentArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 16 })
  .filter((s) => !s.includes('/') && s !== '.' && s !== '..' && !/\p{Cc}/u.test(s));

/** A relative or absolute file path a file backend accepts. */
export const filePathArb = fc
  .tuple(fc.boolean(), fc.array(segmentArb, { minLength: 1, maxLength: 6 }))
  .map(([absolute, parts]) => `${absolute ? '/' : ''}${parts.join('/')}`)
  .filter((p) => !p.startsWith('-') && p.length <= 4096);

/** A location valid for `backend`. */
export const locationArb = (backend: Backend): fc.Arbitrary<string> =>
  backend === 'lvm' || backend === 'rbd'
    ? fc.tuple(volumePartArb, volumePartArb).map(([a, b]) => `${a}/${b}`)
    : filePathArb;

/** A valid record of the newest version; every optional field independently null. */
export const diskMetadataArb: fc.Arbitrary<DiskMetadata> = allowedPairArb.chain(({ backend, format }) =>
  fc.record({
    backend: fc.constant(backend),
    format: fc.constant(format),
    size: diskSizeArb,
    location: fc.option(locationArb(backend), { nil: null }),
    imageId: fc.option(imageIdArb, { nil: null }),
    imageFormat: fc.option(imageFormatArb, { nil: null }),
    provenance: fc.option(provenanceArb, { nil: null }),
    state: fc.option(recordStateArb, { nil: null }),
  }),
);

/** Any wire version this code knows. */
export const metadataVersionArb = fc.constantFrom(...METADATA_VERSIONS);
