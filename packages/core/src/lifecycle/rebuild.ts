import { imageTooLarge, type DiskMetadata, type DiskName, type ImageId, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { RecordMissing } from '../errors/core-error.js';
import { imageFacts } from '../services/image-facts.js';
import { loadInstance, remakeMissing } from './instance-records.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';

/** The instance has no such local disk. */
export const missingDisk = (instance: InstanceId, disk: DiskName): RecordMissing => ({
  _tag: 'RecordMissing', code: 'RECORD_MISSING', instance, disk, path: `${instance}/${disk}`, message: `${instance} has no ${disk} disk`,
});

/**
 * Rebuild: the root disk is re-created from another image with the layout its
 * record already has (backend, format, size, location); only the source
 * changes. The image is verified first, so a rejected image leaves the old
 * root disk and its record as they were; then the new record is durable
 * before the old disk goes. The other disks stay as they are (one that
 * went missing is re-made from its record). An instance booted from a
 * volume (no `image_ref`, no local root) has its volume re-imaged by the
 * volume service, not here: its guest restarts with its local disks.
 */
export const rebuild = async (deps: LifecycleDeps, instance: InstanceId, image: ImageId): Step<void> => {
  const view = await loadInstance(deps, instance);
  if (E.isLeft(view)) return view;
  const root = view.right.records.get('root');
  // No root row and no image_ref: booted from a volume. A root row without a record was derived or refused above.
  if (root === undefined && view.right.row.imageRef !== null) return E.left(missingDisk(instance, 'root'));
  // The image must exist either way: the volume service re-images a volume from it.
  const meta = await run(deps.images.show(image));
  if (E.isLeft(meta)) return meta;
  if (root === undefined) return remakeMissing(view.right);
  const { virtualSize } = imageFacts(meta.right);
  if (virtualSize !== null && virtualSize > root.size) return E.left(imageTooLarge(image, virtualSize, root.size, 'image'));
  const source = { kind: 'image', imageId: image, imageFormat: meta.right.diskFormat } as const;
  const verified = await run(view.right.host.realizer.prepare(instance, 'root', source, root.size));
  if (E.isLeft(verified)) return verified;
  const record: DiskMetadata = { ...root, imageId: image, imageFormat: meta.right.diskFormat, provenance: 'created', state: 'creating' };
  const saved = await run(deps.metadata.saveAll(instance, [{ disk: 'root', meta: record }]));
  if (E.isLeft(saved)) return saved;
  const done = await run(view.right.host.realizer.realize(instance, 'root', record, source));
  if (E.isLeft(done)) return done;
  // The guest restarts with its other disks attached: one that went missing is re-made from its record.
  return remakeMissing(view.right, 'root');
};
