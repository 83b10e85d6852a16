import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/**
 * io-ts helpers for the scenario format: objects that reject unknown keys
 * (the format requires an error naming the key and its path), and a reporter
 * that turns io-ts contexts into `steps[2].resize.to` paths.
 */

/** An object codec with required and optional props that refuses any other key. */
export const strict = <R extends t.Props, O extends t.Props>(name: string, required: R, optional: O) => {
  const base = t.intersection([t.type(required), t.partial(optional)]);
  const allowed = new Set([...Object.keys(required), ...Object.keys(optional)]);
  return new t.Type<t.TypeOf<typeof base>, unknown, unknown>(
    name,
    (u): u is t.TypeOf<typeof base> => base.is(u),
    (u, c) => {
      if (!isMapping(u)) return t.failure(u, c, `expected a mapping, got ${describeValue(u)}`);
      for (const key of Object.keys(u)) {
        if (!allowed.has(key)) {
          return t.failure(u, [...c, { key, type: t.never, actual: (u as Record<string, unknown>)[key] }], `unknown key "${key}"`);
        }
      }
      return base.validate(u, c);
    },
    t.identity,
  );
};

/** A literal union from a readonly tuple of strings. */
export const oneOf = <T extends string>(name: string, values: readonly T[]) =>
  new t.Type<T, T, unknown>(
    name,
    (u): u is T => typeof u === 'string' && (values as readonly string[]).includes(u),
    (u, c) =>
      typeof u === 'string' && (values as readonly string[]).includes(u)
        ? t.success(u as T)
        : t.failure(u, c, `expected one of ${values.join(', ')}`),
    t.identity,
  );

/** Render an io-ts context as a path: `steps[2].resize.to`. */
export const pathOf = (context: t.Context): string => {
  let out = '';
  context.forEach((entry, i) => {
    if (entry.key === '') return;
    const parent = context[i - 1]?.type;
    const numeric = /^\d+$/.test(entry.key);
    // Intersection and union members appear as numeric keys too; only array parents make an index.
    if (numeric && !(parent !== undefined && isArrayLike(parent))) return;
    out += numeric ? `[${entry.key}]` : out === '' ? entry.key : `.${entry.key}`;
  });
  return out === '' ? '(root)' : out;
};

const isArrayLike = (type: t.Decoder<unknown, unknown>): boolean =>
  type instanceof t.ArrayType || type instanceof t.ReadonlyArrayType || (type instanceof t.RefinementType && isArrayLike(type.type));

/** One decoding problem: where and what. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/**
 * A number not written in plain decimal digits (`1.5`, `1e9`, `2.0`,
 * `0x10`, `+5`), or past the largest integer a double holds exactly
 * (2^53). Every number of the format is a whole number of bytes, steps or
 * rows, so the loader keeps such a value as written: no number field
 * accepts it, so the error names it (as written) rather than a value
 * standing in for it, and a string field takes its text, as it did an
 * unquoted word.
 */
export class NumberLiteral {
  constructor(
    readonly text: string,
    /** Why it is kept: its form, or its size. */
    readonly why: 'form' | 'size' = 'form',
  ) {}
}

/** A string field of the format; a {@link NumberLiteral} there is the text it was written as. */
export const text = new t.Type<string, string, unknown>(
  'string',
  (u): u is string => typeof u === 'string',
  // As a number in plain digits is no string, nor is one kept for its size.
  (u, c) => (typeof u === 'string' ? t.success(u) : u instanceof NumberLiteral && u.why === 'form' ? t.success(u.text) : t.failure(u, c)),
  t.identity,
);

/** An error code to expect: a non-empty string (an empty one could match no outcome). */
export const codeText = new t.Type<string, string, unknown>(
  'error code',
  (u): u is string => typeof u === 'string' && u !== '',
  (u, c) => E.flatMap(text.validate(u, c), (s) => (s === '' ? t.failure(u, c) : t.success(s))),
  t.identity,
);

/**
 * Free text (a scenario's name and description): any scalar, as written. An author who writes `description: 2016`
 * or `name: 42` means those characters, and nothing else reads them.
 */
export const freeText = new t.Type<string, string, unknown>(
  // Named as `text` is, so a refusal says "expected a string" in the format's words.
  'string',
  (u): u is string => typeof u === 'string',
  (u, c) =>
    typeof u === 'string' ? t.success(u)
    : u instanceof NumberLiteral ? t.success(u.text)
    : typeof u === 'number' || typeof u === 'boolean' || typeof u === 'bigint' ? t.success(String(u))
    : t.failure(u, c),
  t.identity,
);

/** Whether `u` is a YAML mapping: a plain object (not a kept number, binary data, a date, nor a `!!omap` or `!!set`). */
export const isMapping = (u: unknown): u is Readonly<Record<string, unknown>> => {
  if (typeof u !== 'object' || u === null) return false;
  const proto: unknown = Object.getPrototypeOf(u);
  return proto === Object.prototype || proto === null;
};

/** A mapping of names to `codec` (io-ts's record takes any object for one). */
export const mappingOf = <A>(name: string, codec: t.Type<A, unknown, unknown>) => {
  const record = t.record(t.string, codec);
  return new t.Type<Readonly<Record<string, A>>, unknown, unknown>(
    name,
    (u): u is Readonly<Record<string, A>> => isMapping(u) && record.is(u),
    (u, c) => (isMapping(u) ? record.validate(u, c) : t.failure(u, c, `expected a mapping, got ${describeValue(u)}`)),
    t.identity,
  );
};

/** `u` as a message quotes it: JSON, cut at 60 characters. */
export const describeValue = (u: unknown): string => {
  if (u === undefined) return 'missing';
  if (u instanceof NumberLiteral) return u.text.slice(0, 60);
  if (u instanceof Uint8Array) return 'binary data';
  try {
    // A kept number inside a list or mapping is shown as the number it reads as.
    const s = JSON.stringify(u, (_k, v: unknown) => (v instanceof NumberLiteral ? (Number.isFinite(Number(v.text)) ? Number(v.text) : v.text) : v));
    return s === undefined ? String(u) : s.length > 60 ? `${s.slice(0, 60)}…` : s;
  } catch {
    return String(u);
  }
};

/** What a codec accepts, as a message says it (io-ts names such as `Array<Host>` mean nothing to a scenario's author). */
const expectedOf = (type: t.Decoder<unknown, unknown> | undefined): string => {
  if (type === undefined) return 'a value';
  if (type instanceof t.RefinementType || type instanceof t.ExactType || type instanceof t.ReadonlyType) return expectedOf(type.type);
  if (type instanceof t.ArrayType || type instanceof t.ReadonlyArrayType) return 'a list';
  if (type instanceof t.DictionaryType || type instanceof t.InterfaceType || type instanceof t.PartialType || type instanceof t.IntersectionType) return 'a mapping';
  switch (type.name) {
    case 'string': return 'a string';
    case 'number': return 'a whole number';
    case 'boolean': return 'true or false';
    default: return type.name;
  }
};

/** Why a number field refuses a kept number (its form, or its size), or nothing for any other field or value. */
const numberWhy = (type: t.Decoder<unknown, unknown> | undefined, u: unknown): string =>
  !(u instanceof NumberLiteral) || expectedOf(type) !== 'a whole number' ? '' : u.why === 'form' ? ' in plain digits' : ' below 2^53';

/** The first problem of a failed decode, most specific path first. */
export const firstProblem = (errors: t.Errors): Problem => {
  const sorted = [...errors].sort((a, b) => b.context.length - a.context.length);
  const unknownKey = sorted.find((e) => e.message?.startsWith('unknown key'));
  const err = unknownKey ?? sorted[0];
  if (err === undefined) return { path: '(root)', message: 'invalid' };
  const last = err.context[err.context.length - 1];
  return {
    path: pathOf(err.context),
    message: err.message ?? (err.value === undefined ? 'required key is missing' : `expected ${expectedOf(last?.type)}${numberWhy(last?.type, err.value)}, got ${describeValue(err.value)}`),
  };
};

/** Decode with a codec and report the first problem with its path. */
export const decodeWith = <A>(codec: t.Decoder<unknown, A>, u: unknown): E.Either<Problem, A> =>
  E.mapLeft(firstProblem)(codec.decode(u));
