import * as E from 'fp-ts/lib/Either.js';

/** How a step ended. */
export type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

export const OK: Outcome = { ok: true };

/** A failed step. */
export const failed = (code: string, message: string): Outcome => ({ ok: false, code, message });

/** The outcome of an Either whose left carries a `code` and `message`. */
export const outcomeOf = (e: E.Either<{ readonly code: string; readonly message: string }, unknown>): Outcome =>
  E.isLeft(e) ? failed(e.left.code, e.left.message) : OK;
