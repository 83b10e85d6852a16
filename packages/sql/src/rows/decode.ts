/**
 * Small codecs for rows coming back from a driver. Drivers type rows as
 * `unknown` in truth (pg returns `bigint` counts as strings, mysql2 returns
 * multi-statement results as nested arrays), so every field is checked here
 * instead of being cast.
 */
import * as E from 'fp-ts/lib/Either.js';

/** A field that is not what the query promised. */
export interface RowMismatch {
  readonly path: string;
  readonly expected: string;
  readonly actual: unknown;
}

/** A decoder of one value found at `path`. */
export type Decoder<A> = (u: unknown, path: string) => E.Either<RowMismatch, A>;

const mismatch = (path: string, expected: string, actual: unknown): E.Either<RowMismatch, never> =>
  E.left({ path, expected, actual });

/** An object with string keys. */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

/** A string. */
export const str: Decoder<string> = (u, path) => (typeof u === 'string' ? E.right(u) : mismatch(path, 'string', u));

/** A safe integer, also from a numeric string or bigint (PostgreSQL `bigint`, SQLite `BigInt` mode). */
export const int: Decoder<number> = (u, path) => {
  const n = typeof u === 'string' && /^-?\d+$/.test(u) ? Number(u) : typeof u === 'bigint' ? Number(u) : u;
  return typeof n === 'number' && Number.isSafeInteger(n) ? E.right(n) : mismatch(path, 'integer', u);
};

/** A boolean, also from 0/1 (MySQL and SQLite have no boolean type). */
export const bool: Decoder<boolean> = (u, path) => {
  if (typeof u === 'boolean') return E.right(u);
  if (u === 0 || u === 1 || u === '0' || u === '1' || u === 0n || u === 1n) return E.right(String(u) === '1');
  return mismatch(path, 'boolean', u);
};

/** `null` or what `d` decodes. */
export const nullable =
  <A>(d: Decoder<A>): Decoder<A | null> =>
  (u, path) =>
    u === null || u === undefined ? E.right(null) : d(u, path);

/** One of the listed strings. */
export const literal =
  <L extends string>(...values: readonly L[]): Decoder<L> =>
  (u, path) => {
    const found = values.find((v) => v === u);
    return found === undefined ? mismatch(path, values.join(' | '), u) : E.right(found);
  };

/** An object with these fields; other fields are ignored. */
export const struct =
  <A extends Record<string, unknown>>(fields: { readonly [K in keyof A]: Decoder<A[K]> }): Decoder<A> =>
  (u, path) => {
    if (!isRecord(u)) return mismatch(path, 'row object', u);
    const out: Partial<A> = {};
    for (const key of Object.keys(fields) as (keyof A & string)[]) {
      const decoded = fields[key](u[key], `${path}.${key}`);
      if (E.isLeft(decoded)) return decoded;
      out[key] = decoded.right;
    }
    // Every declared key was decoded and assigned above.
    return E.right(out as A);
  };

/** Every element decoded by `d`. */
export const array =
  <A>(d: Decoder<A>): Decoder<readonly A[]> =>
  (u, path) => {
    if (!Array.isArray(u)) return mismatch(path, 'array', u);
    const out: A[] = [];
    for (const [i, item] of u.entries()) {
      const decoded = d(item, `${path}[${i}]`);
      if (E.isLeft(decoded)) return decoded;
      out.push(decoded.right);
    }
    return E.right(out);
  };

/** A one-line description of a mismatch, for error messages. */
export const describeMismatch = (m: RowMismatch): string => {
  const actual = typeof m.actual === 'string' ? JSON.stringify(m.actual.slice(0, 80)) : typeof m.actual === 'bigint' ? `${m.actual}n` : JSON.stringify(m.actual) ?? String(m.actual);
  return `${m.path}: expected ${m.expected}, got ${actual}`;
};
