import type { HostPath, HostStorageOptions, VolumeName } from '@disk-ledger/domain';

/** The compute host the services act on: its name, storage options and instances path. */
export interface HostContext {
  readonly name: string;
  /** Today's options: used only to place brand-new disks and to derive legacy records. */
  readonly options: HostStorageOptions;
  /** nova's `instances_path`; instance directories and the base-image cache live under it. */
  readonly instancesPath: HostPath;
  /**
   * nova's `[image_cache] subdirectory_name`: the base-image cache's
   * directory in `instancesPath` (default `_base`), where the classic
   * driver's overlays find their bases and this library keeps its own.
   */
  readonly imageCacheSubdirectory?: VolumeName;
}

/** nova's default `[image_cache] subdirectory_name`. */
export const DEFAULT_IMAGE_CACHE_SUBDIRECTORY = '_base';

/**
 * Whether an instance of this name would have the host's base-image cache
 * directory as its own. (nova's default, `_base`, is no instance id.)
 */
export const namesCacheDir = (ctx: Pick<HostContext, 'imageCacheSubdirectory'>, instance: string): boolean =>
  instance === (ctx.imageCacheSubdirectory ?? DEFAULT_IMAGE_CACHE_SUBDIRECTORY);

/** The host's base-image cache directory. */
export const imageCacheDir = (ctx: Pick<HostContext, 'instancesPath' | 'imageCacheSubdirectory'>): HostPath =>
  `${ctx.instancesPath}/${ctx.imageCacheSubdirectory ?? DEFAULT_IMAGE_CACHE_SUBDIRECTORY}` as HostPath;
