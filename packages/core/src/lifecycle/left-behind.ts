/**
 * Removing what an evacuation left on its source host once that host is
 * back. By then the instance may have come back to that host, or a resize
 * may keep disks there for a revert, and an rbd image it left may be the
 * live disk of the instance on another host sharing the pool: a disk is
 * removed only where nothing of the instance now is, and the instance
 * directory only when the instance has nothing on that host.
 */
import { instanceDir, recordLocation, type DiskLocation, type DiskMetadata, type DiskName, type InstanceId } from '@disk-ledger/domain';
import type { HostContext } from '../host-context.js';
import * as E from 'fp-ts/lib/Either.js';
import { locate } from '../services/disk-locator.js';
import { cannotHold } from '../services/legacy-places.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { decodeMigration } from './migration-record.js';
import { onSource } from './move-plan.js';
import type { LeftBehind, RecordedDisk } from './move-settle.js';

/** A place disks can collide at: a file, a logical volume, an rbd image. */
const placeKey = (l: DiskLocation): string => (l.backend === 'lvm' ? `lvm:${l.vg}/${l.lv}` : l.backend === 'rbd' ? `rbd:${l.pool}/${l.image}` : `file:${l.path}`);

interface Use {
  readonly host: string;
  readonly disk: DiskName;
  readonly meta: DiskMetadata;
}

interface InUse {
  /** The instance, or a move of it not finished, is on the host: its directory there is its own. */
  readonly hostInUse: boolean;
  /** The places the instance's disks occupy on the host (rbd images: on any host, pools being shared by name). */
  readonly places: ReadonlySet<string>;
}

/** What of the instance is on host `left` now: its records there, and both ends of a move not finished. */
const inUseOn = async (deps: LifecycleDeps, instance: InstanceId, left: string): Step<InUse> => {
  const row = await run(deps.repository.getInstance(instance));
  if (E.isLeft(row)) return row.left.code === 'INSTANCE_NOT_FOUND' ? E.right({ hostInUse: false, places: new Set() }) : row;
  const uses: Use[] = [];
  const stored = await run(deps.metadata.records(instance));
  if (E.isLeft(stored)) return stored;
  for (const [disk, s] of stored.right) if (s.meta !== null) uses.push({ host: row.right.host, disk, meta: s.meta });
  let hostInUse = row.right.host === left;
  if (row.right.migration !== null) {
    const m = decodeMigration(instance, row.right.migration);
    if (E.isLeft(m)) return m;
    // An evacuation whose instance is on its destination only goes forward: nothing brings it back to its source.
    const sourceLive = !(m.right.kind === 'evacuate' && row.right.host === m.right.destination);
    hostInUse ||= (sourceLive && m.right.source === left) || m.right.destination === left;
    for (const p of m.right.disks) {
      if (sourceLive && onSource(p)) uses.push({ host: m.right.source, disk: p.disk, meta: p.from });
      uses.push({ host: m.right.destination, disk: p.disk, meta: p.to });
    }
  }
  const places = new Set<string>();
  for (const u of uses) {
    const host = deps.hosts.get(u.host);
    if (E.isLeft(host)) continue;
    const at = locate(host.right.ctx, instance, u.disk, u.meta);
    if (E.isRight(at) && (u.host === left || at.right.location.backend === 'rbd')) places.add(placeKey(at.right.location));
  }
  return E.right({ hostInUse, places });
};

/**
 * The places other than `d`'s own where the classic driver may have left a
 * volume of a disk whose record was derived: nova's name for it in the
 * volume group and in the pool the source's options name. The dead host
 * could not be asked which holds it (its options may have moved from one to
 * the other), and nova's returning compute clears both of the instance's.
 */
const otherNamedVolumes = (ctx: HostContext, instance: InstanceId, d: RecordedDisk): RecordedDisk[] => {
  if (d.meta.provenance !== 'derived' || (d.meta.backend !== 'lvm' && d.meta.backend !== 'rbd')) return [];
  const { imagesVolumeGroup: vg, imagesRbdPool: pool } = ctx.options;
  const out: RecordedDisk[] = [];
  for (const backend of ['lvm', 'rbd'] as const) {
    if ((backend === 'lvm' ? vg : pool) === null) continue;
    const location = recordLocation(backend, instance, d.disk, vg, pool);
    if (backend !== d.meta.backend || location !== d.meta.location) out.push({ disk: d.disk, meta: { ...d.meta, backend, format: 'raw', location } });
  }
  return out;
};

/**
 * Remove the disks an evacuation left on `left.host` (for a volume the
 * classic driver made, nova's name for it in the other group or pool the
 * source's options name too), except any at a place the instance uses now,
 * then the instance directory there, unless the instance (or a move of it)
 * is on that host again.
 */
export const removeLeftBehind = async (deps: LifecycleDeps, instance: InstanceId, left: LeftBehind): Step<void> => {
  const host = deps.hosts.get(left.host);
  if (E.isLeft(host)) return host;
  const inUse = await inUseOn(deps, instance, left.host);
  if (E.isLeft(inUse)) return inUse;
  const others = new Set(left.disks.flatMap((d) => otherNamedVolumes(host.right.ctx, instance, d)));
  const stale = [...left.disks, ...others].filter((d) => {
    const at = locate(host.right.ctx, instance, d.disk, d.meta);
    // A record that cannot be located is left to the removal, which answers why.
    return E.isLeft(at) || !inUse.right.places.has(placeKey(at.right.location));
  });
  const removed = await sequence(stale, async (d) => {
    const r = await run(host.right.realizer.remove(instance, d.disk, d.meta));
    // A group or pool the host has no driver or tool for holds nothing of it.
    return E.isLeft(r) && others.has(d) && cannotHold(r.left.code) ? E.right(undefined) : r;
  });
  if (E.isLeft(removed) || inUse.right.hostInUse) return removed;
  return run(host.right.files.remove(instanceDir(host.right.ctx.instancesPath, instance)));
};
