/**
 * Argv builders for `qemu-img` (docs/commands.md) and the codec for the part
 * of `qemu-img info --output=json` the drivers read. The parameter types make
 * a format mandatory for every image an argv opens: there is no builder that
 * can leave `-f`, `-O` or `-F` out, so no driver can ask qemu-img to probe.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { readToolJson } from './tool-json.js';
import { toolOutputInvalid, type Argv, type ByteSize, type DiskFormat, type ImageFormat, type ToolOutputInvalid } from '@disk-ledger/domain';

/**
 * Format names on qemu-img's command line (a recorded `ploop` is qemu's
 * `parallels`); `vmdk`, `vpc`, `vhdx` and `vdi` only ever name declared
 * image-service input that is being verified.
 */
export type QemuFormat = 'raw' | 'qcow2' | 'parallels' | 'vmdk' | 'vpc' | 'vhdx' | 'vdi';

/** An image as qemu-img opens it: its address and, always, its format. */
export interface QemuImage {
  readonly qpath: string;
  readonly format: QemuFormat;
}

/** qemu-img's name for a recorded disk format. */
export const qemuFormat = (format: DiskFormat): QemuFormat => (format === 'ploop' ? 'parallels' : format);

/** qemu-img's name for an image service's declared `disk_format` (containers of raw bytes open as raw). */
export const qemuImageFormat = (format: ImageFormat): QemuFormat => {
  switch (format) {
    case 'qcow2':
    case 'vmdk':
    case 'vhdx':
    case 'vdi':
      return format;
    case 'vhd':
      return 'vpc';
    case 'ploop':
      return 'parallels';
    default:
      return 'raw';
  }
};

/** `qemu-img create -f <fmt> [-o preallocation=falloc] <path> <size>` */
export const create = (image: QemuImage, size: ByteSize, options: { readonly preallocate?: boolean } = {}): Argv =>
  options.preallocate === true
    ? ['qemu-img', 'create', '-f', image.format, '-o', 'preallocation=falloc', image.qpath, String(size)]
    : ['qemu-img', 'create', '-f', image.format, image.qpath, String(size)];

/** `qemu-img create -f qcow2 -b <base> -F <basefmt> <path> <size>`: an overlay that names its backing format. */
export const createOverlay = (
  overlay: { readonly qpath: string; readonly format: 'qcow2' },
  backing: QemuImage,
  size: ByteSize,
): Argv => ['qemu-img', 'create', '-f', overlay.format, '-b', backing.qpath, '-F', backing.format, overlay.qpath, String(size)];

/**
 * `qemu-img convert [-n] -f <srcfmt> -O <dstfmt> <src> <dst>`; `existingTarget`
 * (`-n`) writes into a target that already exists (an LV, a ploop image).
 */
export const convert = (src: QemuImage, dst: QemuImage, options: { readonly existingTarget?: boolean } = {}): Argv =>
  options.existingTarget === true
    ? ['qemu-img', 'convert', '-n', '-f', src.format, '-O', dst.format, src.qpath, dst.qpath]
    : ['qemu-img', 'convert', '-f', src.format, '-O', dst.format, src.qpath, dst.qpath];

/** `qemu-img resize -f <fmt> <qpath> <size>` (grow only: the drivers check first). */
export const resize = (image: QemuImage, size: ByteSize): Argv =>
  ['qemu-img', 'resize', '-f', image.format, image.qpath, String(size)];

/** `qemu-img info -f <fmt> --output=json <qpath>` */
export const info = (image: QemuImage): Argv => ['qemu-img', 'info', '-f', image.format, '--output=json', image.qpath];

/** The fields of `qemu-img info --output=json` the drivers need; the rest is ignored. */
const QemuInfoFields = t.intersection([
  t.type({ 'virtual-size': t.number, format: t.string }),
  t.partial({
    'backing-filename': t.string,
    'backing-filename-format': t.string,
    // qcow2 keeps its external data file here; other formats put other things in `data`.
    'format-specific': t.partial({ data: t.partial({ 'data-file': t.string }) }),
  }),
]);

/** What the drivers read from `qemu-img info`. */
export interface QemuInfoSummary {
  readonly virtualSize: number;
  readonly format: string;
  /** The backing file the image names, with its stored format (`null` when the image stores none). */
  readonly backing: { readonly file: string; readonly format: string | null } | null;
  /** The external data file the image names (qcow2), or `null`. */
  readonly dataFile: string | null;
}

/** What `info` says of an image, whatever format it was opened as. */
const readInfo = (stdout: string): E.Either<ToolOutputInvalid, QemuInfoSummary> => {
  const read = readToolJson('qemu-img info', stdout, QemuInfoFields, true);
  if (E.isLeft(read)) return read;
  const fields = read.right;
  const size = fields['virtual-size'];
  if (!Number.isSafeInteger(size) || size < 0) return E.left(toolOutputInvalid('qemu-img info', `virtual-size ${size} is not a byte count`));
  const file = fields['backing-filename'];
  const backing = file === undefined ? null : { file, format: fields['backing-filename-format'] ?? null };
  const data = fields['format-specific']?.data;
  const dataFile = typeof data === 'object' && data !== null ? (data['data-file'] ?? null) : null;
  return E.right({ virtualSize: size, format: fields.format, backing, dataFile });
};

/**
 * Decode `qemu-img info --output=json` printed for an image opened as
 * `expected`. A format other than the one named on the command line, or a
 * size that is not a whole number of bytes, means the output is not what
 * this argv produces, so it is refused rather than trusted.
 */
export const decodeInfo = (stdout: string, expected: QemuFormat): E.Either<ToolOutputInvalid, QemuInfoSummary> => {
  const info = readInfo(stdout);
  if (E.isLeft(info)) return info;
  const { format } = info.right;
  return format === expected ? info : E.left(toolOutputInvalid('qemu-img info', `reported format ${format}, opened as ${expected}`));
};

