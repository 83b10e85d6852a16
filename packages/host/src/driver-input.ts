/**
 * Input checks every driver method runs before it issues a command: sizes,
 * names, the backend/format pair, the location's backend and the formats of
 * base images and exports. Each returns a typed error, so a bad request
 * ends as a value with nothing run and nothing written.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  byteSize,
  hostPath,
  isAllowedPair,
  isDiskFormat,
  unsupported,
  type Backend,
  type BaseImage,
  type ByteSize,
  type DiskFormat,
  type DiskImage,
  type DiskLocation,
  type ExportFormat,
  type HostPath,
  type StorageError,
} from '@disk-ledger/domain';
import { checkLocation, checkLocationFor, DEFAULT_RBD_CLIENT, qemuPath, type LocationOf, type RbdClient } from './qemu-path.js';
import { qemuFormat, type QemuImage } from './qemu-img.js';

/** A disk whose location, names and format were checked for one backend. */
export interface CheckedDisk<B extends Backend> {
  readonly location: LocationOf<B>;
  readonly format: DiskFormat;
  /** How qemu-img opens it: address and format. */
  readonly image: QemuImage;
}

/** A size in bytes, checked (an integer from 1 to 2^53−1). */
export const checkSize = (size: unknown, path = 'size'): E.Either<StorageError, ByteSize> => byteSize(size, path);

/** A recorded format that `backend` may hold. */
export const checkFormat = (backend: Backend, format: unknown, role = 'disk'): E.Either<StorageError, DiskFormat> => {
  if (!isDiskFormat(format)) return E.left(unsupported(`${role}: unknown disk format ${String(format)}`));
  if (!isAllowedPair(backend, format)) return E.left(unsupported(`${role}: a ${backend} disk cannot have format ${format}`));
  return E.right(format);
};

/** A disk the driver of `backend` may open; an rbd disk is addressed as `client`. */
export const checkDisk = <B extends Backend>(backend: B, disk: DiskImage, role = 'disk', client: RbdClient = DEFAULT_RBD_CLIENT): E.Either<StorageError, CheckedDisk<B>> => {
  const location = checkLocationFor(backend, disk.location, `${role}.location`);
  if (E.isLeft(location)) return location;
  const format = checkFormat(backend, disk.format, role);
  if (E.isLeft(format)) return format;
  return E.right(checked(location.right, format.right, client));
};

/** A disk of any backend, as the source of a copy; an rbd source is addressed as `client`. */
export const checkSource = (disk: DiskImage, role = 'source', client: RbdClient = DEFAULT_RBD_CLIENT): E.Either<StorageError, CheckedDisk<Backend>> => {
  const location = checkLocation(disk.location, `${role}.location`);
  if (E.isLeft(location)) return location;
  const format = checkFormat(location.right.backend, disk.format, role);
  if (E.isLeft(format)) return format;
  return E.right(checked(location.right, format.right, client));
};

const checked = <L extends DiskLocation>(location: L, format: DiskFormat, client: RbdClient): { readonly location: L; readonly format: DiskFormat; readonly image: QemuImage } => ({
  location,
  format,
  image: { qpath: qemuPath(location, client), format: qemuFormat(format) },
});

/** A base image: a checked path, a base format (`raw` or `qcow2`), and its virtual size when the caller states it (`null` if not). */
export const checkBase = (base: BaseImage, role = 'base'): E.Either<StorageError, QemuImage & { readonly path: HostPath; readonly virtualSize: number | null }> => {
  const format: unknown = base.format;
  if (format !== 'raw' && format !== 'qcow2') return E.left(unsupported(`${role}: a base image is raw or qcow2, not ${String(format)}`));
  const size = base.virtualSize === undefined ? E.right(null) : checkSize(base.virtualSize, `${role}.virtualSize`);
  if (E.isLeft(size)) return size;
  const path = hostPath(String(base.path), `${role}.path`);
  return E.isLeft(path) ? path : E.right({ path: path.right, qpath: path.right, format, virtualSize: size.right });
};

/** An export destination and format. */
export const checkExport = (dest: HostPath, format: ExportFormat): E.Either<StorageError, QemuImage & { readonly path: HostPath }> => {
  const f: unknown = format;
  if (f !== 'raw' && f !== 'qcow2') return E.left(unsupported(`export: format is raw or qcow2, not ${String(f)}`));
  const path = hostPath(String(dest), 'export.dest');
  return E.isLeft(path) ? path : E.right({ path: path.right, qpath: path.right, format: f });
};
