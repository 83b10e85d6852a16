/**
 * A small seeded pseudo-random generator (mulberry32): 32 bits of state, one
 * multiply-xorshift round per draw. A fleet run draws from it alone, never
 * from `Math.random`, so that a seed names exactly one event stream.
 */

// ---- types

/** Draws from a seeded stream; every method advances it. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n); `n` must be a positive integer. */
  int(n: number): number;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** An index drawn in proportion to non-negative `weights` (at least one positive). */
  weighted(weights: readonly number[]): number;
}

// ---- constructors

/** Mix a seed so that nearby seeds (1, 2, 3) start far apart. */
const scramble = (seed: number): number => {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/**
 * A mulberry32 stream for `seed`, any safe integer. Its bits above the low 32
 * are folded into them (a seed in [0, 2^32) seeds as itself), so that seeds
 * 2^32 apart, or -1 and 2^32 - 1, name different streams.
 */
export const mulberry32 = (seed: number): Prng => {
  const high = Math.floor(seed / 2 ** 32);
  let state = scramble((seed | 0) ^ Math.imul(high | 0, 0x9e3779b1));
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error('pick from an empty array');
      return item;
    },
    weighted: (weights) => {
      let total = 0;
      for (const w of weights) total += w;
      let r = next() * total;
      for (let i = 0; i < weights.length; i += 1) {
        r -= weights[i] ?? 0;
        if (r < 0) return i;
      }
      // Rounding can leave r at exactly 0 past the end: the last positive weight takes it.
      for (let i = weights.length - 1; i >= 0; i -= 1) if ((weights[i] ?? 0) > 0) return i;
      throw new Error('weighted draw with no positive weight');
    },
  };
};
