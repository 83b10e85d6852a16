import type { DiskMetadata } from '../disk/disk-metadata.js';
import { WIRE_FIELDS, WIRE_PROPERTIES } from './field-schema.js';
import {
  isMetadataVersion,
  LATEST_METADATA_VERSION,
  METADATA_NAMESPACE,
  METADATA_OBJECT_NAME,
  type MetadataVersion,
} from './version.js';

/** Options of {@link encodeDiskMetadata}. */
export interface EncodeOptions {
  /** The version a reader asked for; the newest when absent. */
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

/**
 * Encode `meta` as the oslo primitive of `options.version` (newest by
 * default). Every field of that version is written, null ones as JSON null,
 * which oslo accepts for nullable fields; fields the version lacks are left
 * out. No `nova_object.changes` key: oslo reads its absence as "no changes".
 * `meta` is trusted: it comes typed from the decoder or the services.
 */
export const encodeDiskMetadata = (meta: DiskMetadata, options: EncodeOptions = {}): string => {
  const version = known(options.version ?? LATEST_METADATA_VERSION);
  const data: Record<string, string | number | null> = {};
  for (const wire of WIRE_FIELDS[version]) data[wire] = meta[WIRE_PROPERTIES[wire]] ?? null;
  return JSON.stringify({
    'nova_object.name': METADATA_OBJECT_NAME,
    'nova_object.namespace': METADATA_NAMESPACE,
    'nova_object.version': version,
    'nova_object.data': data,
  });
};
