import {
  byteSize,
  fileName,
  isAllowedPair,
  recordLocation,
  type Backend,
  type DiskFormat,
  type DiskMetadata,
  type DiskName,
  type ImageId,
  type ImageTooLarge,
  type InconsistentOptions,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { loadInstance } from './instance-records.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import type { RecordMissing } from '../errors/core-error.js';

const missing = (instance: InstanceId, disk: DiskName): RecordMissing => ({
  _tag: 'RecordMissing', code: 'RECORD_MISSING', instance, disk, path: `${instance}/${disk}`, message: `${instance} has no ${disk} disk`,
});

/**
 * Rebuild: the root disk is re-created from another image with the layout its
 * record already has (backend, format, size, location); only the source
 * changes. The new record is durable before the old disk goes.
 */
export const rebuild = async (deps: LifecycleDeps, instance: InstanceId, image: ImageId): Step<void> => {
  const view = await loadInstance(deps, instance);
  if (E.isLeft(view)) return view;
  const root = view.right.records.get('root');
  if (root === undefined) return E.left(missing(instance, 'root'));
  const meta = await run(deps.images.show(image));
  if (E.isLeft(meta)) return meta;
  if (meta.right.virtualSize !== null && meta.right.virtualSize > root.size) {
    const tooLarge: ImageTooLarge = {
      _tag: 'ImageTooLarge', code: 'IMAGE_TOO_LARGE', path: 'image', imageSize: meta.right.virtualSize, flavorSize: root.size,
      message: `image ${image} (${meta.right.virtualSize} bytes) does not fit the ${root.size}-byte root disk`,
    };
    return E.left(tooLarge);
  }
  const record: DiskMetadata = { ...root, imageId: image, imageFormat: meta.right.diskFormat, provenance: 'created', state: 'creating' };
  const saved = await run(deps.metadata.saveAll(instance, [{ disk: 'root', meta: record }]));
  if (E.isLeft(saved)) return saved;
  const done = await run(view.right.host.realizer.realize(instance, 'root', record, { kind: 'image', imageId: image, imageFormat: meta.right.diskFormat }));
  return E.map(() => undefined)(done);
};

const badTarget = (message: string): InconsistentOptions => ({ _tag: 'InconsistentOptions', code: 'OPTIONS_INCONSISTENT', path: 'convert', message });

/**
 * Convert: an explicit change of one disk's layout. The new record is written
 * (state `creating`) before the new disk exists; the data is copied with both
 * formats named; the old disk is removed only once the new one is `ready`.
 * A failed copy restores the old record and removes the partial disk.
 */
export const convert = async (deps: LifecycleDeps, instance: InstanceId, disk: DiskName, backend: Backend, format: DiskFormat): Step<void> => {
  if (!isAllowedPair(backend, format)) return E.left(badTarget(`${backend} disks cannot be ${format}`));
  const view = await loadInstance(deps, instance);
  if (E.isLeft(view)) return view;
  const { host, records } = view.right;
  const old = records.get(disk);
  if (old === undefined) return E.left(missing(instance, disk));
  if (old.backend === backend && old.format === format) return E.right(undefined);
  const { imagesVolumeGroup: vg, imagesRbdPool: pool } = host.ctx.options;
  if (backend === 'lvm' && vg === null) return E.left(badTarget(`host ${host.ctx.name} has no images_volume_group for an lvm disk`));
  if (backend === 'rbd' && pool === null) return E.left(badTarget(`host ${host.ctx.name} has no images_rbd_pool for an rbd disk`));
  const natural = recordLocation(backend, instance, disk, vg, pool);
  // Both disks exist during the copy, so the new one needs a name of its own.
  const location = natural === old.location ? `${natural}.${format}` : natural;
  if (backend !== 'lvm' && backend !== 'rbd' && E.isLeft(fileName(location))) return E.left(badTarget(`no file name for ${location}`));
  const size = byteSize(old.size);
  if (E.isLeft(size)) return size;
  const record: DiskMetadata = { ...old, backend, format, location, provenance: old.provenance ?? 'created', state: 'creating' };
  const saved = await run(deps.metadata.saveAll(instance, [{ disk, meta: record }]));
  if (E.isLeft(saved)) return saved;
  const from = await run(host.realizer.open(instance, disk, old));
  const to = await run(host.realizer.open(instance, disk, record));
  const copied = E.isLeft(from) ? from : E.isLeft(to) ? to : await run(to.right.driver.copyFrom(to.right.image, from.right.image, size.right));
  const checked = E.isLeft(copied) ? copied : await run(host.realizer.check(instance, disk, record));
  if (E.isLeft(checked)) {
    if (E.isRight(to)) await run(to.right.driver.remove(to.right.image.location));
    await run(deps.metadata.saveAll(instance, [{ disk, meta: old }]));
    return checked;
  }
  const ready = await run(deps.metadata.saveAll(instance, [{ disk, meta: { ...record, state: 'ready' } }]));
  if (E.isLeft(ready)) return ready;
  return run(host.realizer.remove(instance, disk, old));
};
