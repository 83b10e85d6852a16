import {
  invalidName,
  recordLocation,
  resolveLocation,
  type DiskImage,
  type DiskLocation,
  type DiskMetadata,
  type DiskName,
  type InstanceId,
  type InvalidName,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { namesCacheDir, type HostContext } from '../host-context.js';

/** `INVALID_NAME` for an instance whose directory would be a base-image cache of the host (its delete would remove every base there). */
export const cacheDirRefusal = (ctx: HostContext, instance: InstanceId): InvalidName | null =>
  namesCacheDir(ctx, instance) ? invalidName('instance', instance, `on host ${ctx.name} that is a base-image cache's directory`) : null;

/**
 * Where a recorded disk is on this host. The record's location wins; a 1.0
 * record has none, and gets the role's default name on its own backend.
 */
export const locate = (ctx: HostContext, instance: InstanceId, disk: DiskName, meta: DiskMetadata): E.Either<InvalidName, DiskImage> => {
  const cache = cacheDirRefusal(ctx, instance);
  if (cache !== null) return E.left(cache);
  const resolved = recordedLocation(ctx, instance, disk, meta);
  return E.isLeft(resolved) ? resolved : E.right({ location: resolved.right, format: meta.format });
};

/**
 * Where a record puts its disk on this host, or why it cannot be the
 * instance's own (a file outside its directory, another instance's volume):
 * {@link locate} without its check of the instance's name.
 */
export const recordedLocation = (ctx: HostContext, instance: InstanceId, disk: DiskName, meta: DiskMetadata): E.Either<InvalidName, DiskLocation> =>
  resolveLocation(meta.backend, meta.location ?? recordLocation(meta.backend, instance, disk, ctx.options.imagesVolumeGroup, ctx.options.imagesRbdPool), ctx.instancesPath, instance);

/**
 * Where nova names a disk's volume of `backend` on this host, under one of
 * nova's file names for it (`novaFileNames`): in the volume group or the
 * pool its options name; `null` when they name none.
 */
export const namedVolume = (ctx: HostContext, instance: InstanceId, backend: 'lvm' | 'rbd', file: string): E.Either<InvalidName, DiskLocation> | null => {
  const { imagesVolumeGroup: vg, imagesRbdPool: pool } = ctx.options;
  const home = backend === 'lvm' ? vg : pool;
  return home === null ? null : resolveLocation(backend, `${home}/${instance}_${file}`, ctx.instancesPath, instance);
};

/** A place disks can collide at, as a comparable key: a file, a logical volume, an rbd image. */
export const placeKey = (l: DiskLocation): string => (l.backend === 'lvm' ? `lvm:${l.vg}/${l.lv}` : l.backend === 'rbd' ? `rbd:${l.pool}/${l.image}` : `file:${l.path}`);
