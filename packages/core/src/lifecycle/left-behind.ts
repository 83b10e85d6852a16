/**
 * Removing what an evacuation left on its source host once that host is
 * back. By then the instance may have come back to that host, or a resize
 * may keep disks there for a revert, and an rbd image it left may be the
 * live disk of the instance on another host sharing the pool: a disk is
 * removed only where nothing of the instance now is, and the instance
 * directory only when the instance has nothing on that host.
 */
import { type DiskMetadata, type DiskName, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { locate, placeKey } from '../services/disk-locator.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { removeInstanceDir } from './instance-dir.js';
import { decodePending, heldByShelve } from './shelve-intent.js';
import { onSource } from './move-plan.js';
import type { LeftBehind } from './move-settle.js';

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

/** What of the instance is on host `left` now: its records there, both ends of a move not finished, and what a shelve cut part-way had. */
const inUseOn = async (deps: LifecycleDeps, instance: InstanceId, left: string): Step<InUse> => {
  const row = await run(deps.repository.getInstance(instance));
  if (E.isLeft(row)) return row.left.code === 'INSTANCE_NOT_FOUND' ? E.right({ hostInUse: false, places: new Set() }) : row;
  const uses: Use[] = [];
  const stored = await run(deps.metadata.records(instance));
  if (E.isLeft(stored)) return stored;
  for (const [disk, s] of stored.right) if (s.meta !== null) uses.push({ host: row.right.host, disk, meta: s.meta });
  let hostInUse = row.right.host === left;
  const pending = row.right.migration === null ? E.right(null) : decodePending(instance, row.right.migration);
  if (E.isLeft(pending)) return pending;
  if (pending.right?.kind === 'shelve') {
    // A shelve cut part-way: what it had not removed yet is still the instance's on the host it left.
    const held = heldByShelve(pending.right.shelve);
    hostInUse ||= held.some((u) => u.host === left);
    uses.push(...held);
  }
  if (pending.right?.kind === 'move') {
    const m = pending.right.move;
    // An evacuation whose instance is on its destination only goes forward: nothing brings it back to its source.
    const sourceLive = !(m.kind === 'evacuate' && row.right.host === m.destination);
    hostInUse ||= (sourceLive && m.source === left) || m.destination === left;
    for (const p of m.disks) {
      if (sourceLive && onSource(p)) uses.push({ host: m.source, disk: p.disk, meta: p.from });
      uses.push({ host: m.destination, disk: p.disk, meta: p.to });
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
 * The disks of an instance some of whose disks the classic driver made (a
 * left disk has a derived record) whose volumes a returning source removes
 * by nova's names, in the volume group and in the pool its options name:
 * the dead host could not be asked where they are (its options may have
 * moved from one to the other, and a config drive has no row to say it
 * exists), and nova's returning compute clears the instance's volumes of
 * both.
 */
const classicNamed = (left: LeftBehind): DiskName[] =>
  left.disks.some((d) => d.meta.provenance === 'derived') ? [...new Set<DiskName>(['root', 'ephemeral0', 'swap', 'config', ...left.disks.map((d) => d.disk)])] : [];

/**
 * Remove the disks an evacuation left on `left.host` (for an instance the
 * classic driver made disks of, nova's names of its volumes in the group
 * and the pool the source's options name too), except any at a place the
 * instance uses now,
 * then the instance directory there, unless the instance (or a move of it)
 * is on that host again.
 */
export const removeLeftBehind = async (deps: LifecycleDeps, instance: InstanceId, left: LeftBehind): Step<void> => {
  const host = deps.hosts.get(left.host);
  if (E.isLeft(host)) return host;
  const inUse = await inUseOn(deps, instance, left.host);
  if (E.isLeft(inUse)) return inUse;
  const ctx = host.right.ctx;
  const stale = left.disks.filter((d) => {
    const at = locate(ctx, instance, d.disk, d.meta);
    // A record that cannot be located is left to the removal, which answers why.
    return E.isLeft(at) || !inUse.right.places.has(placeKey(at.right.location));
  });
  const removed = await sequence(stale, (d) => run(host.right.realizer.remove(instance, d.disk, d.meta)));
  if (E.isLeft(removed)) return removed;
  const named = await sequence(classicNamed(left), (disk) =>
    sequence(['lvm', 'rbd'] as const, (backend) => run(host.right.realizer.removeNamed(instance, disk, backend, (at) => inUse.right.places.has(placeKey(at))))));
  if (E.isLeft(named) || inUse.right.hostInUse) return named;
  return removeInstanceDir(host.right, instance);
};
