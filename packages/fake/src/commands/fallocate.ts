/**
 * The emulated `fallocate -n -l <size> <path>` (util-linux), in the one form
 * docs/commands.md lists: it reserves blocks for an existing file without
 * changing its size, so nothing a guest or a tool reads changes.
 */
import { parseArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { exitWith, notEmulated, succeed, type Outcome } from './outcome.js';
import { parseLocalPath, readTarget } from './qpath.js';

/** `fallocate -n -l <size> <path>` */
export const fallocate = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '-n': 'flag', '-l': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  const { options: o, operands } = p.args;
  const [pathText, ...extra] = operands;
  if (!o.has('-n') || !o.has('-l') || pathText === undefined || extra.length > 0) return notEmulated('fallocate takes -n -l <size> <path>');
  const length = o.get('-l') ?? '';
  if (!/^[0-9]{1,16}$/.test(length) || Number(length) === 0) return exitWith(1, `fallocate: invalid length value specified`);
  const target = parseLocalPath(pathText);
  if (target === null) return notEmulated(`fallocate on ${JSON.stringify(pathText)}: not an absolute path`);
  if (readTarget(ctx, target) === undefined) return exitWith(1, `fallocate: cannot open ${pathText}: No such file or directory`);
  return succeed();
};
