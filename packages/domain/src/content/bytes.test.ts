import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { hasAsciiAt, hasBytesAt, latin1, roundUp, utf8 } from './bytes.js';

describe('utf8', () => {
  it.each([
    ['', []],
    ['A/', [0x41, 0x2f]],
    ['é', [0xc3, 0xa9]],
    ['€', [0xe2, 0x82, 0xac]],
    ['😀', [0xf0, 0x9f, 0x98, 0x80]],
    ['\ud800', [0xef, 0xbf, 0xbd]],
  ])('encodes %j as UTF-8', (text, bytes) => {
    expect([...utf8(text)]).toEqual(bytes);
  });

  it.prop([fc.string({ unit: 'binary' })], { seed: 7 })('agrees with decodeURIComponent on well-formed text', (text) => {
    const hex = [...utf8(text)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    expect(decodeURIComponent(hex)).toBe(text);
  });
});

describe('byte helpers', () => {
  it('matches prefixes only inside the bytes', () => {
    const b = Uint8Array.of(1, 2, 3);
    expect(hasBytesAt(b, 1, Uint8Array.of(2, 3))).toBe(true);
    expect(hasBytesAt(b, 2, Uint8Array.of(3, 4))).toBe(false);
    expect(hasBytesAt(b, -1, Uint8Array.of(1))).toBe(false);
    expect(hasAsciiAt(utf8('xKDMV'), 1, 'KDMV')).toBe(true);
  });

  it('reads bytes one character each, past the spread limit', () => {
    const big = new Uint8Array(10_000).fill(0x41);
    expect(latin1(big)).toBe('A'.repeat(10_000));
    expect(latin1(Uint8Array.of(0xff, 0x2f))).toBe('\u00ff/');
  });

  it('rounds up to a multiple', () => {
    expect([roundUp(0, 8), roundUp(1, 8), roundUp(8, 8), roundUp(9, 8)]).toEqual([0, 8, 8, 16]);
  });
});
