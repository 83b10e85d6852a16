import { describe, expect, it } from 'vitest';
import { mulberry32 } from './prng.js';

const draws = (seed: number, n: number): number[] => {
  const p = mulberry32(seed);
  return Array.from({ length: n }, () => p.next());
};

describe('mulberry32', () => {
  it('gives the same stream for the same seed', () => {
    expect(draws(42, 1000)).toEqual(draws(42, 1000));
  });

  it('gives different streams for nearby seeds', () => {
    expect(draws(1, 20)).not.toEqual(draws(2, 20));
  });

  it('gives different streams for seeds that differ only above their low 32 bits', () => {
    for (const [a, b] of [[1, 2 ** 32 + 1], [1, -(2 ** 32) + 1], [-1, 2 ** 32 - 1], [0, 2 ** 52], [7, Number.MAX_SAFE_INTEGER - 2 ** 32 + 8]]) {
      expect(draws(a ?? 0, 20), `${a} and ${b}`).not.toEqual(draws(b ?? 0, 20));
    }
  });

  it('draws floats in [0, 1) and integers in [0, n)', () => {
    const p = mulberry32(7);
    for (let i = 0; i < 10_000; i += 1) {
      const f = p.next();
      expect(f >= 0 && f < 1).toBe(true);
      const k = p.int(6);
      expect(Number.isInteger(k) && k >= 0 && k < 6).toBe(true);
    }
  });

  it('spreads integer draws evenly', () => {
    const p = mulberry32(3);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i += 1) {
      const k = p.int(10);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });

  describe('when drawing by weight', () => {
    it('never draws a zero weight and follows the proportions', () => {
      const p = mulberry32(11);
      const counts = [0, 0, 0];
      for (let i = 0; i < 30_000; i += 1) {
        const k = p.weighted([1, 0, 3]);
        counts[k] = (counts[k] ?? 0) + 1;
      }
      expect(counts[1]).toBe(0);
      expect((counts[2] ?? 0) / (counts[0] ?? 1)).toBeGreaterThan(2.7);
      expect((counts[2] ?? 0) / (counts[0] ?? 1)).toBeLessThan(3.3);
    });

    it('refuses weights that are all zero', () => {
      expect(() => mulberry32(1).weighted([0, 0])).toThrow();
    });
  });
});
