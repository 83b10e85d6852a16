/**
 * Which argvs make qemu decide a format from the bytes (SECURITY.md rule 1),
 * told from the argv alone, as the real host cannot watch qemu-img probe:
 * a `qemu-img` subcommand that opens an image without `-f` (`commit` and
 * `bench` included), a `convert` or
 * `dd` without an input format, a `create` or `rebase` naming a backing
 * file without `-F` (or `backing_fmt`), and `qemu-io` / `qemu-nbd` without
 * `-f`. These are the probing forms the in-memory host records too.
 */
import type { Argv } from '@disk-ledger/domain';

// Options of qemu-img, qemu-io and qemu-nbd that take a separate value.
const VALUED = new Set(['-f', '-F', '-O', '-b', '-B', '-o', '-l', '-s', '-S', '-t', '-T', '-m', '-r', '-c', '--object', '--format', '--output', '--cache', '--snapshot', '--shrink-to']);
// Subcommands where `-c` is a flag (compress), not a value.
const C_IS_FLAG = new Set(['convert', 'dd']);

interface Parsed {
  readonly options: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
  readonly operands: readonly string[];
}

const parse = (args: readonly string[], cIsFlag: boolean): Parsed => {
  const options = new Map<string, string>();
  const flags = new Set<string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (a.startsWith('--') && a.includes('=')) {
      options.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
    } else if (VALUED.has(a) && !(cIsFlag && a === '-c')) {
      options.set(a, args[i + 1] ?? '');
      i += 1;
    } else if (a.startsWith('-') && a !== '-') {
      flags.add(a);
    } else {
      operands.push(a);
    }
  }
  return { options, flags, operands };
};

/** Whether `-o` names a backing format. */
const namesBackingFormat = (o: string | undefined): boolean => o !== undefined && /(^|,)backing_fmt=/.test(o);

/** The image a qemu-img argv opens with its format left to detection, or `null` when it names every format. */
const qemuImgProbe = (sub: string, args: readonly string[]): string | null => {
  const { options, flags, operands } = parse(args, C_IS_FLAG.has(sub));
  const formatNamed = options.has('-f') || options.has('--format') || flags.has('--image-opts');
  switch (sub) {
    case 'info':
    case 'check':
    case 'map':
    case 'snapshot':
    case 'amend':
    case 'commit':
    case 'bench':
      return formatNamed ? null : (operands.at(-1) ?? null);
    case 'resize':
    case 'bitmap':
      return formatNamed ? null : (operands[0] ?? null);
    case 'measure':
      return operands.length > 0 && !formatNamed ? (operands[0] ?? null) : null;
    case 'convert':
      return formatNamed ? null : (operands[0] ?? null);
    case 'compare':
      return formatNamed && options.has('-F') ? null : (operands[0] ?? null);
    case 'dd': {
      const input = operands.find((o) => o.startsWith('if='));
      return input === undefined || formatNamed ? null : input.slice(3);
    }
    case 'create': {
      const backing = options.get('-b') ?? /(?:^|,)backing_file=([^,]+)/.exec(options.get('-o') ?? '')?.[1];
      return backing === undefined || options.has('-F') || namesBackingFormat(options.get('-o')) ? null : backing;
    }
    case 'rebase':
      if (!formatNamed) return operands.at(-1) ?? null;
      return options.has('-b') && options.get('-b') !== '' && !options.has('-F') ? (options.get('-b') ?? null) : null;
    default:
      return null;
  }
};

/** What `argv` probes: the image whose format qemu would detect, or `null`. */
export const probedImage = (argv: Argv): string | null => {
  const [program, ...rest] = argv;
  const name = program.slice(program.lastIndexOf('/') + 1);
  if (name === 'prlimit') {
    const at = rest.indexOf('--');
    const inner = rest.slice(at + 1);
    const [first, ...more] = inner;
    return at < 0 || first === undefined ? null : probedImage([first, ...more]);
  }
  if (name === 'qemu-img') {
    const [sub, ...args] = rest;
    return sub === undefined ? null : qemuImgProbe(sub, args);
  }
  if (name === 'qemu-io' || name === 'qemu-nbd') {
    const { options, flags, operands } = parse(rest, false);
    return options.has('-f') || options.has('--format') || flags.has('--image-opts') ? null : (operands.at(-1) ?? null);
  }
  return null;
};
