import { imageId as toImageId, instanceDir, type DiskMetadata, type HostPath, type ImageId, type ImageMeta, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { RecordMissing } from '../errors/core-error.js';
import { loadInstance, type InstanceView } from './instance-records.js';
import type { HostServices } from './host-registry.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';

const noRoot = (instance: InstanceId): RecordMissing => ({
  _tag: 'RecordMissing', code: 'RECORD_MISSING', instance, disk: 'root', path: `${instance}/root`,
  message: `${instance} has no local root disk to snapshot`,
});

/** The image a kernel or ramdisk disk was made from (its record names it; the codec checked the name). */
const bootImage = (meta: DiskMetadata | undefined): ImageId | null => {
  const id = meta?.imageId === null || meta === undefined ? null : toImageId(meta.imageId, 'imageId');
  return id === null || E.isLeft(id) ? null : id.right;
};

/** Where a snapshot of the instance stages its copy on its host. */
const stagingPath = (host: HostServices, instance: InstanceId): HostPath => `${instanceDir(host.ctx.instancesPath, instance)}/snapshot.qcow2` as HostPath;

/**
 * Remove the staging copy a snapshot cut by a crash left on the instance's
 * host (what a compute host does for its instances when it starts again).
 */
export const removeSnapshotStaging = (host: HostServices, instance: InstanceId): Step<void> => run(host.files.remove(stagingPath(host, instance)));

/**
 * Snapshot: convert the root disk from its recorded format to qcow2 (both
 * named), upload it declaring what was written, with the kernel and ramdisk
 * the instance boots with (as nova's snapshot carries them, so that an
 * instance booted or unshelved from it boots the same way), and remove the
 * staging file whatever happens. The upload goes through the instance's
 * host, where the staging file is.
 */
export const snapshot = async (deps: LifecycleDeps, instance: InstanceId, newImageId: string): Step<ImageMeta> => {
  const id = toImageId(newImageId, 'imageId');
  if (E.isLeft(id)) return id;
  const view = await loadInstance(deps, instance, { complete: true, unconfirmed: 'allow' });
  return E.isLeft(view) ? view : snapshotOf(view.right, id.right);
};

/** {@link snapshot} of an instance already loaded with its disks complete (shelve's). */
export const snapshotOf = async (view: InstanceView, id: ImageId): Step<ImageMeta> => {
  const instance = view.row.instance;
  const { host, records } = view;
  const root = records.get('root');
  if (root === undefined) return E.left(noRoot(instance));
  // Always a qcow2 container: a raw upload would start with whatever the guest wrote at offset 0,
  // and a guest-planted header would then make its own snapshot fail verification as mislabelled.
  const format = 'qcow2';
  const dir = instanceDir(host.ctx.instancesPath, instance);
  const staging = stagingPath(host, instance);
  // An instance whose disks are all in a pool may have no directory on this host (it came by a shared-storage move).
  const made = await run(host.files.mkdirp(dir));
  if (E.isLeft(made)) return made;
  const cleanup = () => run(host.files.remove(staging));
  await cleanup();
  const exported = await run(host.realizer.exportTo(instance, 'root', root, staging, format));
  const uploaded = E.isLeft(exported)
    ? exported
    : await run(host.images.upload({ id, diskFormat: format, containerFormat: 'bare', kernelId: bootImage(records.get('kernel')), ramdiskId: bootImage(records.get('ramdisk')) }, staging));
  await cleanup();
  return uploaded;
};
