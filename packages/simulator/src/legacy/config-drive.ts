/**
 * The config drive as the classic driver built it: the metadata files
 * staged in a directory, `genisoimage` over them into a raw ISO file in the
 * instance directory, then (when the host keeps its disks in RBD) imported
 * into the pool. The driver made the ISO itself, so it names `raw` when it
 * pads it to the planned size.
 */
import { hostPath, type ConfigDriveFile, type DiskLocation, type HostPath, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { genisoimage, padRaw, rbdImport } from './classic-argv.js';
import { instanceDirOf } from './disk-address.js';
import type { LegacyHost, Result } from './legacy-host.js';

const dirnameOf = (p: HostPath): HostPath => p.slice(0, p.lastIndexOf('/')) as HostPath;

/** Stage the drive's files under `stage`: nova's `openstack/latest/meta_data.json` and any extra files. */
const stageFiles = async (host: LegacyHost, id: InstanceId, stage: HostPath, files: readonly ConfigDriveFile[]): Result<void> => {
  const entries: readonly ConfigDriveFile[] = [{ path: 'openstack/latest/meta_data.json', content: JSON.stringify({ uuid: id }) }, ...files];
  for (const f of entries) {
    const path = hostPath(`${stage}/${f.path}`, 'config drive file');
    if (E.isLeft(path)) return path;
    const dir = await host.mkdirp(dirnameOf(path.right));
    if (E.isLeft(dir)) return dir;
    const written = await host.files.writeTextAtomic(path.right, f.content)();
    if (E.isLeft(written)) return written;
  }
  return E.right(undefined);
};

/** Build the config drive at `loc` (a flat file or an RBD image), `size` bytes. */
export const buildConfigDrive = async (host: LegacyHost, id: InstanceId, loc: DiskLocation, size: number, files: readonly ConfigDriveFile[]): Result<void> => {
  const local = loc.backend === 'flat' ? loc.path : (`${instanceDirOf(host, id)}/disk.config` as HostPath);
  const stage = `${local}.d` as HostPath;
  const cleared = await host.remove(stage);
  if (E.isLeft(cleared)) return cleared;
  const staged = await stageFiles(host, id, stage, files);
  const iso = E.isLeft(staged) ? staged : await host.run(genisoimage(local, stage));
  await host.remove(stage);
  if (E.isLeft(iso)) return iso;
  const padded = await host.run(padRaw(local, size));
  if (E.isLeft(padded)) return padded;
  if (loc.backend !== 'rbd') return E.right(undefined);
  const imported = await host.run(rbdImport(local, loc.pool, loc.image));
  await host.remove(local);
  return E.map(() => undefined)(imported);
};
