/**
 * The emulated `qemu-img`: `create`, `convert`, `resize` and `info` as
 * docs/commands.md lists them, including the probing variants without a
 * format. Any other subcommand is not emulated.
 */
import type { CommandContext } from './context.js';
import { notEmulated, type Outcome } from './outcome.js';
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

/** `qemu-img <subcommand> …` */
export const qemuImg = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const sub = args[0];
  const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  return run === undefined ? notEmulated(`qemu-img ${sub ?? ''}: subcommand not emulated`) : run(ctx, args.slice(1));
};
