/**
 * The classic driver's base-image cache, `<instances_path>/_base`: images
 * named by the SHA-1 of their id, and shared ephemeral / swap templates
 * named by size, as nova named them. Images enter it *unverified*
 * (nova's `fetch_to_raw` before the 2022–2024 fixes): an image declared
 * raw is trusted by its label (CVE-2024-40767); any other is inspected with
 * a probing `qemu-img info`, refused only when it has a backing file, and
 * with `force_raw_images` converted by a probing `qemu-img convert`, which
 * follows a vmdk's flat extent (CVE-2022-47951) or a qcow2's external data
 * file (CVE-2024-32498) into the cache.
 */
import type { DiskFunc, HostPath, HostStorageOptions, ImageFormat, ImageMeta } from '@disk-ledger/domain';
import type { QemuFormat } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { createHash } from 'node:crypto';
import { convertDetected, createRaw, mkfs, mkswap } from './classic-argv.js';
import { detectInfo } from './detected-info.js';
import { pathIn } from './disk-address.js';
import { failure, type LegacyHost, type Result } from './legacy-host.js';

// ---- types

/** A file in the cache and the format the classic driver believes it has. */
export interface Base {
  readonly path: HostPath;
  readonly format: QemuFormat;
}

/** Funcs that fill a shared template. */
export type TemplateFunc = Exclude<DiskFunc, { readonly kind: 'config-drive' }>;

// ---- names

/** The host's cache directory. */
export const baseDirOf = (host: LegacyHost): HostPath => `${host.instancesPath}/_base` as HostPath;

// Declared formats whose bytes are used as they are.
const RAW_LABELS: readonly ImageFormat[] = ['raw', 'iso', 'ami', 'aki', 'ari'];

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const sha1 = (s: string): string => createHash('sha1').update(s, 'utf8').digest('hex');
const inUnits = (size: number, unit: number): string => (size % unit === 0 ? String(size / unit) : `${size}b`);

/** nova's cache name for an image: the SHA-1 of its id. */
export const classicBaseName = (imageId: string): string => sha1(imageId);

/** nova's template names: `ephemeral_<GiB>_<hash of the mkfs command>`, `swap_<MiB>`. */
export const templateName = (func: TemplateFunc, size: number): string => {
  switch (func.kind) {
    case 'filesystem':
      return `ephemeral_${inUnits(size, GiB)}_${sha1(`mkfs -t ${func.fsType}`).slice(0, 7)}`;
    case 'swap':
      return `swap_${inUnits(size, MiB)}`;
    case 'blank':
      return `blank_${size}`;
  }
};

/**
 * The format the classic driver believes a cached image has: raw when its
 * label says so or when fetching converted it, else its label. Never read
 * from the file.
 */
export const believedFormat = (meta: ImageMeta, options: HostStorageOptions): QemuFormat | null => {
  if (RAW_LABELS.includes(meta.diskFormat) || options.forceRawImages) return 'raw';
  switch (meta.diskFormat) {
    case 'qcow2':
    case 'vmdk':
      return meta.diskFormat;
    case 'ploop':
      return 'parallels';
    default:
      return null;
  }
};

// ---- operations

/** Download an image into `dest` the pre-fix way (see the module comment). */
export const fetchToBase = async (host: LegacyHost, meta: ImageMeta, dest: HostPath): Result<void> => {
  const part = `${dest}.part` as HostPath;
  const cleared = await host.remove(part);
  if (E.isLeft(cleared)) return cleared;
  const downloaded = await host.images.download(meta.id, part)();
  if (E.isLeft(downloaded)) return downloaded;
  if (RAW_LABELS.includes(meta.diskFormat)) return host.files.rename(part, dest)();
  const info = await detectInfo(host, part);
  if (E.isLeft(info) || info.right.backingFile !== null) {
    await host.remove(part);
    return E.isLeft(info) ? info : failure('IMAGE_UNACCEPTABLE', `Image ${meta.id} is unacceptable: fmt=${info.right.format} backed by: ${info.right.backingFile ?? ''}`);
  }
  if (info.right.format === 'raw' || !host.options.forceRawImages) return host.files.rename(part, dest)();
  const converted = `${dest}.converted` as HostPath;
  const r = await host.run(convertDetected('raw', part, converted));
  await host.remove(part);
  if (E.isLeft(r)) {
    await host.remove(converted);
    return r;
  }
  return host.files.rename(converted, dest)();
};

/** The cached image, fetched first when absent. */
export const ensureImageBase = async (host: LegacyHost, meta: ImageMeta): Result<Base> => {
  const format = believedFormat(meta, host.options);
  if (format === null) return failure('IMAGE_FORMAT_UNSUPPORTED', `image ${meta.id}: disk_format ${meta.diskFormat} cannot back a disk here`);
  const dir = await host.mkdirp(baseDirOf(host));
  if (E.isLeft(dir)) return dir;
  const path = pathIn(baseDirOf(host), classicBaseName(meta.id));
  if (E.isLeft(path)) return path;
  const cached = await host.exists(path.right);
  if (E.isLeft(cached)) return cached;
  if (!cached.right) {
    const fetched = await fetchToBase(host, meta, path.right);
    if (E.isLeft(fetched)) return fetched;
  }
  return E.right({ path: path.right, format });
};

/** Fill a new raw file of `size` bytes at `path` with what `func` makes. */
export const buildTemplate = async (host: LegacyHost, func: TemplateFunc, path: HostPath, size: number): Result<void> => {
  const made = await host.run(createRaw(path, size));
  if (E.isLeft(made)) return made;
  const filled = func.kind === 'filesystem' ? await host.run(mkfs(func.fsType, func.label, path)) : func.kind === 'swap' ? await host.run(mkswap(path)) : E.right('');
  if (E.isLeft(filled)) await host.remove(path);
  return E.map(() => undefined)(filled);
};

/** The shared template for `func` and `size`, built first when absent. */
export const ensureTemplate = async (host: LegacyHost, func: TemplateFunc, size: number): Result<Base> => {
  const dir = await host.mkdirp(baseDirOf(host));
  if (E.isLeft(dir)) return dir;
  const path = pathIn(baseDirOf(host), templateName(func, size));
  if (E.isLeft(path)) return path;
  const cached = await host.exists(path.right);
  if (E.isLeft(cached)) return cached;
  if (!cached.right) {
    const built = await buildTemplate(host, func, path.right, size);
    if (E.isLeft(built)) return built;
  }
  return E.right({ path: path.right, format: 'raw' });
};
