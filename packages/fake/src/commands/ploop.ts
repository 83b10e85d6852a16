/**
 * The emulated `ploop` tool: `init` (a ploop1 image and its descriptor, no
 * file system), `restore-descriptor` (for a ploop1 image, or with `-f raw`
 * for a plain one) and `resize`, in the forms docs/commands.md lists. Sizes
 * are whole KiB. Failures use ploop's SYSEXIT codes.
 */
import { parallels } from '../content/data.js';
import { containerVolume, textVolume } from '../content/volume.js';
import { basename, dirname, resolvePath } from '../state/file-system.js';
import { parseArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { exitWith, notEmulated, succeed, type Outcome } from './outcome.js';
import { DESCRIPTOR_NAME, descriptorText, parseDescriptor } from './ploop-descriptor.js';
import { parseLocalPath } from './qpath.js';
import { ploopKiB } from './sizes.js';

const SYSEXIT_CREAT = 1;
const SYSEXIT_OPEN = 4;
const SYSEXIT_PLOOPFMT = 11;
const SYSEXIT_PARAM = 38;
const SYSEXIT_DISKDESCR = 39;

/** A local file path operand, or `null`. */
const filePath = (text: string): string | null => {
  const t = parseLocalPath(text);
  return t?.kind === 'file' ? t.path : null;
};

const sizeOption = (text: string | undefined): number | Outcome => {
  if (text === undefined) return notEmulated('missing -s');
  const n = ploopKiB(text);
  if (n === 'other-unit') return notEmulated(`-s ${text}: the drivers give sizes in KiB (<n>K)`);
  if (n === null || n === 0) return exitWith(SYSEXIT_PARAM, `Incorrect size specified: ${text}`);
  return n;
};

const init = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '-s': 'value', '-f': 'value', '-t': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  const { options: o, operands } = p.args;
  const [imageText, ...extra] = operands;
  if (o.get('-f') !== 'ploop1' || o.get('-t') !== 'none' || imageText === undefined || extra.length > 0) {
    return notEmulated('ploop init takes -s <KiB>K -f ploop1 -t none <image>');
  }
  const image = filePath(imageText);
  if (image === null) return notEmulated(`ploop init ${JSON.stringify(imageText)}: not an absolute file path`);
  const size = sizeOption(o.get('-s'));
  if (typeof size !== 'number') return size;
  const fs = ctx.host.fs;
  const dir = dirname(image);
  const descriptor = resolvePath(dir, DESCRIPTOR_NAME) ?? DESCRIPTOR_NAME;
  if (!fs.isDir(dir)) return exitWith(SYSEXIT_CREAT, `Can't create ${image}: No such file or directory`);
  for (const path of [image, descriptor]) if (fs.exists(path)) return exitWith(SYSEXIT_CREAT, `Can't create ${path}: File exists`);
  fs.writeFile(image, containerVolume(parallels(size)));
  fs.writeFile(descriptor, textVolume(descriptorText({ sizeBytes: size, image: basename(image), raw: false })));
  return succeed(`Creating delta ${image} bs=2048 size=${size / 512} sectors v2`);
};

const restoreDescriptor = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '-f': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  const fmt = p.args.options.get('-f');
  const [dirText, imageText, ...extra] = p.args.operands;
  if ((fmt !== undefined && fmt !== 'raw') || dirText === undefined || imageText === undefined || extra.length > 0) {
    return notEmulated('ploop restore-descriptor takes [-f raw] <dir> <image>');
  }
  const dir = filePath(dirText);
  const image = filePath(imageText);
  if (dir === null || image === null) return notEmulated('ploop restore-descriptor takes absolute paths');
  const fs = ctx.host.fs;
  if (!fs.isDir(dir)) return exitWith(SYSEXIT_OPEN, `Can't open ${dir}: No such file or directory`);
  const volume = fs.file(image);
  if (volume === undefined) return exitWith(SYSEXIT_OPEN, `Can't open ${image}: No such file or directory`);
  const descriptor = resolvePath(dir, DESCRIPTOR_NAME) ?? DESCRIPTOR_NAME;
  if (fs.exists(descriptor)) return exitWith(SYSEXIT_PARAM, `Unable to restore ${descriptor}: file already exists`);
  const raw = fmt === 'raw';
  const h = volume.data.header;
  if (!raw && h?.format !== 'parallels') return exitWith(SYSEXIT_PLOOPFMT, `Invalid image header ${image}: wrong signature`);
  const sizeBytes = !raw && h?.format === 'parallels' ? h.virtualSize : volume.length;
  const name = dirname(image) === dir ? basename(image) : image;
  fs.writeFile(descriptor, textVolume(descriptorText({ sizeBytes, image: name, raw })));
  return succeed();
};

const resize = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '-s': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  const [descText, ...extra] = p.args.operands;
  if (descText === undefined || extra.length > 0) return notEmulated('ploop resize takes -s <KiB>K <DiskDescriptor.xml>');
  const descPath = filePath(descText);
  if (descPath === null) return notEmulated(`ploop resize ${JSON.stringify(descText)}: not an absolute file path`);
  const size = sizeOption(p.args.options.get('-s'));
  if (typeof size !== 'number') return size;
  const fs = ctx.host.fs;
  const text = fs.file(descPath)?.text;
  if (text === undefined || text === null) return exitWith(SYSEXIT_DISKDESCR, `Can't open ${descPath}: No such file or directory`);
  const d = parseDescriptor(text);
  if (d === null) return exitWith(SYSEXIT_DISKDESCR, `Failed to read ${descPath}: not a ploop disk descriptor`);
  const image = resolvePath(dirname(descPath), d.image) ?? d.image;
  const volume = fs.file(image);
  if (volume === undefined) return exitWith(SYSEXIT_OPEN, `Can't open ${image}: No such file or directory`);
  const h = volume.data.header;
  if (!d.raw && h?.format !== 'parallels') return exitWith(SYSEXIT_PLOOPFMT, `Invalid image header ${image}: wrong signature`);
  const current = !d.raw && h?.format === 'parallels' ? h.virtualSize : volume.length;
  if (size < current) return exitWith(SYSEXIT_PARAM, `Unable to resize ${descPath}: the new size ${size / 1024}K is less than the current size ${current / 1024}K (offline shrink is not supported)`);
  const grown = !d.raw && h?.format === 'parallels' ? { ...volume, data: { ...volume.data, header: { ...h, virtualSize: size } } } : { ...volume, length: size };
  fs.writeFile(image, grown);
  fs.writeFile(descPath, textVolume(descriptorText({ ...d, sizeBytes: size })));
  return succeed();
};

const SUBCOMMANDS: Readonly<Record<string, (ctx: CommandContext, args: readonly string[]) => Outcome>> = {
  init,
  'restore-descriptor': restoreDescriptor,
  resize,
};

/** `ploop <subcommand> …` */
export const ploop = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const [sub, ...rest] = args;
  const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  return run === undefined ? notEmulated(`ploop ${sub ?? ''}: subcommand not emulated`) : run(ctx, rest);
};
