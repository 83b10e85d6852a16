import * as t from 'io-ts';
import { describeValue } from './strict-codecs.js';

const UNITS: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4, PiB: 1024 ** 5, EiB: 1024 ** 6 };
// EiB is accepted as a unit; only sizes below 8 PiB (2^53 bytes) are exact numbers, so larger ones are refused.
const SIZE = /^(\d+)(B|KiB|MiB|GiB|TiB|PiB|EiB)$/;

/** Parse `512MiB`, `1GiB`, `20GiB` or a plain integer of bytes; `null` for anything else. */
export const parseSize = (u: unknown): number | null => {
  if (typeof u === 'number') return Number.isSafeInteger(u) && u >= 0 ? u : null;
  if (typeof u !== 'string') return null;
  const m = SIZE.exec(u);
  if (m === null) return null;
  const bytes = Number(m[1]) * (UNITS[m[2] ?? 'B'] ?? 1);
  return Number.isSafeInteger(bytes) ? bytes : null;
};

/** A size: integer bytes, or a string with a binary unit (`512MiB`, `1GiB`). */
export const Size = new t.Type<number, number, unknown>(
  'Size',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => {
    const n = parseSize(u);
    return n === null ? t.failure(u, c, `invalid size ${describeValue(u)}: use bytes or a binary unit like 512MiB, 1GiB (below 8PiB)`) : t.success(n);
  },
  t.identity,
);

/** Render bytes with the largest binary unit that divides them. */
export const showSize = (bytes: number): string => {
  for (const unit of ['PiB', 'TiB', 'GiB', 'MiB', 'KiB'] as const) {
    const f = UNITS[unit] ?? 1;
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${unit}`;
  }
  return `${bytes}B`;
};
