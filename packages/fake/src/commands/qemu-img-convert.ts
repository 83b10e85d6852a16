/**
 * `qemu-img convert`: read the source as its named format (or as detected, a
 * probe, without `-f`), flatten what a guest of it sees, and write that in
 * the output format. Without `-n` the target is created (a file is replaced;
 * an RBD image must not exist; an LV must); with `-n` it must exist and is
 * opened as the output format. Secrets brought in by a backing file, data
 * file or extent the read followed are recorded as leaks into the target.
 */
import { parallels, qcow2, sparseVmdk, type Data, type QemuFormat } from '../content/data.js';
import { containerVolume, type Volume } from '../content/volume.js';
import { STRERROR } from '../state/file-system.js';
import { parseArgs } from './argv-parser.js';
import { leakFollowed, type CommandContext } from './context.js';
import { openImage } from './image-reader.js';
import { formatOption, isOutcome, locate, notThere, qemuFailed, qpathOperand, toSectors } from './qemu-img-common.js';
import { notEmulated, succeed, type Outcome } from './outcome.js';
import { readTarget, showTarget, writeTarget, type Target } from './qpath.js';

const SPEC = { '-n': 'flag', '-f': 'value', '-O': 'value' } as const;

/** A new image of `fmt` holding `view`. */
const freshImage = (fmt: QemuFormat, view: Data, virtualSize: number): Volume => {
  const size = toSectors(virtualSize);
  switch (fmt) {
    case 'raw':
      return { length: size, data: view, text: null };
    case 'qcow2':
      return containerVolume(qcow2({ virtualSize: size, clusters: view }));
    case 'parallels':
      return containerVolume(parallels(size, view));
    case 'vmdk':
      return containerVolume(sparseVmdk(size, view));
  }
};

const noSpace = (at: number): Outcome => qemuFailed(`error while writing at byte ${at}: No space left on device`);

/** `view` written into an existing image opened as `fmt` (`-n`). */
const intoExisting = (existing: Volume, target: Target, fmt: QemuFormat, view: Data, virtualSize: number): Volume | Outcome => {
  const name = showTarget(target);
  if (fmt === 'raw') {
    // A file grows as it is written; a block device or an RBD image does not.
    if (target.kind !== 'file' && existing.length < virtualSize) return noSpace(existing.length);
    return { length: Math.max(existing.length, virtualSize), data: view, text: null };
  }
  const h = existing.data.header;
  if (h?.format !== fmt) return qemuFailed(`Could not open '${name}': Image is not in ${fmt} format`);
  if (h.virtualSize < virtualSize) return qemuFailed(`error while writing at byte ${h.virtualSize}: Input/output error`);
  switch (h.format) {
    case 'qcow2':
      return { ...existing, data: { ...existing.data, header: { ...h, clusters: view } } };
    case 'parallels':
      return { ...existing, data: { ...existing.data, header: { ...h, clusters: view } } };
    case 'vmdk':
      return { ...existing, data: { ...existing.data, header: { ...h, grains: view } } };
    default:
      return qemuFailed(`Could not open '${name}': Image is not in ${fmt} format`);
  }
};

/** `qemu-img convert [-n] [-f <srcfmt>] -O <dstfmt> <src> <dst>` */
export const qemuImgConvert = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const parsed = parseArgs(args, SPEC);
  if (!parsed.ok) return notEmulated(parsed.reason);
  const { options: o, operands } = parsed.args;
  const srcFmt = formatOption(o.get('-f'), '-f');
  if (isOutcome(srcFmt)) return srcFmt;
  const outFmt = formatOption(o.get('-O'), '-O');
  if (isOutcome(outFmt)) return outFmt;
  if (outFmt === null) return notEmulated('qemu-img convert without -O');
  const [srcText, dstText, ...extra] = operands;
  if (srcText === undefined || dstText === undefined || extra.length > 0) return notEmulated('qemu-img convert takes a source and a target');
  const srcTarget = qpathOperand(srcText);
  if (isOutcome(srcTarget)) return srcTarget;
  const dst = qpathOperand(dstText);
  if (isOutcome(dst)) return dst;
  const existingTarget = o.has('-n');

  const src = locate(ctx, srcTarget);
  if (isOutcome(src)) return src;
  const read = openImage(ctx, src, srcFmt, { backing: true });
  if (!read.ok) return qemuFailed(`Could not open '${src.name}': ${read.message}`);
  const { view, virtualSize } = read.opened;
  const dstName = showTarget(dst);

  const existing = readTarget(ctx, dst);
  let out: Volume | Outcome;
  if (existingTarget) {
    if (existing === undefined) return qemuFailed(`Could not open '${dstName}': ${notThere(ctx, dst, dstName)}`);
    out = intoExisting(existing, dst, outFmt, view, virtualSize);
  } else if (dst.kind === 'lv') {
    // A block device is opened, not created: it must exist and be large enough.
    if (existing === undefined) return qemuFailed(`${dstName}: error while converting ${outFmt}: Could not create '${dstName}': No such file or directory`);
    const fresh = freshImage(outFmt, view, virtualSize);
    out = existing.length < fresh.length ? noSpace(existing.length) : { ...fresh, length: existing.length };
  } else {
    if (dst.kind === 'rbd' && existing !== undefined) return qemuFailed(`${dstName}: error while converting ${outFmt}: error rbd create: File exists`);
    out = freshImage(outFmt, view, virtualSize);
  }
  if (isOutcome(out)) return out;

  const failure = writeTarget(ctx, dst, out, !existingTarget && dst.kind === 'rbd');
  if (failure !== null) return qemuFailed(`${dstName}: error while converting ${outFmt}: Could not create '${dstName}': ${STRERROR[failure]}`);
  leakFollowed(ctx.trace, dstName);
  return succeed();
};
