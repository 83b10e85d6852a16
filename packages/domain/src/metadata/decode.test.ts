import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeDiskMetadata } from './decode.js';
import { METADATA_ERROR_CODES, type MetadataErrorCode } from './metadata-error.js';
import { failure, primitive, setOwn, success, type Json } from './testing/primitives.js';

const text = (p: unknown): string => JSON.stringify(p);
const without = (p: Json, key: string): Json => Object.fromEntries(Object.entries(p).filter(([k]) => k !== key));

describe('decodeDiskMetadata', () => {
  describe('when the text is not JSON', () => {
    it.each(['', '{', 'nope', '{"a":1,}', "{'a':1}"])('fails with METADATA_MALFORMED_JSON for %j', (input) => {
      expect(failure(input)).toMatchObject({ code: 'METADATA_MALFORMED_JSON', path: '$' });
    });

    it('fails rather than throws when given something other than a string', () => {
      const result: unknown = Reflect.apply(decodeDiskMetadata, undefined, [42]);
      expect(result).toMatchObject({ _tag: 'Left', left: { code: 'METADATA_MALFORMED_JSON' } });
    });
  });

  describe('when the JSON is not an object', () => {
    it.each(['null', '[]', '[{}]', '"x"', '1', 'true'])('fails with METADATA_NOT_AN_OBJECT for %s', (input) => {
      expect(failure(input)).toMatchObject({ code: 'METADATA_NOT_AN_OBJECT', path: '$' });
    });
  });

  describe('when the object name is wrong', () => {
    it('fails with METADATA_WRONG_NAME at nova_object.name', () => {
      const p = { ...primitive(), 'nova_object.name': 'Instance' };
      expect(failure(text(p))).toMatchObject({ code: 'METADATA_WRONG_NAME', path: 'nova_object.name' });
    });

    it('fails with METADATA_MISSING_FIELD when the name is absent', () => {
      expect(failure(text(without(primitive(), 'nova_object.name')))).toMatchObject({
        code: 'METADATA_MISSING_FIELD',
        path: 'nova_object.name',
      });
    });
  });

  describe('when the namespace is wrong', () => {
    it.each(['cinder', null, 1])('fails with METADATA_WRONG_NAMESPACE for %j', (ns) => {
      const p = { ...primitive(), 'nova_object.namespace': ns };
      expect(failure(text(p))).toMatchObject({ code: 'METADATA_WRONG_NAMESPACE', path: 'nova_object.namespace' });
    });
  });

  describe('when the version is not "N.M"', () => {
    it.each(['1', '1.0.0', 'v1.0', '01.0', '1.01', ' 1.0', '', 1.1, null, ['1.0']])(
      'fails with METADATA_INVALID_VERSION for %j',
      (version) => {
        const p = { ...primitive(), 'nova_object.version': version };
        expect(failure(text(p))).toMatchObject({ code: 'METADATA_INVALID_VERSION', path: 'nova_object.version' });
      },
    );
  });

  describe('when the major version is unknown', () => {
    it.each(['2.0', '0.9', '10.1'])('fails with METADATA_UNSUPPORTED_MAJOR carrying %s', (version) => {
      const p = { ...primitive(), 'nova_object.version': version };
      expect(failure(text(p))).toMatchObject({ code: 'METADATA_UNSUPPORTED_MAJOR', path: 'nova_object.version', version });
    });
  });

  describe('when the minor version is newer', () => {
    it('fails with METADATA_NEWER_MINOR naming the version to backport to, before looking at unknown fields', () => {
      const p = primitive('1.1', { pool: 'gold' });
      const e = failure(text({ ...p, 'nova_object.version': '1.7' }));
      expect(e).toMatchObject({ code: 'METADATA_NEWER_MINOR', path: 'nova_object.version', version: '1.7', supported: '1.1' });
      expect(e.message).toContain('backport');
    });
  });

  describe('when the envelope has an unknown key', () => {
    it.each(['nova_object.extra', 'data', '__proto__'])('fails with METADATA_UNKNOWN_KEY for %j', (key) => {
      const e = failure(text(setOwn(primitive(), key, 1)));
      expect(e).toMatchObject({ code: 'METADATA_UNKNOWN_KEY', key });
    });
  });

  describe('when nova_object.data is missing or not an object', () => {
    it('fails with METADATA_MISSING_FIELD when absent', () => {
      expect(failure(text(without(primitive(), 'nova_object.data')))).toMatchObject({
        code: 'METADATA_MISSING_FIELD',
        path: 'nova_object.data',
      });
    });

    it.each([null, [], 'x', 3])('fails with METADATA_INVALID_FIELD for %j', (data) => {
      const p = { ...primitive(), 'nova_object.data': data };
      expect(failure(text(p))).toMatchObject({ code: 'METADATA_INVALID_FIELD', path: 'nova_object.data' });
    });
  });

  describe('when a field holds something a hostile writer made', () => {
    it('keeps in the error what it is, not the value itself, so the error stays safe to log', () => {
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const e = failure(JSON.stringify(primitive()).replace('"size":1024', `"size":${deep}`));
      expect(e).toMatchObject({ code: 'METADATA_INVALID_FIELD', path: 'nova_object.data.size', found: 'an array' });
      expect(e).not.toHaveProperty('value');
      expect(() => JSON.stringify(e)).not.toThrow();
      const long = failure(JSON.stringify(primitive('1.1', { location: 'x'.repeat(5000) })));
      expect(long).toMatchObject({ code: 'METADATA_INVALID_FIELD', path: 'nova_object.data.location', found: 'a string of 5000 characters' });
      expect(long).not.toHaveProperty('value');
      expect(failure(JSON.stringify(primitive('1.1', { size: 'big' })))).toMatchObject({ value: 'big', found: '"big"' });
    });
  });

  describe('when nova_object.changes is present', () => {
    it('accepts a list of field names of the version', () => {
      expect(success(text({ ...primitive(), 'nova_object.changes': ['size', 'location'] })).size).toBe(1024);
    });

    it('fails with METADATA_INVALID_FIELD when it is not an array', () => {
      const p = { ...primitive(), 'nova_object.changes': 'size' };
      expect(failure(text(p))).toMatchObject({ code: 'METADATA_INVALID_FIELD', path: 'nova_object.changes' });
    });

    it('fails with METADATA_INVALID_FIELD when an entry is not a string', () => {
      const p = { ...primitive(), 'nova_object.changes': ['size', 7] };
      expect(failure(text(p))).toMatchObject({ code: 'METADATA_INVALID_FIELD', path: 'nova_object.changes[1]' });
    });

    it('fails with METADATA_UNKNOWN_KEY when it names a field the version lacks', () => {
      const p = { ...primitive('1.0'), 'nova_object.changes': ['size', 'location'] };
      expect(failure(text(p))).toMatchObject({ code: 'METADATA_UNKNOWN_KEY', path: 'nova_object.changes[1]' });
    });
  });

  describe('when the input is hostile', () => {
    it('fails cleanly on very deep nesting', () => {
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      expect(E.isLeft(decodeDiskMetadata(deep))).toBe(true);
      const inField = text(primitive()).replace('"disk"', deep);
      expect(failure(inField)).toMatchObject({ code: 'METADATA_INVALID_FIELD', path: 'nova_object.data.location' });
    });

    it('treats a "__proto__" data key as an unknown field, not a prototype', () => {
      const raw = text(primitive()).replace('"backend"', '"__proto__":{"size":1},"backend"');
      expect(failure(raw)).toMatchObject({ code: 'METADATA_UNKNOWN_KEY', key: '__proto__' });
    });

    it('never takes an inherited property for a field', () => {
      const raw = text(primitive('1.0', { constructor: 'x' }));
      expect(failure(raw)).toMatchObject({ code: 'METADATA_UNKNOWN_KEY', path: 'nova_object.data.constructor' });
    });

    it('quotes a strange key in the path instead of splicing it in', () => {
      const e = failure(text(primitive('1.1', { 'a.b]': 1 })));
      expect(e.path).toBe('nova_object.data["a.b]"]');
    });
  });

  describe('when each error code is provoked', () => {
    const envelope = (key: string, value: unknown): string => text({ ...primitive(), [key]: value });
    const field = (key: string, value: unknown): string => text(primitive('1.1', { [key]: value }));
    const cases: Record<MetadataErrorCode, readonly [string, string]> = {
      METADATA_MALFORMED_JSON: ['{', '$'],
      METADATA_NOT_AN_OBJECT: ['[]', '$'],
      METADATA_WRONG_NAME: [envelope('nova_object.name', 'Instance'), 'nova_object.name'],
      METADATA_WRONG_NAMESPACE: [envelope('nova_object.namespace', 'os_vif'), 'nova_object.namespace'],
      METADATA_INVALID_VERSION: [envelope('nova_object.version', '1.x'), 'nova_object.version'],
      METADATA_UNSUPPORTED_MAJOR: [envelope('nova_object.version', '2.0'), 'nova_object.version'],
      METADATA_NEWER_MINOR: [envelope('nova_object.version', '1.2'), 'nova_object.version'],
      METADATA_MISSING_FIELD: [text(without(primitive(), 'nova_object.version')), 'nova_object.version'],
      METADATA_INVALID_FIELD: [field('state', 'gone'), 'nova_object.data.state'],
      METADATA_DISALLOWED_PAIR: [field('backend', 'lvm'), 'nova_object.data.format'],
      METADATA_SIZE_OUT_OF_RANGE: [field('size', 0), 'nova_object.data.size'],
      METADATA_UNKNOWN_KEY: [field('pool', 'gold'), 'nova_object.data.pool'],
    };

    it.each(METADATA_ERROR_CODES)('reports %s with its path, and a message that starts with that path', (code) => {
      const [input, path] = cases[code];
      const e = failure(input);
      expect(e).toMatchObject({ code, path });
      expect(e.message.startsWith(`${path}: `)).toBe(true);
    });
  });
});

describe('decodeDiskMetadata of a text it decoded before', () => {
  it('gives an equal, frozen record, and refuses a bad text every time', () => {
    const good = text(primitive());
    const first = success(good);
    const again = success(good);
    expect(again).toEqual(first);
    expect(Object.isFrozen(again)).toBe(true);
    expect(Reflect.set(again, 'size', 1)).toBe(false);
    expect(success(good)).toEqual(first);
    const bad = text({ ...primitive(), 'nova_object.name': 'Instance' });
    expect(failure(bad)).toMatchObject({ code: 'METADATA_WRONG_NAME' });
    expect(failure(bad)).toMatchObject({ code: 'METADATA_WRONG_NAME' });
  });
});
