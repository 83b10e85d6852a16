/**
 * A strict getopt: options may come before or between operands (GNU
 * permutation), long options take `--name=value` or `--name value`, and any
 * option not in the spec, a repeated option or a missing value makes the argv
 * unknown to the emulator. Tools' own checks (sizes, names) come after.
 */

/** `flag` takes no value; `value` takes one. */
export type OptionKind = 'flag' | 'value';

/** Options by name (flags map to `''`) and operands in order. */
export interface ParsedArgs {
  readonly options: ReadonlyMap<string, string>;
  readonly operands: readonly string[];
}

/** The parse, or the reason the argv is unknown. */
export type ParseResult = { readonly ok: true; readonly args: ParsedArgs } | { readonly ok: false; readonly reason: string };

const isOption = (a: string): boolean => a.length > 1 && a.startsWith('-');

/** Parse `args` (the argv after the program and subcommand) against `spec`. */
export const parseArgs = (args: readonly string[], spec: Readonly<Record<string, OptionKind>>): ParseResult => {
  const options = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (!isOption(a)) {
      operands.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq < 0 ? a : a.slice(0, eq);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) return { ok: false, reason: `unknown option ${a}` };
    if (options.has(name)) return { ok: false, reason: `option ${name} given twice` };
    if (kind === 'flag') {
      if (eq >= 0) return { ok: false, reason: `option ${name} takes no value` };
      options.set(name, '');
    } else if (eq >= 0) options.set(name, a.slice(eq + 1));
    else {
      const v = args[i + 1];
      if (v === undefined) return { ok: false, reason: `option ${name} needs a value` };
      options.set(name, v);
      i += 1;
    }
  }
  return { ok: true, args: { options, operands } };
};
