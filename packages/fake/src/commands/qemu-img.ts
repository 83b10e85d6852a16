/**
 * The emulated `qemu-img`: `create`, `convert`, `resize` and `info` as
 * docs/commands.md lists them, including the probing variants without a
 * format. Any other subcommand is not emulated.
 */
import type { CommandContext } from './context.js';
import { exitWith, notEmulated, type Outcome } from './outcome.js';
import { rbdAddressOptions } from './qpath.js';
import { qemuImgConvert } from './qemu-img-convert.js';
import { qemuImgCreate } from './qemu-img-create.js';
import { qemuImgInfo } from './qemu-img-info.js';
import { qemuImgResize } from './qemu-img-resize.js';

const SUBCOMMANDS: Readonly<Record<string, (ctx: CommandContext, args: readonly string[]) => Outcome>> = {
  create: qemuImgCreate,
  convert: qemuImgConvert,
  resize: qemuImgResize,
  info: qemuImgInfo,
};

/**
 * qemu's rbd driver reads the `conf=` file an address names before it opens
 * anything: one the host lacks fails the command, whichever operand it is.
 */
const missingCephConf = (ctx: CommandContext, args: readonly string[]): Outcome | null => {
  for (const a of args) {
    if (!a.startsWith('rbd:')) continue;
    const conf = rbdAddressOptions(a)?.conf;
    if (conf !== undefined && ctx.host.fs.file(conf) === undefined) {
      return exitWith(1, `qemu-img: Could not open '${a}': error reading conf file ${conf}: No such file or directory`);
    }
  }
  return null;
};

/** `qemu-img <subcommand> …` */
export const qemuImg = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const noConf = missingCephConf(ctx, args);
  if (noConf !== null) return noConf;
  const sub = args[0];
  const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  return run === undefined ? notEmulated(`qemu-img ${sub ?? ''}: subcommand not emulated`) : run(ctx, args.slice(1));
};
