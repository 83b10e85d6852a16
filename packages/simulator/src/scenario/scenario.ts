import { CONTENT_KINDS, DISK_FORMATS, BACKENDS, IMAGE_FORMATS, IMAGES_TYPES, PROVENANCES, type Backend, type Provenance } from '@disk-ledger/domain';
import * as t from 'io-ts';
import { Size } from './size.js';
import { codeText, describeValue, isMapping, oneOf, strict, text } from './strict-codecs.js';

/**
 * The scenario format, version 1 (shared/design/SCENARIO-FORMAT.md), as
 * io-ts codecs. Everything the document shows is accepted exactly as written;
 * unknown keys are refused with their path.
 */

/**
 * A disk's backend: one of the domain's names, or `raw`, which the format
 * document says names the same backend as `flat` (read as `flat`).
 */
export const BackendName = new t.Type<Backend, Backend, unknown>(
  'backend',
  (u): u is Backend => typeof u === 'string' && (BACKENDS as readonly string[]).includes(u),
  (u, c) => {
    if (u === 'raw') return t.success('flat');
    return typeof u === 'string' && (BACKENDS as readonly string[]).includes(u) ? t.success(u as Backend) : t.failure(u, c, `expected one of ${BACKENDS.join(', ')} (or raw, the same as flat)`);
  },
  t.identity,
);

/**
 * A disk's provenance: one of the record's values, or `derived-from-legacy`, the architecture document's words for
 * `derived` (read as `derived`).
 */
export const ProvenanceName = new t.Type<Provenance, Provenance, unknown>(
  'provenance',
  (u): u is Provenance => typeof u === 'string' && (PROVENANCES as readonly string[]).includes(u),
  (u, c) => {
    if (u === 'derived-from-legacy') return t.success('derived');
    return typeof u === 'string' && (PROVENANCES as readonly string[]).includes(u) ? t.success(u as Provenance) : t.failure(u, c, `expected one of ${PROVENANCES.join(', ')} (or derived-from-legacy, the same as derived)`);
  },
  t.identity,
);

export const HostConfig = strict('HostConfig', {}, {
  images_type: oneOf('images_type', IMAGES_TYPES),
  use_cow_images: t.boolean,
  force_raw_images: t.boolean,
  images_volume_group: text,
  images_rbd_pool: text,
  preallocate_images: oneOf('preallocate_images', ['none', 'space'] as const),
  /** The simulator's own key (not one of nova's libvirt options): the host admits vmdk images, as `RealHostConfig.allowVmdk` does. */
  allow_vmdk: t.boolean,
});
export type HostConfig = t.TypeOf<typeof HostConfig>;

export const HostSpec = strict('Host', { name: text }, { config: HostConfig, secrets: t.array(text) });
export type HostSpec = t.TypeOf<typeof HostSpec>;

export const ContentKind = oneOf('content', CONTENT_KINDS);

export const ImageSpec = strict('Image', { id: text, disk_format: oneOf('disk_format', IMAGE_FORMATS) }, {
  virtual_size: Size,
  content: ContentKind,
  target: text,
  container_format: text,
  kernel_id: text,
  ramdisk_id: text,
});
export type ImageSpec = t.TypeOf<typeof ImageSpec>;

export const Flavor = strict('Flavor', {}, { root: Size, ephemeral: Size, swap: Size });
export type Flavor = t.TypeOf<typeof Flavor>;

const AtLeast = strict('AtLeast', { min: t.number }, {});
/** A count: a whole number, or `{ min: N }`; a mapping's own problems are named inside it. */
const Count = new t.Type<number | t.TypeOf<typeof AtLeast>, unknown, unknown>(
  'count',
  (u): u is number | t.TypeOf<typeof AtLeast> => typeof u === 'number' || AtLeast.is(u),
  (u, c) => {
    if (typeof u === 'number') return t.success(u);
    if (isMapping(u)) return AtLeast.validate(u, c);
    return t.failure(u, c, `expected a whole number or { min: N }, got ${describeValue(u)}`);
  },
  t.identity,
);
export type Count = t.TypeOf<typeof Count>;

export const StepExpectation = strict('StepExpectation', { index: t.number, outcome: oneOf('outcome', ['ok', 'error'] as const) }, { code: codeText });
export type StepExpectation = t.TypeOf<typeof StepExpectation>;

export const DiskExpectation = strict('DiskExpectation', { instance: text, disk: text }, {
  host: text,
  backend: BackendName,
  format: oneOf('format', DISK_FORMATS),
  size: Size,
  location: text,
  provenance: ProvenanceName,
  absent: t.boolean,
});
export type DiskExpectation = t.TypeOf<typeof DiskExpectation>;

export const Expectations = strict('Expect', {}, {
  probes: Count,
  leaks: Count,
  steps: t.array(StepExpectation),
  disks: t.array(DiskExpectation),
});
export type Expectations = t.TypeOf<typeof Expectations>;
