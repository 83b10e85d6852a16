/**
 * The programs the emulator knows, by name. Anything else is not emulated.
 */
import type { CommandContext } from './context.js';
import { fallocate } from './fallocate.js';
import { mkfs, mkswap } from './filesystems.js';
import { genisoimage } from './genisoimage.js';
import { lvcreate, lvextend, lvremove, lvs, vgs } from './lvm.js';
import { notEmulated, type Outcome } from './outcome.js';
import { ploop } from './ploop.js';
import { qemuImg } from './qemu-img.js';
import { rbd } from './rbd.js';

type Program = (ctx: CommandContext, args: readonly string[]) => Outcome;

const PROGRAMS: Readonly<Record<string, Program>> = {
  'qemu-img': qemuImg,
  lvcreate,
  lvremove,
  lvextend,
  lvs,
  vgs,
  rbd,
  ploop,
  mkfs,
  mkswap,
  genisoimage,
  fallocate,
};

/** Run the command of `ctx.argv`. */
export const runProgram = (ctx: CommandContext): Outcome => {
  // Indexing rather than destructuring: every emulated command passes here.
  const program = ctx.argv[0];
  const run = program !== undefined && Object.hasOwn(PROGRAMS, program) ? PROGRAMS[program] : undefined;
  return run === undefined ? notEmulated(`program ${JSON.stringify(program)} is not emulated`) : run(ctx, ctx.argv.slice(1));
};
