/**
 * Instances as the classic driver left them, for first-touch tests: disks
 * made on the host by today's options, a `disk.info` in nova's format (or
 * none, or a corrupt one), and BDM rows whose `driver_info` is empty. The
 * commands that make them carry the seed step tag, so checks skip them.
 * Test-only.
 */
import {
  hostBackend,
  novaFileName,
  resolveLocation,
  type ByteSize,
  type DiskFormat,
  type DiskName,
  type HostPath,
  type InstanceId,
} from '@disk-ledger/domain';
import type { GuestContent } from '@disk-ledger/fake';
import { HostDiskDrivers } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';
import { imageCacheDir } from '../../host-context.js';
import { ALL_BACKENDS } from '../fake-host-module.js';
import type { FakeFleet } from './fake-fleet.js';
import { SEED_STEP } from './observe.js';

/** One disk of a legacy instance. */
export interface LegacyDisk {
  readonly disk: DiskName;
  readonly format: DiskFormat;
  readonly size: number;
  /** nova's file name when it differs from today's (`disk.local` for an old first ephemeral). */
  readonly file?: string;
  /** What the guest wrote into it. */
  readonly content?: GuestContent;
  /** The name of a base-image cache entry (made if missing) that a qcow2 disk is an overlay of. */
  readonly base?: string;
  /** The base's format, as the overlay names it (default raw). */
  readonly baseFormat?: 'raw' | 'qcow2';
}

/** What the classic driver left for one instance. */
export interface LegacySeed {
  readonly instance: InstanceId;
  readonly host: string;
  readonly disks: readonly LegacyDisk[];
  /** `written` (default): entries for every file disk; or none, or bytes that do not decode, or exactly these entries. */
  readonly diskInfo?: 'written' | 'absent' | 'corrupt' | Readonly<Record<string, string>>;
  /** The instance's `image_ref` (default: none). */
  readonly imageRef?: string | null;
  /** Whether the instance has no row at all (a shelve here dropped them, and a compute not yet upgraded unshelved it). */
  readonly rowless?: boolean;
}

const must = <A>(r: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

/** Make a legacy instance on its host and in the repository; returns the markers of the benign guest writes, by disk. */
export const seedLegacy = async (f: FakeFleet, seed: LegacySeed): Promise<ReadonlyMap<DiskName, string>> => {
  const markers = new Map<DiskName, string>();
  const ctx = f.contexts.get(seed.host);
  if (ctx === undefined) throw new Error(`unknown host ${seed.host}`);
  const drivers = new HostDiskDrivers(f.cluster.executor(seed.host), f.cluster.files(seed.host), ALL_BACKENDS);
  const files = f.cluster.files(seed.host);
  const dir = `${ctx.instancesPath}/${seed.instance}` as HostPath;
  const { imagesVolumeGroup: vg, imagesRbdPool: pool } = ctx.options;
  const entries: Record<string, string> = {};
  f.cluster.setStep(SEED_STEP);
  try {
    must(await files.mkdirp(dir)());
    for (const d of seed.disks) {
      const file = d.file ?? novaFileName(d.disk);
      const flatOnly = d.disk === 'kernel' || d.disk === 'ramdisk' || (d.disk === 'config' && hostBackend(ctx.options) !== 'rbd');
      const backend = flatOnly ? 'flat' : hostBackend(ctx.options);
      const at = backend === 'lvm' ? `${vg ?? ''}/${seed.instance}_${file}` : backend === 'rbd' ? `${pool ?? ''}/${seed.instance}_${file}` : file;
      const location = must(resolveLocation(backend, at, ctx.instancesPath, seed.instance));
      const driver = must(await drivers.forBackend(backend)());
      if (d.base === undefined) must(await driver.createBlank({ location, format: d.format }, d.size as ByteSize)());
      else {
        const path = `${imageCacheDir(ctx)}/${d.base}` as HostPath;
        const baseFormat = d.baseFormat ?? 'raw';
        if (!must(await files.exists(path)())) f.cluster.writeFixture(seed.host, path, { format: baseFormat, virtualSize: d.size });
        must(await driver.createFromBase({ location, format: d.format }, { path, format: baseFormat }, d.size as ByteSize)());
      }
      if (backend !== 'lvm' && backend !== 'rbd') entries[`${dir}/${file}`] = d.format;
      if (d.content !== undefined) {
        const w = f.cluster.guestWrite(seed.host, location, d.format, d.content);
        if (!w.ok) throw new Error(w.message);
        markers.set(d.disk, w.marker);
      }
    }
    const info = seed.diskInfo ?? 'written';
    if (info !== 'absent') {
      const text = info === 'written' ? JSON.stringify(entries) : info === 'corrupt' ? '{"/var/lib/nova/instances/x/disk": ' : JSON.stringify(info);
      must(await files.writeTextAtomic(`${dir}/disk.info` as HostPath, text)());
    }
  } finally {
    f.cluster.setStep(null);
  }
  f.store.seedLegacyInstance(seed.instance, seed.host, seed.rowless === true ? [] : seed.disks.map((d) => d.disk), seed.imageRef ?? null);
  f.legacy.add(seed.instance);
  return markers;
};
