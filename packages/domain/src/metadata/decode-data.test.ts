import { describe, expect, it } from 'vitest';
import { ALLOWED_FORMATS, BACKENDS, DISK_FORMATS } from '../disk/vocabulary.js';
import { failure, parseObject, primitive, success } from './testing/primitives.js';

const text = (p: unknown): string => JSON.stringify(p);
const withSize = (size: unknown): string => text(primitive('1.1', { size }));
const pairText = (backend: string, format: string): string =>
  text(primitive('1.1', { backend, format, location: backend === 'lvm' || backend === 'rbd' ? 'a/b' : 'disk' }));

// Written out from the specification rather than derived from ALLOWED_FORMATS, so the test checks the table.
const allowed = [
  { backend: 'flat', format: 'raw' },
  { backend: 'flat', format: 'qcow2' },
  { backend: 'qcow2', format: 'qcow2' },
  { backend: 'lvm', format: 'raw' },
  { backend: 'rbd', format: 'raw' },
  { backend: 'ploop', format: 'ploop' },
  { backend: 'ploop', format: 'raw' },
];
const disallowed = BACKENDS.flatMap((backend) => DISK_FORMATS.map((format) => ({ backend, format }))).filter(
  (pair) => !allowed.some((a) => a.backend === pair.backend && a.format === pair.format),
);

describe('decodeData', () => {
  describe('when the backend and format are an allowed pair', () => {
    it.each(allowed)('accepts $backend with $format', ({ backend, format }) => {
      expect(success(pairText(backend, format))).toMatchObject({ backend, format });
    });
  });

  describe('when the backend does not allow the format', () => {
    it.each(disallowed)('fails with METADATA_DISALLOWED_PAIR for $backend with $format', ({ backend, format }) => {
      expect(failure(pairText(backend, format))).toMatchObject({
        code: 'METADATA_DISALLOWED_PAIR',
        path: 'nova_object.data.format',
        backend,
        format,
      });
    });

    it('agrees with ALLOWED_FORMATS on all 15 pairs', () => {
      expect(disallowed).toHaveLength(8);
      for (const { backend, format } of disallowed) expect(ALLOWED_FORMATS[backend]).not.toContain(format);
    });
  });

  describe('when the size is at a bound', () => {
    it.each([1, 2 ** 53 - 1])('accepts %d', (size) => {
      expect(success(withSize(size)).size).toBe(size);
    });
  });

  describe('when the size is a whole number out of range', () => {
    it.each([0, -1, 2 ** 53])('fails with METADATA_SIZE_OUT_OF_RANGE for %d', (size) => {
      expect(failure(withSize(size))).toMatchObject({ code: 'METADATA_SIZE_OUT_OF_RANGE', path: 'nova_object.data.size' });
    });

    it('fails with METADATA_SIZE_OUT_OF_RANGE for 1e400, which JSON reads as Infinity', () => {
      const raw = withSize(7).replace('"size":7', '"size":1e400');
      expect(failure(raw)).toMatchObject({ code: 'METADATA_SIZE_OUT_OF_RANGE', path: 'nova_object.data.size' });
    });
  });

  describe('when the size is not a whole number', () => {
    it.each([1.5, '10', true, null, [10], { n: 10 }])('fails with METADATA_INVALID_FIELD for %j', (size) => {
      expect(failure(withSize(size))).toMatchObject({ code: 'METADATA_INVALID_FIELD', path: 'nova_object.data.size' });
    });
  });

  describe('when a required field is absent', () => {
    it.each(['backend', 'format', 'size'])('fails with METADATA_MISSING_FIELD for %s in 1.0 and 1.1', (field) => {
      for (const version of ['1.0', '1.1'] as const) {
        const p = primitive(version);
        const data = Object.fromEntries(Object.entries(parseObject(text(p['nova_object.data']))).filter(([k]) => k !== field));
        expect(failure(text({ ...p, 'nova_object.data': data }))).toMatchObject({
          code: 'METADATA_MISSING_FIELD',
          path: `nova_object.data.${field}`,
        });
      }
    });
  });

  describe('when a field has a bad value', () => {
    it.each([
      ['backend', 'FLAT'],
      ['backend', null],
      ['format', 'vmdk'],
      ['image_format', 'exe'],
      ['provenance', 'guessed'],
      ['state', 'deleted'],
      ['location', 42],
      ['image_id', ''],
      ['image_id', '-leading-dash'],
      ['image_id', 'has space'],
      ['image_id', 'a'.repeat(256)],
    ])('fails with METADATA_INVALID_FIELD for %s = %j', (field, value) => {
      expect(failure(text(primitive('1.1', { [field]: value })))).toMatchObject({
        code: 'METADATA_INVALID_FIELD',
        path: `nova_object.data.${field}`,
      });
    });
  });

  describe('when the location does not suit the backend', () => {
    it.each([
      ['lvm', 'vg'],
      ['lvm', 'vg/lv/extra'],
      ['rbd', '/pool/image'],
      ['flat', 'a/../b'],
      ['flat', 'a\u0000b'],
      ['qcow2', ''],
    ])('fails with METADATA_INVALID_FIELD for %s at %j', (backend, location) => {
      const format = backend === 'qcow2' ? 'qcow2' : 'raw';
      expect(failure(text(primitive('1.1', { backend, format, location })))).toMatchObject({
        code: 'METADATA_INVALID_FIELD',
        path: 'nova_object.data.location',
      });
    });
  });

  describe('when a 1.1 field is absent or null', () => {
    it('decodes it as null either way', () => {
      const absent = success(text(primitive('1.1', {})).replace('"location":"disk",', ''));
      const explicit = success(text(primitive('1.1', { location: null, image_id: null, state: null })));
      expect(absent.location).toBeNull();
      expect(explicit).toMatchObject({ location: null, imageId: null, state: null, provenance: 'created' });
    });
  });

  describe('when a 1.0 object carries a 1.1 field', () => {
    it.each(['location', 'image_id', 'image_format', 'provenance', 'state'])(
      'fails with METADATA_UNKNOWN_KEY for %s, even when null',
      (field) => {
        expect(failure(text(primitive('1.0', { [field]: null })))).toMatchObject({
          code: 'METADATA_UNKNOWN_KEY',
          path: `nova_object.data.${field}`,
        });
      },
    );
  });

  describe('when a 1.0 object is valid', () => {
    it('decodes every 1.1 field as null', () => {
      expect(success(text(primitive('1.0')))).toEqual({
        backend: 'flat',
        format: 'qcow2',
        size: 1024,
        location: null,
        imageId: null,
        imageFormat: null,
        provenance: null,
        state: null,
      });
    });
  });
});
