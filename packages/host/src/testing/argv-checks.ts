/**
 * The "never probe" check on recorded argvs: every `qemu-img` argv must be
 * one of the shapes in docs/commands.md and name the format of every image
 * it opens (`-f` for inputs, `-O` for outputs, `-F` for a backing file).
 * A `prlimit … --` wrapper is looked through.
 */
import type { Argv } from '@disk-ledger/domain';

const FORMATS = new Set(['raw', 'qcow2', 'parallels', 'vmdk', 'vpc', 'vhdx', 'vdi']);

/** The argv without a leading `prlimit … --` wrapper. */
export const unwrapPrlimit = (argv: Argv): readonly string[] => {
  if (argv[0] !== 'prlimit') return argv;
  const cut = argv.indexOf('--');
  return cut < 0 ? argv : argv.slice(cut + 1);
};

const optionValue = (args: readonly string[], flag: string): string | null => {
  const i = args.indexOf(flag);
  return i < 0 ? null : (args[i + 1] ?? null);
};

/** Problems with one argv (empty when it is not qemu-img, or names every format). */
export const qemuImgViolations = (argv: Argv): string[] => {
  const args = unwrapPrlimit(argv);
  if (args[0] !== 'qemu-img') return [];
  const shown = args.join(' ');
  const problems: string[] = [];
  const need = (flag: string, why: string): void => {
    const value = optionValue(args, flag);
    if (value === null) problems.push(`${shown}: missing ${flag} (${why})`);
    else if (!FORMATS.has(value)) problems.push(`${shown}: ${flag} ${value} is not a known format`);
  };
  switch (args[1]) {
    case 'create':
      need('-f', 'format of the new image');
      if (args.includes('-b')) need('-F', 'format of the backing file');
      break;
    case 'convert':
      need('-f', 'format of the input');
      need('-O', 'format of the output');
      break;
    case 'resize':
      need('-f', 'format of the image');
      break;
    case 'info':
      need('-f', 'format of the image');
      if (!args.includes('--output=json')) problems.push(`${shown}: info without --output=json`);
      break;
    default:
      problems.push(`${shown}: qemu-img ${args[1] ?? ''} is not in docs/commands.md`);
  }
  return problems;
};

/** Problems with every argv of a run. */
export const formatViolations = (argvs: readonly Argv[]): string[] => argvs.flatMap(qemuImgViolations);
