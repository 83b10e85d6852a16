/**
 * Reading argvs the way a reviewer would: which qemu-img invocations leave a
 * format to be guessed, and which disk an argv writes. Test-only.
 */
import type { Argv } from '@disk-ledger/domain';

// ---- types

/** Where a command writes, as the inspection of the fake names disks: a file path, `vg/lv` or `pool/image`. */
export type WriteTarget =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'lv'; readonly location: string }
  | { readonly kind: 'rbd'; readonly location: string };

// ---- qemu-img options

const VALUE_OPTIONS = new Set(['-f', '-O', '-F', '-b', '-o', '-t', '-T', '-B', '-l', '-s']);

/** Options (with their values) and operands of a qemu-img argv, after the subcommand. */
const split = (args: readonly string[]): { readonly options: ReadonlyMap<string, string | true>; readonly operands: readonly string[] } => {
  const options = new Map<string, string | true>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    if (VALUE_OPTIONS.has(a)) {
      options.set(a, args[i + 1] ?? '');
      i += 1;
    } else if (a.startsWith('-')) options.set(a, true);
    else operands.push(a);
  }
  return { options, operands };
};

/**
 * Why a qemu-img argv could make qemu-img guess a format: a missing `-f` for
 * an input, `-O` for an output, `-F` for a backing file, or a subcommand the
 * drivers never use. Empty for every other program and for a sound argv.
 */
export const unnamedFormats = (argv: Argv): readonly string[] => {
  if (argv[0] !== 'qemu-img') return [];
  const [, sub = '', ...rest] = argv;
  const { options } = split(rest);
  const need = (flag: string, why: string): string[] => (typeof options.get(flag) === 'string' && options.get(flag) !== '' ? [] : [`${sub}: no ${flag} (${why})`]);
  switch (sub) {
    case 'info':
    case 'resize':
      return need('-f', 'input format');
    case 'create':
      return [...need('-f', 'output format'), ...(options.has('-b') ? need('-F', 'backing format') : [])];
    case 'convert':
      return [...need('-f', 'input format'), ...need('-O', 'output format'), ...(options.has('-B') ? need('-F', 'backing format') : [])];
    default:
      return [`qemu-img ${sub} is not a command the drivers issue`];
  }
};

const fileOrDevice = (operand: string): WriteTarget => {
  const dev = /^\/dev\/([^/]+)\/([^/]+)$/.exec(operand);
  if (dev !== null) return { kind: 'lv', location: `${dev[1]}/${dev[2]}` };
  if (operand.startsWith('rbd:')) return { kind: 'rbd', location: operand.slice(4) };
  return { kind: 'file', path: operand };
};

/** The disk an argv creates, fills, grows or converts into; `null` for reads, removals and template tools. */
export const writeTargetOf = (argv: Argv): WriteTarget | null => {
  const [program, sub = '', ...rest] = argv;
  switch (program) {
    case 'qemu-img': {
      const { operands } = split(rest);
      if (sub === 'create' || sub === 'resize') return operands[0] === undefined ? null : fileOrDevice(operands[0]);
      if (sub === 'convert') return operands[1] === undefined ? null : fileOrDevice(operands[1]);
      return null;
    }
    case 'lvcreate': {
      const all = argv.slice(1);
      const lv = all[all.indexOf('-n') + 1];
      const vg = all[all.length - 1];
      return lv === undefined || vg === undefined ? null : { kind: 'lv', location: `${vg}/${lv}` };
    }
    case 'lvextend':
      return argv[argv.length - 1] === undefined ? null : { kind: 'lv', location: argv[argv.length - 1] ?? '' };
    case 'rbd':
      return sub === 'create' || sub === 'import' || sub === 'resize' ? { kind: 'rbd', location: argv[argv.length - 1] ?? '' } : null;
    case 'ploop': {
      const last = argv[argv.length - 1] ?? '';
      if (sub === 'init' || sub === 'restore-descriptor') return { kind: 'file', path: last };
      if (sub === 'resize') return { kind: 'file', path: last.replace(/\/DiskDescriptor\.xml$/, '/root.hds') };
      return null;
    }
    default:
      return null;
  }
};
