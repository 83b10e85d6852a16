import * as E from 'fp-ts/lib/Either.js';
import type { DiskName } from '../disk/disk-role.js';
import type { Backend, DiskFormat } from '../disk/vocabulary.js';
import { byteSize, type ByteSize, type InstanceId } from '../names/safe-names.js';
import { invalidSize, type InvalidSize } from '../names/invalid-name.js';
import type { DiskFunc } from '../ports/template-builder.js';
import type { DiskPlan, DiskRequest, DiskSource, ImageFacts } from './disk-plan.js';
import { hostBackend, type HostStorageOptions } from './host-options.js';
import { imageTooLarge, type LayoutError } from './layout-error.js';
import { recordLocation } from './record-location.js';

/** Size of a config drive: fixed, so that it is known before the drive is built. */
export const CONFIG_DRIVE_SIZE = 64 * 1024 * 1024;

/** Image formats a disk can be made from; the rest are refused before anything is written. */
const PLACEABLE = new Set(['raw', 'qcow2', 'iso', 'ami', 'aki', 'ari', 'vmdk', 'ploop']);

const unsupportedImage = (image: ImageFacts, why: string): LayoutError => ({
  _tag: 'ImageFormatUnsupported',
  code: 'IMAGE_FORMAT_UNSUPPORTED',
  path: 'image.disk_format',
  message: `image ${image.id} (disk_format ${image.diskFormat}): ${why}`,
});

/** The format a disk made from `image` gets on `backend`, as the classic driver chose it. */
const imageDiskFormat = (backend: Backend, options: HostStorageOptions, image: ImageFacts): E.Either<LayoutError, DiskFormat> => {
  if (!PLACEABLE.has(image.diskFormat)) return E.left(unsupportedImage(image, 'this format cannot be placed on a host'));
  switch (backend) {
    case 'qcow2':
      return E.right('qcow2');
    case 'flat':
      return E.right(!options.forceRawImages && image.diskFormat === 'qcow2' ? 'qcow2' : 'raw');
    case 'lvm':
    case 'rbd':
      return !options.forceRawImages && image.diskFormat === 'qcow2'
        ? E.left(unsupportedImage(image, `${backend} holds raw disks only; a qcow2 image needs force_raw_images=True`))
        : E.right('raw');
    case 'ploop':
      return E.right('ploop');
  }
};

/** Format of a func-made (ephemeral, swap) disk on the host backend. */
const funcDiskFormat = (backend: Backend): DiskFormat =>
  backend === 'qcow2' ? 'qcow2' : backend === 'ploop' ? 'ploop' : 'raw';

const rootSize = (image: ImageFacts, flavorSize: number): E.Either<LayoutError | InvalidSize, ByteSize> => {
  if (flavorSize === 0) {
    return image.virtualSize === null
      ? E.left({ _tag: 'SizeUnknown', code: 'SIZE_UNKNOWN', path: 'image.virtual_size', message: `image ${image.id} declares no virtual size and the flavor's root disk is 0` })
      : byteSize(image.virtualSize, 'image.virtual_size');
  }
  if (image.virtualSize !== null && image.virtualSize > flavorSize) {
    return E.left(imageTooLarge(image.id, image.virtualSize, flavorSize, 'flavor.root', "flavor's root disk"));
  }
  return byteSize(flavorSize, 'flavor.root');
};

const imageSource = (image: ImageFacts): DiskSource => ({ kind: 'image', imageId: image.id, imageFormat: image.diskFormat });
const funcSource = (func: DiskFunc): DiskSource => ({ kind: 'func', func });

/** mkswap's smallest area, ten 4 KiB pages. */
export const MIN_SWAP_SIZE = 40 * 1024;

/** The smallest ephemeral disk planned: mke2fs 1.47 makes no ext3 or ext4 below 104 KiB, and a record must describe a disk a tool can make. */
export const MIN_FILESYSTEM_SIZE = 128 * 1024;

/** A size the tool that fills the disk (`what`) does not refuse: a record of a smaller one would describe a disk that can never be made. */
export const atLeast = (size: unknown, min: number, path: string, what: string): E.Either<InvalidSize, ByteSize> => {
  const s = byteSize(size, path);
  if (E.isLeft(s) || s.right >= min) return s;
  return E.left({ ...invalidSize(size, path), message: `${String(size)} bytes at ${path}: ${what} needs at least ${min} bytes` });
};

const swapSize = (size: number, path = 'flavor.swap'): E.Either<InvalidSize, ByteSize> => atLeast(size, MIN_SWAP_SIZE, path, 'mkswap');

/**
 * Decide a new disk's layout (backend, format, size, location, source) from
 * the host's options, the disk's role, the image's declared metadata and the
 * flavor, as the classic driver did. Used only for disks that have no record
 * yet; a recorded disk keeps its record whatever the options say later.
 */
export const planDisk = (
  options: HostStorageOptions,
  instance: InstanceId,
  request: DiskRequest,
): E.Either<LayoutError | InvalidSize, DiskPlan> => {
  const backend = hostBackend(options);
  const at = (b: Backend, disk: DiskName) => recordLocation(b, instance, disk, options.imagesVolumeGroup, options.imagesRbdPool);
  const plan = (disk: DiskName, b: Backend, format: DiskFormat, size: E.Either<LayoutError | InvalidSize, ByteSize>, source: DiskSource) =>
    E.map((s: ByteSize): DiskPlan => ({ disk, backend: b, format, size: s, location: at(b, disk), source }))(size);

  switch (request.disk) {
    case 'root':
    case 'rescue': {
      const format = imageDiskFormat(backend, options, request.image);
      if (E.isLeft(format)) return format;
      return plan(request.disk, backend, format.right, rootSize(request.image, request.flavorSize), imageSource(request.image));
    }
    case 'kernel':
    case 'ramdisk':
      // Kernels and ramdisks are always flat raw files, whatever the backend.
      return plan(request.disk, 'flat', 'raw', rootSize(request.image, 0), imageSource(request.image));
    case 'swap':
      return plan('swap', backend, funcDiskFormat(backend), swapSize(request.size, request.sizePath), funcSource({ kind: 'swap' }));
    case 'config': {
      // Config drives are flat raw files, or rbd images when the host keeps its disks in rbd.
      const b = backend === 'rbd' ? 'rbd' : 'flat';
      return plan('config', b, 'raw', byteSize(CONFIG_DRIVE_SIZE), funcSource({ kind: 'config-drive', files: request.files }));
    }
    default: {
      const func: DiskFunc = { kind: 'filesystem', fsType: request.fsType ?? 'ext4', label: request.disk };
      return plan(request.disk, backend, funcDiskFormat(backend), atLeast(request.size, MIN_FILESYSTEM_SIZE, request.sizePath ?? `flavor.${request.disk}`, `mkfs -t ${func.fsType}`), funcSource(func));
    }
  }
};
