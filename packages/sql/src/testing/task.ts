/** Small helpers for tests over TaskEither. Test-only. */
import { instanceId, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';

/** A validated instance id. */
export const id = (s: string): InstanceId => {
  const r = instanceId(s);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

/** The value of a task that must succeed. */
export const right = async <A>(task: () => Promise<E.Either<{ readonly message: string }, A>>): Promise<A> => {
  const r = await task();
  if (E.isLeft(r)) throw new Error(`expected success, got ${r.left.message}`);
  return r.right;
};

/** The error of a task that must fail. */
export const left = async <L>(task: () => Promise<E.Either<L, unknown>>): Promise<L> => {
  const r = await task();
  if (E.isRight(r)) throw new Error('expected a failure');
  return r.left;
};
