/**
 * How qemu-img addresses a disk (docs/commands.md): a file path for flat and
 * qcow2, `<dir>/root.hds` for ploop, `/dev/<vg>/<lv>` for lvm and
 * `rbd:<pool>/<image>[:id=<user>][:conf=<ceph.conf>]` for rbd, as nova
 * addresses an image with its client (`rbd_user`, `images_rbd_ceph_conf`).
 * Names are validated again here although
 * their types are branded: a location may come from a decoded record, a
 * cast in a test or a caller in plain JavaScript, and it ends up in an argv.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  hostPath,
  invalidName,
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

/** A Ceph client id checked by {@link rbdClient}: plain enough for an argv and a qemu `rbd:` address. */
export type CephClientId = string & { readonly __brand: 'CephClientId' };
/** A ceph.conf path checked by {@link rbdClient}: a host path qemu's `rbd:` address cannot misread. */
export type CephConfPath = HostPath & { readonly __cephConf: true };

/**
 * Who the host is to its Ceph cluster, as nova's options say: the client id
 * (`[libvirt] rbd_user`; `null`: the tools' default, `admin`) and the
 * configuration file (`[libvirt] images_rbd_ceph_conf`; `null`: the tools'
 * default, `$CEPH_CONF` or `/etc/ceph/ceph.conf`). Made by {@link rbdClient}
 * only: both end up in every rbd argv and qemu address, where qemu reads
 * `:key=value` as a Ceph option and `@` as a snapshot.
 */
export interface RbdClient {
  readonly user: CephClientId | null;
  readonly cephConf: CephConfPath | null;
}

/** The tools' defaults. */
export const DEFAULT_RBD_CLIENT: RbdClient = { user: null, cephConf: null };

// A Ceph client id as it may appear in an argv and in a qemu rbd: address (no ':', '=', '@' or '\\').
const CLIENT_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** Check nova's `rbd_user` and `images_rbd_ceph_conf` (empty or absent: the default). */
export const rbdClient = (input: { readonly user?: string | null; readonly cephConf?: string | null }): E.Either<InvalidName, RbdClient> => {
  const user: unknown = input.user === undefined || input.user === null || input.user === '' ? null : input.user;
  if (user !== null && (typeof user !== 'string' || !CLIENT_ID.test(user))) {
    return E.left(invalidName('rbd_user', String(user), 'a Ceph client id is letters, digits, "_", "." and "-", at most 64'));
  }
  const conf: unknown = input.cephConf === undefined || input.cephConf === null || input.cephConf === '' ? null : input.cephConf;
  if (conf === null) return E.right({ user: user as CephClientId | null, cephConf: null });
  const path = hostPath(String(conf), 'images_rbd_ceph_conf');
  if (E.isLeft(path)) return path;
  // qemu's rbd: address reads '@' as the start of a snapshot name, wherever it is.
  if (path.right.includes('@')) return E.left(invalidName('images_rbd_ceph_conf', path.right, 'qemu cannot name a path with "@" in an rbd: address'));
  return E.right({ user: user as CephClientId | null, cephConf: path.right as CephConfPath });
};

/**
 * A client given to a driver, checked again (a caller in plain JavaScript,
 * or a cast, can hand anything over). Not one is a bug of the caller's, so
 * it throws, as a driver may not run an argv it would inject options into.
 */
export const recheckedClient = (client: RbdClient): RbdClient => {
  const checked = rbdClient(client);
  if (E.isLeft(checked)) throw new TypeError(`rbd client: ${checked.left.message}`);
  return checked.right;
};

/** The `rbd` tool's options naming the client: `--id <user>`, `--conf <path>`, as nova passes them. */
export const rbdClientArgs = (client: RbdClient): string[] => [
  ...(client.user === null ? [] : ['--id', client.user]),
  ...(client.cephConf === null ? [] : ['--conf', client.cephConf]),
];

/** qemu-img's address of a location whose names were checked by `checkLocation`. */
export const qemuPath = (loc: DiskLocation, client: RbdClient = DEFAULT_RBD_CLIENT): string => {
  switch (loc.backend) {
    case 'lvm':
      return `/dev/${loc.vg}/${loc.lv}`;
    case 'rbd':
      return `rbd:${loc.pool}/${loc.image}${client.user === null ? '' : `:id=${client.user}`}${client.cephConf === null ? '' : `:conf=${client.cephConf}`}`;
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
