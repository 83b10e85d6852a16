/**
 * `qemu-img create`: a blank image, optionally preallocated, or a qcow2
 * overlay on a backing file. With `-F` the backing file is opened as that
 * format and the format is stored in the overlay; without it the backing
 * file's format is detected (a probe) and nothing is stored, so every later
 * reader of the overlay probes again, as old qemu-img left such overlays.
 */
import { parallels, qcow2, sparseVmdk, type BackingRef, type QemuFormat } from '../content/data.js';
import { containerVolume, QCOW2_EMPTY_LENGTH, rawVolume, type Volume } from '../content/volume.js';
import { STRERROR } from '../state/file-system.js';
import { parseArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { openImage, type Located } from './image-reader.js';
import { BAD_SIZE, formatOption, isOutcome, qemuFailed, toSectors } from './qemu-img-common.js';
import { notEmulated, succeed, type Outcome } from './outcome.js';
import { baseDirOf, parseQpath, readTarget, refTarget, showTarget, writeTarget } from './qpath.js';
import { qemuSize } from './sizes.js';

const SPEC = { '-f': 'value', '-o': 'value', '-b': 'value', '-F': 'value' } as const;

const formatting = (path: string, fmt: QemuFormat, size: number, backing: BackingRef | null, falloc: boolean): string => {
  const prealloc = falloc ? ' preallocation=falloc' : '';
  const back = backing === null ? '' : ` backing_file=${backing.path}${backing.format === null ? '' : ` backing_fmt=${backing.format}`}`;
  switch (fmt) {
    case 'qcow2':
      return `Formatting '${path}', fmt=qcow2 cluster_size=65536 extended_l2=off${prealloc} compression_type=zlib size=${size}${back} lazy_refcounts=off refcount_bits=16`;
    case 'parallels':
      return `Formatting '${path}', fmt=parallels size=${size} cluster_size=1048576`;
    case 'vmdk':
      return `Formatting '${path}', fmt=vmdk size=${size} compat6=off hwversion=undefined`;
    case 'raw':
      return `Formatting '${path}', fmt=raw size=${size}${prealloc}`;
  }
};

const blank = (fmt: QemuFormat, size: number, backing: BackingRef | null, falloc: boolean): Volume => {
  switch (fmt) {
    case 'raw':
      return rawVolume(size);
    case 'qcow2': {
      const header = qcow2({ virtualSize: size, backing });
      return falloc ? containerVolume(header, QCOW2_EMPTY_LENGTH + size) : containerVolume(header);
    }
    case 'parallels':
      return containerVolume(parallels(toSectors(size)));
    case 'vmdk':
      return containerVolume(sparseVmdk(toSectors(size)));
  }
};

/** `qemu-img create -f <fmt> [-o preallocation=falloc] [-b <base> [-F <basefmt>]] <path> [<size>]` */
export const qemuImgCreate = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const parsed = parseArgs(args, SPEC);
  if (!parsed.ok) return notEmulated(parsed.reason);
  const { options: o, operands } = parsed.args;
  const fmt = formatOption(o.get('-f'), '-f');
  if (isOutcome(fmt)) return fmt;
  if (fmt === null) return notEmulated('qemu-img create without -f');
  const backingName = o.get('-b');
  const backingFmt = formatOption(o.get('-F'), '-F');
  if (isOutcome(backingFmt)) return backingFmt;
  if (backingFmt !== null && backingName === undefined) return notEmulated('-F without -b');
  const option = o.get('-o');
  if (option !== undefined && option !== 'preallocation=falloc') return notEmulated(`-o ${option}: only preallocation=falloc is emulated`);
  if (option !== undefined && backingName !== undefined) return notEmulated('preallocation of an overlay');
  const [pathText, sizeText, ...extra] = operands;
  if (pathText === undefined || extra.length > 0) return notEmulated('qemu-img create takes a path and a size');
  if (sizeText === undefined && backingName === undefined) return notEmulated('qemu-img create without a size');
  const target = parseQpath(pathText);
  if (target?.kind !== 'file') return notEmulated(`qemu-img create on ${JSON.stringify(pathText)}: only files are emulated`);
  const path = target.path;
  const falloc = option !== undefined;

  let size = sizeText === undefined ? null : qemuSize(sizeText);
  if (sizeText !== undefined && size === null) return qemuFailed(BAD_SIZE);
  if (falloc && (fmt === 'vmdk' || fmt === 'parallels')) return qemuFailed(`${path}: Invalid parameter 'preallocation'`);
  if (backingName !== undefined && fmt !== 'qcow2') return qemuFailed(`${path}: Backing file not supported for file format '${fmt}'`);

  let backing: BackingRef | null = null;
  if (backingName !== undefined) {
    const ref = refTarget(backingName, baseDirOf(target));
    const volume = ref === null ? undefined : readTarget(ctx, ref);
    if (ref === null || volume === undefined) return qemuFailed(`${path}: Could not open '${backingName}': No such file or directory\nCould not open backing image.`);
    const base: Located = { target: ref, name: showTarget(ref), volume };
    // qemu-img opens the backing file itself, not its chain, to check it and to learn its size.
    const opened = openImage(ctx, base, backingFmt, { backing: false });
    if (!opened.ok) return qemuFailed(`${path}: Could not open '${backingName}': ${opened.message}\nCould not open backing image.`);
    size ??= opened.opened.virtualSize;
    backing = { path: backingName, format: backingFmt };
  }
  if (size === null) return notEmulated('qemu-img create without a size');
  // qemu-img rounds the size up to whole 512-byte sectors (and says the size it was asked for).
  const failure = writeTarget(ctx, target, blank(fmt, toSectors(size), backing, falloc));
  if (failure !== null) return qemuFailed(`${path}: Could not create '${path}': ${STRERROR[failure]}`);
  return succeed(formatting(path, fmt, size, backing, falloc));
};
