/**
 * JSON as the emulated tools print it with `--output=json`: exactly what
 * `JSON.stringify(value, null, 4)` prints (qemu-img's layout), written out
 * by hand because the emulator prints it for every `qemu-img info`, and
 * the built-in with an indent was the larger part of that command's cost.
 */
import { jsonString } from '@disk-ledger/domain';

/** A JSON value. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json };

const INDENT = '    ';
const breaks: string[] = ['\n'];
/** A line break followed by the indent of `depth` levels. */
const breakAt = (depth: number): string => (breaks[depth] ??= `\n${INDENT.repeat(depth)}`);

const print = (v: Json, depth: number): string => {
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  const inner = breakAt(depth + 1);
  if (isArray(v)) {
    if (v.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < v.length; i += 1) out += `${i === 0 ? '' : ','}${inner}${print(v[i] ?? null, depth + 1)}`;
    return `${out}${breakAt(depth)}]`;
  }
  let out = '';
  for (const k of Object.keys(v)) {
    const x = v[k];
    // As JSON.stringify does, a key whose value is undefined is left out.
    if (x !== undefined) out += `${out === '' ? '' : ','}${inner}${jsonString(k)}: ${print(x, depth + 1)}`;
  }
  return out === '' ? '{}' : `{${out}${breakAt(depth)}}`;
};

const isArray = (v: Json): v is readonly Json[] => Array.isArray(v);

/** `JSON.stringify(value, null, 4)`. */
export const prettyJson = (value: Json): string => print(value, 0);
