/**
 * Reading a tool's JSON output (`qemu-img info`, `rbd info`, `lvs`): output
 * that is not JSON, or not the shape the codec describes, is refused with
 * the tool's name and the field paths, never trusted.
 */
import { toolOutputInvalid, type ToolOutputInvalid } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';

/** The field paths an io-ts decode failed at, for messages (`virtual-size`, `report.0.lv`). */
export const describePaths = (errors: t.Errors): string =>
  [...new Set(errors.map((e) => e.context.map((c) => c.key).filter((k) => k !== '').join('.') || '(root)'))].join(', ');

/**
 * Parse `stdout` and decode it with `codec`. With `untransformed` (the
 * codec's `is` accepts exactly what `decode` does, as for plain `t.type`
 * codecs), output that passes `is` skips building the decoder's contexts;
 * only refused output goes through `decode`, for the paths the message names.
 */
export const readToolJson = <A>(tool: string, stdout: string, codec: t.Type<A, unknown>, untransformed = false): E.Either<ToolOutputInvalid, A> => {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (cause) {
    return E.left(toolOutputInvalid(tool, 'output is not JSON', cause));
  }
  if (untransformed && codec.is(json)) return E.right(json);
  const decoded = codec.decode(json);
  return E.isLeft(decoded) ? E.left(toolOutputInvalid(tool, `unexpected output at ${describePaths(decoded.left)}`, decoded.left)) : decoded;
};
