/**
 * Where a classic-driver disk is and how the tools name it: its concrete
 * location, its qemu path, its `disk.info` key, whether it is on the host,
 * and its removal. Presence is asked the way the classic driver asked it
 * (a file's existence, `lvs`, `rbd info`), never by reading the disk.
 */
import { hostPath, resolveLocation, type DiskLocation, type HostPath, type InstanceId } from '@disk-ledger/domain';
import { qemuPath } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';
import { lvremove, lvs, rbdInfo, rbdRemove } from './classic-argv.js';
import type { Failure, LegacyHost, Result } from './legacy-host.js';

// ---- paths

/** `<instances_path>/<instance>` on the host. */
export const instanceDirOf = (host: LegacyHost, id: InstanceId): HostPath => `${host.instancesPath}/${id}` as HostPath;

/** A path under a validated directory, validated again (names reach argvs). */
export const pathIn = (dir: string, name: string): E.Either<Failure, HostPath> => hostPath(`${dir}/${name}`, 'path');

/** The concrete location on the host of a disk whose record-form location (file name, `vg/lv`, `pool/image`) is given. */
export const locate = (host: LegacyHost, id: InstanceId, backend: DiskLocation['backend'], location: string): E.Either<Failure, DiskLocation> =>
  resolveLocation(backend, location, host.instancesPath, id);

/** How qemu-img addresses the disk: the same addresses the drivers use. */
export const qpathOf = (loc: DiskLocation): string => qemuPath(loc);

/** The disk's `disk.info` key (its path, a ploop disk's directory); `null` for block backends, which never had one. */
export const infoKeyOf = (loc: DiskLocation): string | null => (loc.backend === 'lvm' || loc.backend === 'rbd' ? null : loc.path);

/** Whether two locations name the same disk. */
export const sameLocation = (a: DiskLocation, b: DiskLocation): boolean => qpathOf(a) === qpathOf(b);

// ---- presence and removal

/** Whether a failed `lvs` / `rbd info` / `lvremove` / `rbd rm` said "no such volume". */
// The whole of the tool's stderr: rbd says "No such file or directory" only on the second line of a failed `rm`.
const isMissing = (f: Failure): boolean =>
  f.code === 'COMMAND_FAILED' && /not found|Failed to find|No such file or directory/.test('stderr' in f && typeof f.stderr === 'string' ? f.stderr : f.message);

/** Whether the disk is on the host. */
export const isPresent = async (host: LegacyHost, loc: DiskLocation): Result<boolean> => {
  switch (loc.backend) {
    case 'lvm': {
      const r = await host.run(lvs(loc.vg, loc.lv));
      return E.isLeft(r) && isMissing(r.left) ? E.right(false) : E.map(() => true)(r);
    }
    case 'rbd': {
      const r = await host.run(rbdInfo(loc.pool, loc.image));
      return E.isLeft(r) && isMissing(r.left) ? E.right(false) : E.map(() => true)(r);
    }
    case 'ploop':
      return host.exists(`${loc.path}/root.hds` as HostPath);
    default:
      return host.exists(loc.path);
  }
};

/** Remove the disk from the host; a disk already gone is fine. */
export const removeDisk = async (host: LegacyHost, loc: DiskLocation): Result<void> => {
  switch (loc.backend) {
    case 'lvm': {
      const r = await host.run(lvremove(loc.vg, loc.lv));
      return E.isLeft(r) && isMissing(r.left) ? E.right(undefined) : E.map(() => undefined)(r);
    }
    case 'rbd': {
      const r = await host.run(rbdRemove(loc.pool, loc.image));
      return E.isLeft(r) && isMissing(r.left) ? E.right(undefined) : E.map(() => undefined)(r);
    }
    default:
      return host.remove(loc.path);
  }
};
