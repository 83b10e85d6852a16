/**
 * How the classic driver decided the format of a disk that already exists
 * (nova's `Image.resolve_driver_format`, the CVE-2014-0134 patch): the
 * `disk.info` entry when there is one; otherwise the image backend's own
 * format — and for the flat backend, which has none, a `qemu-img info`
 * without `-f`, whose answer (the guest's bytes decide it) is written back
 * into `disk.info` and trusted from then on. LVM and RBD disks never had
 * entries: those backends hold raw disks only. The config drive, kernel and
 * ramdisk are files the driver wrote itself and always named raw.
 */
import type { Backend, DiskLocation, DiskName } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { detectInfo } from './detected-info.js';
import { infoKeyOf, qpathOf } from './disk-address.js';
import type { ClassicFormat, LegacyDiskInfo } from './disk-info-file.js';
import type { LegacyHost, Result } from './legacy-host.js';

/** The format an image backend class always used; `null` for the flat backend, which asked qemu-img. */
export const backendFormat = (backend: Backend): ClassicFormat | null => {
  switch (backend) {
    case 'flat':
      return null;
    case 'qcow2':
      return 'qcow2';
    case 'ploop':
      return 'parallels';
    case 'lvm':
    case 'rbd':
      return 'raw';
  }
};

const ALWAYS_RAW: readonly DiskName[] = ['config', 'kernel', 'ramdisk'];

/** The format qemu-img detects from the disk's bytes: a probe. */
export const detectFormat = async (host: LegacyHost, loc: DiskLocation): Result<ClassicFormat> =>
  E.map((i: { readonly format: ClassicFormat }) => i.format)(await detectInfo(host, qpathOf(loc)));

/**
 * Resolve the format of an existing disk of role `role` on `host`, filling
 * `info` when the entry was missing (the caller writes the file once).
 */
export const resolveFormat = async (host: LegacyHost, info: LegacyDiskInfo, loc: DiskLocation, role: DiskName): Result<ClassicFormat> => {
  const key = infoKeyOf(loc);
  if (key === null) return E.right('raw');
  const entry = info.get(key);
  if (entry !== undefined) return E.right(entry);
  const fixed = ALWAYS_RAW.includes(role) ? 'raw' : backendFormat(loc.backend);
  const format = fixed === null ? await detectFormat(host, loc) : E.right(fixed);
  if (E.isRight(format)) info.set(key, format.right);
  return format;
};
