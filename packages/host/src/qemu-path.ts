/**
 * How qemu-img addresses a disk (docs/commands.md): a file path for flat and
 * qcow2, `<dir>/root.hds` for ploop, `/dev/<vg>/<lv>` for lvm and
 * `rbd:<pool>/<image>` for rbd. Names are validated again here although
 * their types are branded: a location may come from a decoded record, a
 * cast in a test or a caller in plain JavaScript, and it ends up in an argv.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  hostPath,
  isBackend,
  unsupported,
  volumeName,
  type Backend,
  type DiskLocation,
  type HostPath,
  type InvalidName,
  type UnsupportedOperation,
} from '@disk-ledger/domain';

/** A location whose backend is `B`. */
export type LocationOf<B extends Backend> = DiskLocation & { readonly backend: B };

/** The ploop image inside a ploop disk's directory. */
export const PLOOP_IMAGE = 'root.hds';
/** The ploop descriptor inside a ploop disk's directory. */
export const PLOOP_DESCRIPTOR = 'DiskDescriptor.xml';

/** Re-validate every name of a location; the backend tag decides which names it has. */
export const checkLocation = (loc: DiskLocation, role = 'location'): E.Either<InvalidName | UnsupportedOperation, DiskLocation> => {
  const backend: unknown = loc.backend;
  if (!isBackend(backend)) return E.left(unsupported(`${role}: unknown backend ${String(backend)}`));
  switch (loc.backend) {
    case 'lvm': {
      const vg = volumeName(String(loc.vg), `${role}.vg`);
      if (E.isLeft(vg)) return vg;
      const lv = volumeName(String(loc.lv), `${role}.lv`);
      return E.isLeft(lv) ? lv : E.right({ backend: 'lvm', vg: vg.right, lv: lv.right });
    }
    case 'rbd': {
      const pool = volumeName(String(loc.pool), `${role}.pool`);
      if (E.isLeft(pool)) return pool;
      const image = volumeName(String(loc.image), `${role}.image`);
      return E.isLeft(image) ? image : E.right({ backend: 'rbd', pool: pool.right, image: image.right });
    }
    default: {
      const fileBackend = loc.backend;
      const path = hostPath(String(loc.path), `${role}.path`);
      return E.isLeft(path) ? path : E.right({ backend: fileBackend, path: path.right });
    }
  }
};

const isFor = <B extends Backend>(backend: B, loc: DiskLocation): loc is LocationOf<B> => loc.backend === backend;

/** Re-validate a location and require the backend a driver serves. */
export const checkLocationFor = <B extends Backend>(
  backend: B,
  loc: DiskLocation,
  role = 'location',
): E.Either<InvalidName | UnsupportedOperation, LocationOf<B>> => {
  const checked = checkLocation(loc, role);
  if (E.isLeft(checked)) return checked;
  return isFor(backend, checked.right)
    ? E.right(checked.right)
    : E.left(unsupported(`${role}: the ${backend} driver cannot open a ${checked.right.backend} location`));
};

/** The ploop image path of a ploop disk directory. */
export const ploopImagePath = (dir: HostPath): HostPath => `${dir}/${PLOOP_IMAGE}` as HostPath;
/** The ploop descriptor path of a ploop disk directory. */
export const ploopDescriptorPath = (dir: HostPath): HostPath => `${dir}/${PLOOP_DESCRIPTOR}` as HostPath;

/** qemu-img's address of a location whose names were checked by `checkLocation`. */
export const qemuPath = (loc: DiskLocation): string => {
  switch (loc.backend) {
    case 'lvm':
      return `/dev/${loc.vg}/${loc.lv}`;
    case 'rbd':
      return `rbd:${loc.pool}/${loc.image}`;
    case 'ploop':
      return ploopImagePath(loc.path);
    default:
      return loc.path;
  }
};

/** The parent directory of a checked path; the root's parent is the root. */
export const parentDir = (path: HostPath): HostPath => {
  const cut = path.lastIndexOf('/');
  return (cut <= 0 ? '/' : path.slice(0, cut)) as HostPath;
};

/** A sibling path `<path><suffix>`; the suffix is a fixed safe string chosen by this package. */
export const withSuffix = (path: HostPath, suffix: `.${string}`): HostPath => `${path}${suffix}` as HostPath;
