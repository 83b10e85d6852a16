import { it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { diskMetadataArb, metadataVersionArb } from '../testing/metadata-arbitraries.js';
import { decodeDiskMetadata } from './decode.js';
import { backportDiskMetadata, encodeDiskMetadata } from './encode.js';
import type { DiskMetadata } from '../disk/disk-metadata.js';
import { WIRE_FIELDS, WIRE_PROPERTIES } from './field-schema.js';
import { SAMPLE } from './testing/primitives.js';
import { METADATA_VERSIONS, type MetadataVersion } from './version.js';

const SEED = 0x0d15c;

describe('encodeDiskMetadata', () => {
  describe('when no version is asked for', () => {
    it('writes the newest version with every field, in schema order', () => {
      expect(encodeDiskMetadata(SAMPLE)).toBe(
        '{"nova_object.name":"LibvirtDiskMetadata","nova_object.namespace":"nova","nova_object.version":"1.1",' +
          '"nova_object.data":{"backend":"flat","format":"qcow2","size":21474836480,' +
          '"location":"/var/lib/nova/instances/3f6c0b38-94a4-4a4e-8d0a-6a7e5c1f9d21/disk",' +
          '"image_id":"6b7e1c9a-0f3d-4b8e-9a51-2c4d7e8f0a13","image_format":"qcow2","provenance":"created","state":"ready"}}',
      );
    });

    it('writes null fields as JSON null and no changes key', () => {
      const wire: unknown = JSON.parse(encodeDiskMetadata({ ...SAMPLE, location: null, state: null }));
      expect(wire).toMatchObject({ 'nova_object.data': { location: null, state: null } });
      expect(wire).not.toHaveProperty(['nova_object.changes']);
    });
  });

  describe('when version 1.0 is asked for', () => {
    it('writes only the 1.0 fields', () => {
      expect(encodeDiskMetadata(SAMPLE, { version: '1.0' })).toBe(
        '{"nova_object.name":"LibvirtDiskMetadata","nova_object.namespace":"nova","nova_object.version":"1.0",' +
          '"nova_object.data":{"backend":"flat","format":"qcow2","size":21474836480}}',
      );
    });
  });

  describe('when compared with JSON.stringify of the envelope object', () => {
    const reference = (meta: DiskMetadata, version: MetadataVersion): string =>
      JSON.stringify({
        'nova_object.name': 'LibvirtDiskMetadata',
        'nova_object.namespace': 'nova',
        'nova_object.version': version,
        'nova_object.data': Object.fromEntries(WIRE_FIELDS[version].map((wire) => [wire, meta[WIRE_PROPERTIES[wire]] ?? null])),
      });

    it.prop([diskMetadataArb, metadataVersionArb], { seed: SEED })('prints the same text for any valid record', (meta, version) => {
      expect(encodeDiskMetadata(meta, { version })).toBe(reference(meta, version));
    });

    it('prints the same text for strings JSON must escape', () => {
      const odd: DiskMetadata = { ...SAMPLE, location: 'a"b\\c\u0001d\u00e9\u2028\ud800', imageId: '' };
      expect(encodeDiskMetadata(odd)).toBe(reference(odd, '1.1'));
    });
  });

  describe('when an unknown version is forced past the types', () => {
    it('throws, since that is a programming error', () => {
      expect(() => Reflect.apply(encodeDiskMetadata, undefined, [SAMPLE, { version: '2.0' }])).toThrow(RangeError);
    });
  });

  describe('when given any valid record', () => {
    it.prop([diskMetadataArb, metadataVersionArb], { seed: SEED })(
      'emits canonical JSON holding exactly the envelope and the version’s fields',
      (meta, version) => {
        const text = encodeDiskMetadata(meta, { version });
        const wire: unknown = JSON.parse(text);
        expect(JSON.stringify(wire)).toBe(text);
        expect(Object.keys(Object(wire))).toEqual([
          'nova_object.name',
          'nova_object.namespace',
          'nova_object.version',
          'nova_object.data',
        ]);
        expect(Object.keys(Object(Object(wire)['nova_object.data']))).toEqual(WIRE_FIELDS[version]);
      },
    );
  });
});

describe('the codec round trip', () => {
  describe('when a record is encoded at any version', () => {
    it.prop([diskMetadataArb, metadataVersionArb], { seed: SEED, numRuns: 500 })(
      'decode ∘ encode is identity up to the version’s projection',
      (meta, version) => {
        expect(decodeDiskMetadata(encodeDiskMetadata(meta, { version }))).toEqual({
          _tag: 'Right',
          right: backportDiskMetadata(meta, version),
        });
      },
    );

    it.prop([diskMetadataArb], { seed: SEED })('decode ∘ encode is identity at the newest version', (meta) => {
      expect(decodeDiskMetadata(encodeDiskMetadata(meta))).toEqual({ _tag: 'Right', right: meta });
    });
  });

  describe('when a record is backported', () => {
    it.prop([diskMetadataArb, metadataVersionArb, metadataVersionArb], { seed: SEED })(
      'backport then encode at any version at least as new, then decode, equals the projection',
      (meta, a, b) => {
        const [older, newer] = METADATA_VERSIONS.indexOf(a) <= METADATA_VERSIONS.indexOf(b) ? [a, b] : [b, a];
        const projected = backportDiskMetadata(meta, older);
        expect(decodeDiskMetadata(encodeDiskMetadata(projected, { version: newer }))).toEqual({
          _tag: 'Right',
          right: projected,
        });
      },
    );

    it.prop([diskMetadataArb, metadataVersionArb], { seed: SEED })('backport is idempotent', (meta, version) => {
      const once = backportDiskMetadata(meta, version);
      expect(backportDiskMetadata(once, version)).toEqual(once);
    });

    it('keeps everything at the newest version and nulls the 1.1 fields at 1.0', () => {
      expect(backportDiskMetadata(SAMPLE, '1.1')).toEqual(SAMPLE);
      expect(backportDiskMetadata(SAMPLE, '1.0')).toEqual({
        ...SAMPLE,
        location: null,
        imageId: null,
        imageFormat: null,
        provenance: null,
        state: null,
      });
    });
  });
});

