/**
 * The emulated `mkfs` (ext4, ext3, vfat) and `mkswap`, in the forms
 * docs/commands.md lists. Formatting replaces the disk's content with one
 * marker naming the file system; a file system's superblock is not a header
 * qemu probes, so the disk stays a raw disk.
 */
import { markedData } from '../content/data.js';
import { MarkerSet } from '../content/markers.js';
import { parseArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { exitWith, notEmulated, succeed, type Outcome } from './outcome.js';
import { parseLocalPath, readTarget, writeTarget, type Target } from './qpath.js';

const EXT_LABEL_MAX = 16;
const VFAT_LABEL_MAX = 11;
const MIN_SWAP = 40 * 1024;
/** The smallest ext3 or ext4 mke2fs 1.47 makes with its default options. */
const MIN_EXT = 104 * 1024;
const PAGE = 4096;

/** A deterministic UUID from a counter. */
const uuid = (n: number): string => {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
};

const localOperand = (text: string): Target | null => parseLocalPath(text);

/** `mkfs -t <ext4|ext3> -F -L <label> <path>` or `mkfs -t vfat -n <label> <path>` */
export const mkfs = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '-t': 'value', '-F': 'flag', '-L': 'value', '-n': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  const { options: o, operands } = p.args;
  const type = o.get('-t');
  const [pathText, ...extra] = operands;
  if (pathText === undefined || extra.length > 0) return notEmulated('mkfs takes one device');
  const isExt = type === 'ext4' || type === 'ext3';
  const extForm = isExt && o.has('-F') && o.has('-L') && !o.has('-n');
  const vfatForm = type === 'vfat' && o.has('-n') && !o.has('-F') && !o.has('-L');
  if (!extForm && !vfatForm) return notEmulated('mkfs takes -t ext4|ext3 -F -L <label> <path> or -t vfat -n <label> <path>');
  const target = localOperand(pathText);
  if (target === null) return notEmulated(`mkfs on ${JSON.stringify(pathText)}: not an absolute path`);
  let label = (isExt ? o.get('-L') : o.get('-n')) ?? '';
  const volume = readTarget(ctx, target);
  let warning = '';
  if (isExt) {
    if (volume === undefined) return exitWith(1, `mke2fs 1.47.0 (5-Feb-2023)\nThe file ${pathText} does not exist and no size was specified.`);
    if (volume.length === 0) return exitWith(1, `mke2fs 1.47.0 (5-Feb-2023)\nmkfs.${type}: Device size reported to be zero.`);
    if (volume.length < MIN_EXT) return exitWith(1, `mke2fs 1.47.0 (5-Feb-2023)\n\nFilesystem too small for a journal\next2fs_write_inode_full: Illegal inode number while writing inode 7.`);
    if (label.length > EXT_LABEL_MAX) {
      label = label.slice(0, EXT_LABEL_MAX);
      warning = `Warning: label too long; will be truncated to '${label}'`;
    }
  } else {
    if (volume === undefined) return exitWith(1, `mkfs.fat 4.2 (2021-01-31)\nmkfs.vfat: unable to open ${pathText}: No such file or directory`);
    if (label.length > VFAT_LABEL_MAX) return exitWith(1, `mkfs.fat 4.2 (2021-01-31)\nmkfs.fat: Label can be no longer than ${VFAT_LABEL_MAX} characters`);
  }
  const marker = `fs:${type ?? ''}:${label}#${ctx.state.nextId()}`;
  writeTarget(ctx, target, { length: volume.length, data: markedData(MarkerSet.of(marker)), text: null });
  const out = isExt
    ? `mke2fs 1.47.0 (5-Feb-2023)\nCreating filesystem with ${Math.floor(volume.length / PAGE)} 4k blocks\nWriting superblocks and filesystem accounting information: done`
    : 'mkfs.fat 4.2 (2021-01-31)';
  return succeed(out, warning);
};

/** `mkswap <path>` */
export const mkswap = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, {});
  if (!p.ok) return notEmulated(p.reason);
  const [pathText, ...extra] = p.args.operands;
  if (pathText === undefined || extra.length > 0) return notEmulated('mkswap takes one device');
  const target = localOperand(pathText);
  if (target === null) return notEmulated(`mkswap on ${JSON.stringify(pathText)}: not an absolute path`);
  const volume = readTarget(ctx, target);
  if (volume === undefined) return exitWith(1, `mkswap: cannot open ${pathText}: No such file or directory`);
  if (volume.length < MIN_SWAP) return exitWith(1, 'mkswap: error: swap area needs to be at least 40 KiB');
  const id = ctx.state.nextId();
  writeTarget(ctx, target, { length: volume.length, data: markedData(MarkerSet.of(`swap#${id}`)), text: null });
  const usable = Math.floor(volume.length / PAGE) * PAGE - PAGE;
  return succeed(`Setting up swapspace version 1, size = ${usable / 1024} KiB (${usable} bytes)\nno label, UUID=${uuid(id)}`);
};
