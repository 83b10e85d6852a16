/**
 * Snapshot as it was before CVE-2015-7548 was fixed: the root disk's format
 * is resolved (from `disk.info`, or detected), the output is written in that
 * format by a `qemu-img convert` that leaves the *input* format out, so a
 * qcow2 header the guest planted is obeyed and its backing file read into
 * the snapshot; then the file is uploaded. For an LVM root that is any host
 * file the guest names.
 */
import { hostPath, imageId, type ImageFormat, type ImageId } from '@disk-ledger/domain';
import type { QemuFormat } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import type { SimInstance } from '../../world/sim-instance.js';
import { convertDetected } from '../classic-argv.js';
import { locate, qpathOf } from '../disk-address.js';
import { readDiskInfo } from '../disk-info-file.js';
import { openOne } from '../instance-disks.js';
import type { LegacyContext } from '../legacy-context.js';
import { failure, type Result } from '../legacy-host.js';


const outputOf = (f: string): { readonly out: QemuFormat; readonly declared: ImageFormat } => {
  switch (f) {
    case 'qcow2':
    case 'vmdk':
      return { out: f, declared: f };
    case 'parallels':
      return { out: 'parallels', declared: 'ploop' };
    default:
      return { out: 'raw', declared: 'raw' };
  }
};

/** Upload the instance's root disk as image `id`. */
export const snapshotRoot = async (ctx: LegacyContext, inst: SimInstance, id: ImageId): Result<void> => {
  const root = inst.legacyDisks.get('root');
  if (root === undefined) return failure('DISK_NOT_FOUND', `${inst.id} has no local root disk to snapshot`);
  const host = ctx.host(inst.host);
  const location = locate(host, inst.id, root.backend, root.location);
  if (E.isLeft(location)) return location;
  const info = await readDiskInfo(host, inst.id);
  if (E.isLeft(info)) return info;
  const opened = await openOne(host, inst, info.right, { name: 'root', disk: root, location: location.right });
  if (E.isLeft(opened)) return opened;
  const { out, declared } = outputOf(opened.right.format);
  // nova's `snapshots_directory`.
  const dir = hostPath(`${host.instancesPath}/snapshots`, 'snapshots_directory');
  if (E.isLeft(dir)) return dir;
  const made = await host.mkdirp(dir.right);
  if (E.isLeft(made)) return made;
  const tmp = hostPath(`${dir.right}/${inst.id}.snapshot`, 'snapshot');
  if (E.isLeft(tmp)) return tmp;
  const cleared = await host.remove(tmp.right);
  if (E.isLeft(cleared)) return cleared;
  const converted = await host.run(convertDetected(out, qpathOf(location.right), tmp.right));
  const uploaded = E.isLeft(converted)
    ? converted
    : await host.images.upload({ id, diskFormat: declared, containerFormat: 'bare' }, tmp.right)();
  await host.remove(tmp.right);
  return E.map(() => undefined)(uploaded);
};

/** The `snapshot` step: `image_id` is validated first. */
export const snapshot = async (ctx: LegacyContext, inst: SimInstance, newImageId: string): Result<void> => {
  const id = imageId(newImageId, 'image_id');
  return E.isLeft(id) ? id : snapshotRoot(ctx, inst, id.right);
};
