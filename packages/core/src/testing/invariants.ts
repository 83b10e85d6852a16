/**
 * The end-of-operation invariants of a fleet, over plain data so that any
 * host can supply it: no probe, no leak, every disk on every host has a
 * record whose backend, format and size match what the host holds, every
 * `ready` record has its disk, and nothing is there without a record.
 * Test-only: core's lifecycle tests and the security property suite
 * (test/properties) both check with it; the suite says which disks need
 * no record yet and which records may have lost their disk.
 */
import type { DiskMetadata, DiskName, InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { imageCacheDir, type HostContext } from '../host-context.js';
import { locate } from '../services/disk-locator.js';
import { roundUp } from '../services/placement.js';

// ---- types

/** Where a disk is, as the host's inspection names it. */
export type DiskAddress =
  | { readonly kind: 'file'; readonly host: string; readonly path: string }
  | { readonly kind: 'lv'; readonly host: string; readonly vg: string; readonly lv: string }
  | { readonly kind: 'rbd'; readonly pool: string; readonly image: string };

/** One disk as the host holds it: the subset of the fake's inspection the check needs. */
export interface HeldDisk {
  readonly address: DiskAddress;
  /** What the bytes really are (a planted header does not change it). */
  readonly containerFormat: string;
  readonly virtualSize: number;
  /** The unit its storage allocates in, when it has one of its own (an LV: its group's extent). */
  readonly allocationUnit?: number;
}

/** One live record, with the host its instance is on. */
export interface LiveRecord {
  readonly instance: InstanceId;
  readonly host: string;
  readonly disk: DiskName;
  readonly meta: DiskMetadata;
  /** Its disk may be gone without that being a violation (a source disk a waiting resize keeps as the resize found it). */
  readonly optional?: boolean;
}

/** What the check reads. */
export interface FleetSnapshot<D extends HeldDisk = HeldDisk> {
  readonly probes: readonly unknown[];
  readonly leaks: readonly unknown[];
  readonly disks: readonly D[];
  readonly records: readonly LiveRecord[];
  /** Each host's context, for resolving record locations. */
  readonly hosts: ReadonlyMap<string, HostContext>;
}

/** Options of the check. */
export interface InvariantOptions<D extends HeldDisk = HeldDisk> {
  /** Accept `creating` records (a crash was injected); default false. */
  readonly allowCreating?: boolean;
  /** Accept these many probes / leaks (a legacy-mode comparison); default 0. */
  readonly probes?: number;
  readonly leaks?: number;
  /**
   * Disks that need no record: the classic driver's, or what a step cut
   * short left for the instance's next operation. They are not reported
   * when no record claims them (nor as stray staging files); a record that
   * does claim one is still checked against it.
   */
  readonly unowned?: (disk: D) => boolean;
}

// ---- operations

const keyOf = (a: DiskAddress): string =>
  a.kind === 'file' ? `${a.host}:${a.path}` : a.kind === 'lv' ? `${a.host}:lv:${a.vg}/${a.lv}` : `rbd:${a.pool}/${a.image}`;

/** The address of a recorded disk on its instance's host, or why it has none. */
export const addressOfRecord = (ctx: HostContext, r: LiveRecord): E.Either<string, DiskAddress> => {
  const located = locate(ctx, r.instance, r.disk, r.meta);
  if (E.isLeft(located)) return E.left(located.left.message);
  const loc = located.right.location;
  switch (loc.backend) {
    case 'lvm':
      return E.right({ kind: 'lv', host: r.host, vg: loc.vg, lv: loc.lv });
    case 'rbd':
      return E.right({ kind: 'rbd', pool: loc.pool, image: loc.image });
    case 'ploop':
      return E.right({ kind: 'file', host: r.host, path: `${loc.path}/root.hds` });
    default:
      return E.right({ kind: 'file', host: r.host, path: loc.path });
  }
};

/** qemu's name for what a disk of this record holds. */
const containerOf = (meta: DiskMetadata): string => (meta.format === 'ploop' ? 'parallels' : meta.format);

/** The size the record states, or (LVM) that size in whole extents: the realizer's rule for a record that predates rounded planning. */
const holdsRecordedSize = (disk: HeldDisk, meta: DiskMetadata): boolean =>
  disk.virtualSize === meta.size || (meta.backend === 'lvm' && disk.allocationUnit !== undefined && disk.virtualSize === roundUp(meta.size, disk.allocationUnit));

/** The containers this library writes: a disk holds one of them only where a record says so. */
const WRITTEN = new Set(['raw', 'qcow2', 'parallels']);

/**
 * A raw disk whose bytes are another image format's container, one this
 * library never writes: the classic driver imported an image as it was (a
 * vmdk into an rbd volume, with `force_raw_images` off), and the guest's
 * disk holds that container as its data, raw, ever after (snapshots,
 * shelves and copies keep it so).
 */
const importedAsData = (disk: HeldDisk, meta: DiskMetadata): boolean => containerOf(meta) === 'raw' && !WRITTEN.has(disk.containerFormat);

const STAGING = /(\.part|\.conv|\.migrate|\.build|\.pinned)$|\/snapshot\.(raw|qcow2)$|\.d\//;

/** Whether a held disk is the host's business, not an instance's: a verified base or a template. */
const isCache = (a: DiskAddress, hosts: ReadonlyMap<string, HostContext>): boolean => {
  if (a.kind !== 'file') return false;
  const ctx = hosts.get(a.host);
  return ctx !== undefined && a.path.startsWith(`${imageCacheDir(ctx)}/`) && !STAGING.test(a.path);
};

const isStaging = (a: DiskAddress): boolean => a.kind === 'file' && STAGING.test(a.path);

const show = (r: LiveRecord): string => `${r.instance}/${r.disk} (${r.meta.backend}/${r.meta.format} ${r.meta.size} @${r.meta.location ?? '-'} ${r.meta.state ?? 'ready'})`;

/** Every violated invariant, one line each; empty when all hold. */
export const violations = <D extends HeldDisk>(s: FleetSnapshot<D>, options: InvariantOptions<D> = {}): readonly string[] => {
  const out: string[] = [];
  if (s.probes.length > (options.probes ?? 0)) out.push(`${s.probes.length} format probe(s): ${JSON.stringify(s.probes.slice(0, 3))}`);
  if (s.leaks.length > (options.leaks ?? 0)) out.push(`${s.leaks.length} leak(s): ${JSON.stringify(s.leaks.slice(0, 3))}`);
  const held = new Map<string, HeldDisk>();
  const unowned = new Set<string>();
  for (const d of s.disks) {
    if (isCache(d.address, s.hosts)) continue;
    if (options.unowned?.(d) === true) unowned.add(keyOf(d.address));
    else if (isStaging(d.address)) {
      out.push(`stray staging file ${keyOf(d.address)}`);
      continue;
    }
    held.set(keyOf(d.address), d);
  }
  const claimed = new Map<string, LiveRecord>();
  for (const r of s.records) {
    const ctx = s.hosts.get(r.host);
    if (ctx === undefined) {
      out.push(`${show(r)}: its instance is on unknown host ${r.host}`);
      continue;
    }
    if (r.meta.state === 'creating' && options.allowCreating !== true) out.push(`${show(r)}: still creating`);
    const address = addressOfRecord(ctx, r);
    if (E.isLeft(address)) {
      out.push(`${show(r)}: location does not resolve: ${address.left}`);
      continue;
    }
    const key = keyOf(address.right);
    const twin = claimed.get(key);
    if (twin !== undefined) out.push(`${show(r)} and ${show(twin)} claim the same disk ${key}`);
    claimed.set(key, r);
    const disk = held.get(key);
    if (disk === undefined) {
      if (r.meta.state !== 'creating' && r.optional !== true) out.push(`${show(r)}: no disk at ${key}`);
      continue;
    }
    if (disk.containerFormat !== containerOf(r.meta) && !importedAsData(disk, r.meta)) out.push(`${show(r)}: the host holds ${disk.containerFormat} at ${key}`);
    if (r.meta.state !== 'creating' && !holdsRecordedSize(disk, r.meta)) out.push(`${show(r)}: the host holds ${disk.virtualSize} bytes at ${key}`);
  }
  for (const key of held.keys()) if (!claimed.has(key) && !unowned.has(key)) out.push(`disk without a record: ${key}`);
  return out;
};
