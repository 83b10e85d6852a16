/**
 * Assertions on the `TaskEither`s the ports return: run the task, require
 * `Right` or a `Left` with a given code, and hand back what was inside.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { expect } from 'vitest';

/** The shape of every error the ports return. */
type Coded = { readonly code: string; readonly message: string };

/** Assert a `Right` and return its value. */
export const expectRight = async <Err extends Coded, A>(task: TE.TaskEither<Err, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) expect.fail(`expected success, got ${result.left.code}: ${result.left.message}`);
  return result.right;
};

/** Assert a `Left` with `code` (or one of `codes`) and return the error. */
export const expectLeft = async <Err extends Coded, A>(task: TE.TaskEither<Err, A>, code: Err['code'] | readonly Err['code'][]): Promise<Err> => {
  const result = await task();
  if (E.isRight(result)) expect.fail(`expected ${String(code)}, got success`);
  const codes: readonly string[] = typeof code === 'string' ? [code] : code;
  expect(codes, result.left.message).toContain(result.left.code);
  return result.left;
};
