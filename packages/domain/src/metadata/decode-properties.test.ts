import { fc, it } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect } from 'vitest';
import { diskMetadataArb, metadataVersionArb } from '../testing/metadata-arbitraries.js';
import { decodeDiskMetadata } from './decode.js';
import { backportDiskMetadata, encodeDiskMetadata } from './encode.js';
import { METADATA_FIELD_SCHEMAS, WIRE_FIELDS, WIRE_PROPERTIES, type WireField } from './field-schema.js';
import { METADATA_ERROR_CODES } from './metadata-error.js';
import { parseObject, setOwn, type Json } from './testing/primitives.js';

const SEED = 0x5eed;
const CODES: readonly string[] = METADATA_ERROR_CODES;
const ENVELOPE = ['nova_object.name', 'nova_object.namespace', 'nova_object.version', 'nova_object.data', 'nova_object.changes'];

/** Decode, asserting the result is a well-formed Either whichever way it goes. */
const decodeChecked = (text: string): ReturnType<typeof decodeDiskMetadata> => {
  const result = decodeDiskMetadata(text);
  if (E.isLeft(result)) {
    expect(CODES).toContain(result.left.code);
    expect(typeof result.left.path).toBe('string');
    expect(typeof result.left.message).toBe('string');
  } else {
    expect(result._tag).toBe('Right');
  }
  return result;
};

const encoded = fc.tuple(diskMetadataArb, metadataVersionArb).map(([meta, version]) => ({
  meta,
  version,
  wire: parseObject(encodeDiskMetadata(meta, { version })),
}));
/** A valid primitive and one of its version's fields. */
const encodedWithField = encoded.chain((e) => fc.constantFrom(...WIRE_FIELDS[e.version]).map((field) => ({ ...e, field })));

const dataOf = (wire: Json): Json => parseObject(JSON.stringify(wire['nova_object.data']));
const withData = (wire: Json, data: Json): string => JSON.stringify({ ...wire, 'nova_object.data': data });
const omit = (data: Json, key: string): Json => Object.fromEntries(Object.entries(data).filter(([k]) => k !== key));

const containers = fc.oneof(
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);
const notAString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), containers);
const notAWholeNumber = fc.oneof(fc.string(), fc.boolean(), containers, fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }));

/** A JSON value of the wrong type for `field` (null counts as wrong only where the field is required). */
const retypedValue = (field: WireField): fc.Arbitrary<unknown> => {
  const schema = METADATA_FIELD_SCHEMAS['1.1'][field];
  const wrong = schema.type === 'Integer' ? notAWholeNumber : notAString;
  return schema.nullable ? wrong : fc.oneof(wrong, fc.constant(null));
};

/** A key that is not a field of the version, biased toward prototype names and newer fields. */
const foreignKey = (known: readonly string[]): fc.Arbitrary<string> =>
  fc
    .oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', ...WIRE_FIELDS['1.1']), fc.string())
    .filter((key) => !known.includes(key));

describe('decodeDiskMetadata on arbitrary input', () => {
  describe('when given any string', () => {
    it.prop([fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json())], { seed: SEED, numRuns: 1000 })(
      'never throws and always gives Left or Right',
      (text) => {
        decodeChecked(text);
      },
    );

    it.prop([encoded, fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 4 })], { seed: SEED, numRuns: 1000 })(
      'never throws on a valid primitive with a slice cut out and junk spliced in',
      ({ wire }, at, cut, junk) => {
        const text = JSON.stringify(wire);
        const i = at % (text.length + 1);
        decodeChecked(text.slice(0, i) + junk + text.slice(i + cut));
      },
    );
  });

  describe('when given any JSON value', () => {
    it.prop([fc.jsonValue()], { seed: SEED, numRuns: 1000 })(
      'never throws, always fails, and anything but an object is METADATA_NOT_AN_OBJECT',
      (value) => {
        const result = decodeChecked(JSON.stringify(value));
        expect(E.isLeft(result)).toBe(true);
        const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
        if (!isObject) expect(result).toMatchObject({ left: { code: 'METADATA_NOT_AN_OBJECT' } });
      },
    );
  });
});

describe('decodeDiskMetadata on a mutated valid primitive', () => {
  describe('when a field is removed', () => {
    it.prop([encodedWithField], { seed: SEED })(
      'a required one gives METADATA_MISSING_FIELD there, a nullable one decodes as null',
      ({ meta, version, wire, field }) => {
        const result = decodeChecked(withData(wire, omit(dataOf(wire), field)));
        if (METADATA_FIELD_SCHEMAS['1.1'][field].nullable) {
          expect(result).toEqual(E.right({ ...backportDiskMetadata(meta, version), [WIRE_PROPERTIES[field]]: null }));
        } else {
          expect(result).toMatchObject({ left: { code: 'METADATA_MISSING_FIELD', path: `nova_object.data.${field}` } });
        }
      },
    );
  });

  describe('when a field is given a value of the wrong type', () => {
    it.prop([encodedWithField.chain((e) => retypedValue(e.field).map((value) => ({ ...e, value })))], { seed: SEED, numRuns: 500 })(
      'gives METADATA_INVALID_FIELD at that field',
      ({ wire, field, value }) => {
        const data = dataOf(wire);
        data[field] = value;
        expect(decodeChecked(withData(wire, data))).toMatchObject({
          left: { code: 'METADATA_INVALID_FIELD', path: `nova_object.data.${field}` },
        });
      },
    );
  });

  describe('when the size is a whole number out of range', () => {
    it.prop([encoded, fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 2 ** 53, noNaN: true }))], { seed: SEED })(
      'gives METADATA_SIZE_OUT_OF_RANGE',
      ({ wire }, size) => {
        const text = withData(wire, { ...dataOf(wire), size }).replace('"size":null', '"size":1e400');
        expect(decodeChecked(text)).toMatchObject({ left: { code: 'METADATA_SIZE_OUT_OF_RANGE', path: 'nova_object.data.size' } });
      },
    );
  });

  describe('when a key is added to the data', () => {
    it.prop([encoded.chain((e) => foreignKey(WIRE_FIELDS[e.version]).map((key) => ({ ...e, key }))), fc.jsonValue()], { seed: SEED })(
      'gives METADATA_UNKNOWN_KEY naming it',
      ({ wire, key }, value) => {
        const data = setOwn(dataOf(wire), key, value);
        expect(decodeChecked(withData(wire, data))).toMatchObject({ left: { code: 'METADATA_UNKNOWN_KEY', key } });
      },
    );
  });

  describe('when a key is added to the envelope', () => {
    it.prop([encoded, foreignKey(ENVELOPE), fc.jsonValue()], { seed: SEED })(
      'gives METADATA_UNKNOWN_KEY naming it',
      ({ wire }, key, value) => {
        const text = JSON.stringify(setOwn({ ...wire }, key, value));
        expect(decodeChecked(text)).toMatchObject({ left: { code: 'METADATA_UNKNOWN_KEY', key } });
      },
    );
  });
});
