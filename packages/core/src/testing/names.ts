/**
 * Checked names for tests: an invalid literal is a broken test, so these
 * throw instead of returning an `Either`. Test-only.
 */
import { imageId, instanceId, type ImageId, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';

/** An instance id. */
export const vm = (name: string): InstanceId => {
  const r = instanceId(name);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

/** An image id. */
export const img = (name: string): ImageId => {
  const r = imageId(name);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

/** The value of a `Right`, or a thrown error naming the `Left`'s code and message. */
export const unwrap = <A>(r: E.Either<{ readonly code: string; readonly message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  return r.right;
};
