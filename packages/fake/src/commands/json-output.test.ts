import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { prettyJson, type Json } from './json-output.js';

describe('prettyJson', () => {
  it.prop([fc.jsonValue()], { seed: 0x15011, numRuns: 2000 })('prints what JSON.stringify(value, null, 4) prints', (value) => {
    expect(prettyJson(value as Json)).toBe(JSON.stringify(value, null, 4));
  });

  it.prop([fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.double(), fc.constant(-0)))], { seed: 0x15012, numRuns: 1000 })(
    'escapes keys and strings, and prints numbers, as JSON does',
    (value) => {
      expect(prettyJson(value)).toBe(JSON.stringify(value, null, 4));
    },
  );

  it('prints empty containers inline, as qemu-img does', () => {
    const value: Json = { a: [], b: {}, c: [1, { d: 'x"y\u0001é' }] };
    expect(prettyJson(value)).toBe(JSON.stringify(value, null, 4));
  });
});
