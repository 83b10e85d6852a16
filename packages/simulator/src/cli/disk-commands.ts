import {
  BACKENDS,
  DEFAULT_HOST_OPTIONS,
  DISK_FORMATS,
  encodeDiskMetadata,
  imageId,
  instanceId,
  isDiskName,
  type Backend,
  type DiskFormat,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { cephClient, imageCacheSubdirectory, instancesDirectory, singleRealHost, withDatabase, type Io } from './db-commands.js';
import type { RbdClientInput } from './nova-conf.js';

/** Options of `disk supply-layout`. */
export interface SupplyLayoutOptions {
  readonly db: string;
  readonly host: string;
  readonly instancesPath: string;
  readonly instance: string;
  readonly disk: string;
  readonly backend: string;
  readonly format: string;
  readonly location?: string;
  /** A root overlay's image (default: the instance's `image_ref`). */
  readonly image?: string;
  /** The Ceph client an rbd disk is checked as (default: the tools'). */
  readonly rbd?: RbdClientInput;
  /** nova's `[image_cache] subdirectory_name` (default `_base`). */
  readonly imageCacheSubdirectory?: string;
}

const isBackend = (s: string): s is Backend => (BACKENDS as readonly string[]).includes(s);
const isFormat = (s: string): s is DiskFormat => (DISK_FORMATS as readonly string[]).includes(s);

/**
 * `disk supply-layout`: an operator states the layout of a legacy disk whose
 * facts could not be derived. The host must hold the disk when opened with
 * that format; the record is written with provenance `operator`, and only if
 * the disk has none yet.
 */
export const supplyLayout = async (o: SupplyLayoutOptions, io: Io): Promise<number> => {
  const fail = (m: string) => {
    io.err(`disk-ledger disk supply-layout: ${m}`);
    return 2;
  };
  const id = instanceId(o.instance, 'instance');
  if (E.isLeft(id)) return fail(id.left.message);
  if (!isDiskName(o.disk)) return fail(`--disk ${JSON.stringify(o.disk)} is not a disk role (root, ephemeralN, swap, config, kernel, ramdisk, rescue)`);
  if (!isBackend(o.backend)) return fail(`--backend ${JSON.stringify(o.backend)} is not a backend (${BACKENDS.join(', ')})`);
  const backend = o.backend;
  if (!isFormat(o.format)) return fail(`--format ${JSON.stringify(o.format)} is not a disk format (${DISK_FORMATS.join(', ')})`);
  // The host's options are not read here, so nothing names the volume group or pool a volume is in.
  if ((backend === 'lvm' || backend === 'rbd') && o.location === undefined) return fail(`--backend ${backend} needs --location ${backend === 'lvm' ? '<vg>/<lv>' : '<pool>/<image>'}`);
  const image = o.image === undefined ? E.right(null) : imageId(o.image, 'image');
  if (E.isLeft(image)) return fail(`--image: ${image.left.message}`);
  if (image.right !== null && o.disk !== 'root') return fail(`--image names a root overlay's image; --disk is ${o.disk}`);
  const ceph = cephClient(o.rbd ?? {});
  if (E.isLeft(ceph)) return fail(ceph.left);
  const sub = imageCacheSubdirectory(o.imageCacheSubdirectory);
  if (E.isLeft(sub)) return fail(sub.left);
  const path = await instancesDirectory(o.instancesPath);
  if (E.isLeft(path)) return fail(path.left);
  const disk = o.disk;
  const format = o.format;
  return withDatabase(o.db, io, async (db) => {
    const inst = await db.repository.getInstance(id.right)();
    if (E.isLeft(inst)) return fail(`${inst.left.code}: ${inst.left.message}`);
    if (inst.right.host !== o.host) return fail(inst.right.host === '' ? `the database places ${o.instance} on no host (its host is empty), not on --host ${o.host}` : `the database places ${o.instance} on ${inst.right.host}, not on --host ${o.host}`);
    const services = singleRealHost(db, { name: o.host, options: DEFAULT_HOST_OPTIONS, instancesPath: path.right, ...sub.right }, ceph.right).get(o.host);
    if (E.isLeft(services)) return fail(services.left.message);
    const r = await services.right.adoption.supply(id.right, disk, { backend, format, location: o.location ?? null, imageId: image.right })();
    if (E.isLeft(r)) return fail(`${r.left.code}: ${r.left.message}`);
    io.out(`${o.instance}/${o.disk}: ${encodeDiskMetadata(r.right)}`);
    return 0;
  }, 'disk supply-layout');
};
