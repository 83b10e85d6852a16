import * as E from 'fp-ts/lib/Either.js';
import type { DiskLocation } from '../disk/disk-location.js';
import { novaFileName, type DiskName } from '../disk/disk-role.js';
import type { Backend } from '../disk/vocabulary.js';
import { fileName, hostPath, joinPath, volumeName, type HostPath, type InstanceId, type VolumeName } from '../names/safe-names.js';
import { invalidName, type InvalidName } from '../names/invalid-name.js';

/** Nova's per-instance volume name on shared storage: `<instance>_<file name>`. */
export const volumeNameFor = (instance: InstanceId, disk: DiskName): VolumeName =>
  `${instance}_${novaFileName(disk)}` as VolumeName;

/**
 * The record form of a new disk's location: the nova file name for file
 * backends (relative to the instance directory, so it survives a move to a
 * host with another instances path), `vg/lv` for lvm, `pool/image` for rbd.
 */
export const recordLocation = (
  backend: Backend,
  instance: InstanceId,
  disk: DiskName,
  vg: VolumeName | null,
  pool: VolumeName | null,
): string => {
  switch (backend) {
    case 'lvm':
      return `${vg ?? ''}/${volumeNameFor(instance, disk)}`;
    case 'rbd':
      return `${pool ?? ''}/${volumeNameFor(instance, disk)}`;
    default:
      return novaFileName(disk);
  }
};

/** The instance directory on a host: `<instances_path>/<instance>`. */
export const instanceDir = (instancesPath: HostPath, instance: InstanceId): HostPath =>
  `${instancesPath}/${instance}` as HostPath;

/** Nova's names of an instance's disks (`novaFileNames`), as they follow `<instance>_` in a volume's name. */
const NOVA_VOLUME_SUFFIX = /^(?:disk(?:\.(?:local|swap|config|rescue|eph(?:0|[1-9][0-9]{0,2})))?|kernel|ramdisk)$/;

/**
 * A volume location `<vg>/<lv>` or `<pool>/<image>` whose volume is the
 * instance's own: nova names every volume of an instance `<instance>_…`, and
 * a group or pool holds the volumes of many instances, so a record naming
 * another's would let this instance's delete or convert remove that disk.
 */
const splitPair = (location: string, what: string, instance: InstanceId): E.Either<InvalidName, readonly [VolumeName, VolumeName]> => {
  const parts = location.split('/');
  if (parts.length !== 2) return E.left(invalidName('location', location, `must be ${what}`, 'location'));
  const a = volumeName(parts[0] ?? '', 'location');
  if (E.isLeft(a)) return a;
  const b = volumeName(parts[1] ?? '', 'location');
  if (E.isLeft(b)) return b;
  // The prefix alone is not enough: an instance id may hold "_", so `vm1_2_disk` starts with `vm1_` and is vm1_2's.
  // What follows the prefix must be one of nova's names, none of which holds "_".
  if (!b.right.startsWith(`${instance}_`) || !NOVA_VOLUME_SUFFIX.test(b.right.slice(instance.length + 1))) {
    return E.left(invalidName('location', location, `must name a volume of instance ${instance} (${instance}_disk, ${instance}_disk.eph0, ${instance}_disk.swap, …)`, 'location'));
  }
  return E.right([a.right, b.right] as const);
};

/**
 * Resolve a recorded location to a concrete one on a host. A relative file
 * location is joined to the instance directory; an absolute one must lie
 * inside it, so a record can never point a driver at another file.
 */
export const resolveLocation = (
  backend: Backend,
  location: string,
  instancesPath: HostPath,
  instance: InstanceId,
): E.Either<InvalidName, DiskLocation> => {
  // Every disk operation resolves its record's location: plain branches rather than a mapped Either per call.
  if (backend === 'lvm') {
    const pair = splitPair(location, 'vg/lv', instance);
    return E.isLeft(pair) ? pair : E.right({ backend, vg: pair.right[0], lv: pair.right[1] });
  }
  if (backend === 'rbd') {
    const pair = splitPair(location, 'pool/image', instance);
    return E.isLeft(pair) ? pair : E.right({ backend, pool: pair.right[0], image: pair.right[1] });
  }
  const dir = instanceDir(instancesPath, instance);
  if (location.startsWith('/')) {
    const abs = hostPath(location, 'location');
    if (E.isLeft(abs)) return abs;
    if (!abs.right.startsWith(`${dir}/`) || abs.right.slice(dir.length + 1).includes('/')) {
      return E.left(invalidName('location', location, `must be a file directly in ${dir}`, 'location'));
    }
    return E.right({ backend, path: abs.right });
  }
  const name = fileName(location, 'location');
  return E.isLeft(name) ? name : E.right({ backend, path: joinPath(dir, name.right) });
};
