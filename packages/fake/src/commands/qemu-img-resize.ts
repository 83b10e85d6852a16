/**
 * `qemu-img resize`: grow an image as its named format (or as detected, a
 * probe, without `-f`). A raw file or RBD image grows; a device cannot; a
 * qcow2 grows its header's virtual size — including a qcow2 header a guest
 * planted in a raw disk, when the format was detected (CVE-2026-24708): the
 * disk then does not grow and its planted header changes. Shrinking needs
 * `--shrink`, which the drivers never pass.
 */
import { parseArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { openImage } from './image-reader.js';
import { BAD_SIZE, formatOption, isOutcome, locate, qemuFailed, qpathOperand, toSectors } from './qemu-img-common.js';
import { notEmulated, succeed, type Outcome } from './outcome.js';
import { writeTarget } from './qpath.js';
import { qemuSize } from './sizes.js';

const SHRINK =
  "warning: Shrinking an image will delete all data beyond the shrunken image's end. Before performing such an operation, make sure there is no important data there.\nqemu-img: Use the --shrink option to perform a shrink operation.";

/** `qemu-img resize [-f <fmt>] <qpath> <size>` */
export const qemuImgResize = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const parsed = parseArgs(args, { '-f': 'value' });
  if (!parsed.ok) return notEmulated(parsed.reason);
  const { options: o, operands } = parsed.args;
  const fmt = formatOption(o.get('-f'), '-f');
  if (isOutcome(fmt)) return fmt;
  const [pathText, sizeText, ...extra] = operands;
  if (pathText === undefined || sizeText === undefined || extra.length > 0) return notEmulated('qemu-img resize takes a path and a size');
  if (sizeText.startsWith('+')) return notEmulated('relative sizes are not emulated');
  const target = qpathOperand(pathText);
  if (isOutcome(target)) return target;
  const size = qemuSize(sizeText);
  if (size === null) return qemuFailed(BAD_SIZE);

  const loc = locate(ctx, target);
  if (isOutcome(loc)) return loc;
  const read = openImage(ctx, loc, fmt, { backing: true });
  if (!read.ok) return qemuFailed(`Could not open '${loc.name}': ${read.message}`);
  if (size < read.opened.virtualSize) return qemuFailed(SHRINK);

  const v = loc.volume;
  const h = v.data.header;
  let grown: typeof v;
  if (read.opened.format === 'raw') {
    if (target.kind === 'lv' && size > v.length) return qemuFailed('Cannot grow device files');
    // A raw file is sized in whole 512-byte sectors, rounded up; a qcow2 refuses anything else (below).
    grown = { ...v, length: target.kind === 'lv' ? size : toSectors(size) };
  } else if (read.opened.format === 'qcow2' && h?.format === 'qcow2') {
    if (size % 512 !== 0) return qemuFailed('The new size must be a multiple of 512');
    grown = { ...v, data: { ...v.data, header: { ...h, virtualSize: size } } };
  } else return qemuFailed('Image format driver does not support resize');

  writeTarget(ctx, target, grown);
  return succeed('Image resized.');
};
