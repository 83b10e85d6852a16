import type { DiskMetadata } from '../disk/disk-metadata.js';
import { WIRE_FIELDS, WIRE_PROPERTIES } from './field-schema.js';
import { jsonString } from '../text/json-string.js';
import {
  isMetadataVersion,
  LATEST_METADATA_VERSION,
  METADATA_NAMESPACE,
  METADATA_OBJECT_NAME,
  type MetadataVersion,
} from './version.js';

/** Options of {@link encodeDiskMetadata}. */
export interface EncodeOptions {
  /**
   * The version a reader asked for; the newest when absent. A version that
   * comes as text (a peer's request) is checked with `isMetadataVersion`
   * first: an unknown one reaching the encoder is a bug, and throws.
   */
  readonly version?: MetadataVersion;
}

const known = (version: MetadataVersion): MetadataVersion => {
  // Types rule this out; a plain-JS caller passing "2.0" is a programming error, not an input error.
  if (!isMetadataVersion(version)) throw new RangeError(`unknown LibvirtDiskMetadata version ${String(version)}`);
  return version;
};

const has = (version: MetadataVersion, property: keyof DiskMetadata): boolean =>
  WIRE_FIELDS[version].some((wire) => WIRE_PROPERTIES[wire] === property);

/**
 * What a `version` reader sees of `meta`: the fields that version does not
 * define become null, as oslo's `obj_make_compatible` drops them.
 */
export const backportDiskMetadata = (meta: DiskMetadata, version: MetadataVersion): DiskMetadata => {
  const v = known(version);
  return {
    backend: meta.backend,
    format: meta.format,
    size: meta.size,
    location: has(v, 'location') ? meta.location : null,
    imageId: has(v, 'imageId') ? meta.imageId : null,
    imageFormat: has(v, 'imageFormat') ? meta.imageFormat : null,
    provenance: has(v, 'provenance') ? meta.provenance : null,
    state: has(v, 'state') ? meta.state : null,
  };
};

// The text is written out by hand, with everything but the values computed
// once per version: every save and every migration record encodes records,
// and building an object for JSON.stringify cost several times this. The
// output is exactly what JSON.stringify printed for that object (the tests
// compare the two).
interface Layout {
  /** The envelope up to the opening brace of `nova_object.data`. */
  readonly head: string;
  /** Each field of the version: its key as printed (comma first but for the first) and the property it carries. */
  readonly fields: readonly { readonly key: string; readonly property: keyof DiskMetadata }[];
}

const layout = (version: MetadataVersion): Layout => ({
  head:
    `{"nova_object.name":${JSON.stringify(METADATA_OBJECT_NAME)},"nova_object.namespace":${JSON.stringify(METADATA_NAMESPACE)},` +
    `"nova_object.version":${JSON.stringify(version)},"nova_object.data":{`,
  fields: WIRE_FIELDS[version].map((wire, i) => ({ key: `${i === 0 ? '' : ','}${JSON.stringify(wire)}:`, property: WIRE_PROPERTIES[wire] })),
});

const LAYOUTS: Readonly<Record<MetadataVersion, Layout>> = { '1.0': layout('1.0'), '1.1': layout('1.1') };

/** One value as JSON.stringify prints it; the common cases without calling it. */
const jsonValue = (v: DiskMetadata[keyof DiskMetadata]): string => {
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return JSON.stringify(v ?? null);
};

/**
 * Encode `meta` as the oslo primitive of `options.version` (newest by
 * default). Every field of that version is written, null ones as JSON null,
 * which oslo accepts for nullable fields; fields the version lacks are left
 * out. No `nova_object.changes` key: oslo reads its absence as "no changes".
 * `meta` is trusted: it comes typed from the decoder or the services. A
 * value that may break a rule the types do not hold (a size out of range,
 * a location that walks out, a pair not allowed) goes through
 * {@link encodeDiskMetadataChecked}, which answers why instead of writing it.
 */
export const encodeDiskMetadata = (meta: DiskMetadata, options: EncodeOptions = {}): string => {
  const { head, fields } = LAYOUTS[known(options.version ?? LATEST_METADATA_VERSION)];
  let out = head;
  for (const f of fields) out += f.key + jsonValue(meta[f.property]);
  return `${out}}}`;
};
