import * as E from 'fp-ts/lib/Either.js';
import type { Backend } from '../disk/vocabulary.js';
import { volumeName, type VolumeName } from '../names/safe-names.js';
import { inconsistentOptions, type InconsistentOptions } from './layout-error.js';

/** Values of `[libvirt] images_type`; `raw` and `flat` name the same backend. */
export const IMAGES_TYPES = ['default', 'raw', 'flat', 'qcow2', 'lvm', 'rbd', 'ploop'] as const;
/** A host's `images_type` option. */
export type ImagesType = (typeof IMAGES_TYPES)[number];

/** Values of `preallocate_images`. */
export const PREALLOCATE_VALUES = ['none', 'space'] as const;
/** A host's `preallocate_images` option. */
export type Preallocate = (typeof PREALLOCATE_VALUES)[number];

/** A host's storage options, with nova's defaults applied and checked for consistency. */
export interface HostStorageOptions {
  readonly imagesType: ImagesType;
  readonly useCowImages: boolean;
  readonly forceRawImages: boolean;
  readonly imagesVolumeGroup: VolumeName | null;
  readonly imagesRbdPool: VolumeName | null;
  readonly preallocateImages: Preallocate;
}

/** Options as an operator writes them: anything absent takes nova's default. */
export interface HostStorageOptionsInput {
  readonly imagesType?: ImagesType;
  readonly useCowImages?: boolean;
  readonly forceRawImages?: boolean;
  readonly imagesVolumeGroup?: string | null;
  readonly imagesRbdPool?: string | null;
  readonly preallocateImages?: Preallocate;
}

/** Nova's defaults: `images_type=default`, `use_cow_images=True`, `force_raw_images=True`, no preallocation. */
export const DEFAULT_HOST_OPTIONS: HostStorageOptions = {
  imagesType: 'default',
  useCowImages: true,
  forceRawImages: true,
  imagesVolumeGroup: null,
  imagesRbdPool: null,
  preallocateImages: 'none',
};

const optionalName = (value: string | null | undefined, path: string): E.Either<InconsistentOptions, VolumeName | null> =>
  value === null || value === undefined || value === ''
    ? E.right(null)
    : E.mapLeft(() => inconsistentOptions(path, `${path} ${JSON.stringify(value)} is not a valid name`))(volumeName(value, path));

/** `value` when it is one of `allowed` (or absent), else why not: the input may come from JavaScript or a file, not only typed code. */
const oneOf = <A extends string>(value: unknown, allowed: readonly A[], path: string): E.Either<InconsistentOptions, A | undefined> =>
  value === undefined || (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    ? E.right(value as A | undefined)
    : E.left(inconsistentOptions(path, `${path} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`));

/** `value` when it is a boolean (or absent), else why not. */
const flag = (value: unknown, path: string): E.Either<InconsistentOptions, boolean | undefined> =>
  value === undefined || typeof value === 'boolean' ? E.right(value) : E.left(inconsistentOptions(path, `${path} ${JSON.stringify(value)} is not true or false`));

/**
 * Apply nova's defaults and check that the options can work: each value is
 * one nova accepts, `lvm` needs `images_volume_group`, `rbd` needs
 * `images_rbd_pool`.
 */
export const hostStorageOptions = (input: HostStorageOptionsInput): E.Either<InconsistentOptions, HostStorageOptions> => {
  const type = oneOf(input.imagesType, IMAGES_TYPES, 'images_type');
  if (E.isLeft(type)) return type;
  const preallocate = oneOf(input.preallocateImages, PREALLOCATE_VALUES, 'preallocate_images');
  if (E.isLeft(preallocate)) return preallocate;
  const cow = flag(input.useCowImages, 'use_cow_images');
  if (E.isLeft(cow)) return cow;
  const forceRaw = flag(input.forceRawImages, 'force_raw_images');
  if (E.isLeft(forceRaw)) return forceRaw;
  const vg = optionalName(input.imagesVolumeGroup, 'images_volume_group');
  if (E.isLeft(vg)) return vg;
  const pool = optionalName(input.imagesRbdPool, 'images_rbd_pool');
  if (E.isLeft(pool)) return pool;
  const options: HostStorageOptions = {
    imagesType: type.right ?? DEFAULT_HOST_OPTIONS.imagesType,
    useCowImages: cow.right ?? DEFAULT_HOST_OPTIONS.useCowImages,
    forceRawImages: forceRaw.right ?? DEFAULT_HOST_OPTIONS.forceRawImages,
    imagesVolumeGroup: vg.right,
    imagesRbdPool: pool.right,
    preallocateImages: preallocate.right ?? DEFAULT_HOST_OPTIONS.preallocateImages,
  };
  if (options.imagesType === 'lvm' && options.imagesVolumeGroup === null) {
    return E.left(inconsistentOptions('images_volume_group', 'images_type=lvm requires images_volume_group'));
  }
  if (options.imagesType === 'rbd' && options.imagesRbdPool === null) {
    return E.left(inconsistentOptions('images_rbd_pool', 'images_type=rbd requires images_rbd_pool'));
  }
  return E.right(options);
};

/** The backend new disks get under these options: `default` is qcow2 with `use_cow_images`, else flat. */
export const hostBackend = (options: HostStorageOptions): Backend => {
  switch (options.imagesType) {
    case 'default':
      return options.useCowImages ? 'qcow2' : 'flat';
    case 'raw':
    case 'flat':
      return 'flat';
    default:
      return options.imagesType;
  }
};
