import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DiskMetadata } from '../disk/disk-metadata.js';
import { METADATA_FIELD_SCHEMAS, WIRE_FIELDS, WIRE_PROPERTIES } from './field-schema.js';
import { LATEST_METADATA_VERSION, METADATA_VERSIONS, type MetadataVersion } from './version.js';

/** JSON with object keys sorted at every level, so the hash depends on content only. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

const fingerprint = (version: MetadataVersion): string =>
  createHash('sha256').update(canonicalJson(METADATA_FIELD_SCHEMAS[version])).digest('hex');

/*
 * The pinned fingerprints of every released wire version. A released
 * version's fields are frozen: Python services and stored rows rely on them.
 * If a pin below fails, the fields changed. Do not update the pin. Instead
 * add a new version (1.2 for an added nullable field or enum value, 2.0 for a
 * removal or retyping), keep the old schema as it was, teach encode to
 * backport to the old version, update the Python definition in
 * testing/oslo_interop.py, and add a pin for the new version here.
 */
const PINNED: Record<MetadataVersion, string> = {
  '1.0': 'e34f7994016713b725be6333ed5d0c086cacfb38de6bc0165950ca3c9c583b2a',
  '1.1': '3668849fd8c8396fcf1f0947df7efc0df8299002f4c68f49a3bd966e6ff2a41b',
};

describe('METADATA_FIELD_SCHEMAS', () => {
  describe('when fingerprinted', () => {
    it.each(METADATA_VERSIONS)('matches the pinned fingerprint of version %s', (version) => {
      expect(fingerprint(version), `fields of ${version} changed without a version bump`).toBe(PINNED[version]);
    });

    it('has a pin for every version', () => {
      expect(Object.keys(PINNED)).toEqual([...METADATA_VERSIONS]);
    });
  });

  describe('when versions are compared', () => {
    it('keeps every field of an older version, unchanged, in the newer one', () => {
      const [older, newer] = [METADATA_FIELD_SCHEMAS['1.0'], METADATA_FIELD_SCHEMAS['1.1']];
      for (const [name, field] of Object.entries(older)) expect(Object.entries(newer)).toContainEqual([name, field]);
    });

    it('makes every field added after 1.0 nullable, so older writers stay readable', () => {
      const added = WIRE_FIELDS['1.1'].filter((f) => !WIRE_FIELDS['1.0'].includes(f));
      for (const name of added) expect(METADATA_FIELD_SCHEMAS['1.1'][name].nullable).toBe(true);
    });

    it('names the last listed version as the latest', () => {
      expect(METADATA_VERSIONS.at(-1)).toBe(LATEST_METADATA_VERSION);
    });
  });

  describe('when mapped onto DiskMetadata', () => {
    it('carries every property of the record in the latest version', () => {
      const record: Record<keyof DiskMetadata, true> = {
        backend: true,
        format: true,
        size: true,
        location: true,
        imageId: true,
        imageFormat: true,
        provenance: true,
        state: true,
      };
      const carried = WIRE_FIELDS[LATEST_METADATA_VERSION].map((f) => WIRE_PROPERTIES[f]);
      expect([...carried].sort()).toEqual(Object.keys(record).sort());
    });
  });
});
