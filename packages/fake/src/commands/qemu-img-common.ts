/**
 * Pieces every emulated qemu-img subcommand uses: format names, locating the
 * image a qemu path names, and qemu-img's failure messages.
 */
import { isQemuFormat, type QemuFormat } from '../content/data.js';
import type { CommandContext } from './context.js';
import type { Located } from './image-reader.js';
import { exitWith, notEmulated, type Outcome } from './outcome.js';
export { isOutcome } from './outcome.js';
import { parseQpath, readTarget, showTarget, type Target } from './qpath.js';

/** A format option's value: an emulated qemu format, or the reason the argv is not emulated. */
export const formatOption = (value: string | undefined, option: string): QemuFormat | null | Outcome => {
  if (value === undefined) return null;
  return isQemuFormat(value) ? value : notEmulated(`${option} ${value}: not a format the emulated qemu-img opens (raw, qcow2, vmdk, parallels)`);
};

/** qemu-img's failure: exit 1, `qemu-img: <message>`. */
export const qemuFailed = (message: string): Outcome => exitWith(1, `qemu-img: ${message}`);

/** The target of a qemu path operand, or the reason it is not emulated. */
export const qpathOperand = (text: string): Target | Outcome => parseQpath(text) ?? notEmulated(`qemu path ${JSON.stringify(text)}: not a file path, /dev/<vg>/<lv> or rbd:<pool>/<image>`);

/**
 * Why qemu-img cannot open a target that is not there: the file driver
 * repeats the name; the rbd driver names the pool it could not open, or the
 * image whose header it could not read (qemu 7.2 with librbd 16.2).
 */
export const notThere = (ctx: CommandContext, target: Target, name: string): string => {
  if (target.kind !== 'rbd') return `Could not open '${name}': No such file or directory`;
  return ctx.state.poolFor(ctx.host, target.pool) === undefined
    ? `error opening pool ${target.pool}: No such file or directory`
    : `error reading header from ${target.image}: No such file or directory`;
};

/** The image at a target, or qemu-img's "Could not open" failure. */
export const locate = (ctx: CommandContext, target: Target): Located | Outcome => {
  const volume = readTarget(ctx, target);
  const name = showTarget(target);
  return volume === undefined ? qemuFailed(`Could not open '${name}': ${notThere(ctx, target, name)}`) : { target, name, volume };
};

/** qemu-img's message for a size it cannot parse. */
export const BAD_SIZE =
  'Invalid image size specified. You may use k, M, G, T, P or E suffixes for kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.';

/** Round up to whole 512-byte sectors, as qemu sizes images. */
export const toSectors = (n: number): number => Math.ceil(n / 512) * 512;
