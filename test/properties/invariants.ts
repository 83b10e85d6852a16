import { decodePending, destinationDisks, heldByShelve, sourceDisks, type HostContext } from '@disk-ledger/core';
import { decodeDiskMetadata } from '@disk-ledger/domain';
import type { DiskInfo } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { violations, type LiveRecord } from '../../packages/core/src/testing/invariants.js';
import { attribution } from '../../packages/simulator/src/replay/replay.js';
import type { PendingLeftBehind } from '../../packages/simulator/src/replay/step-driver.js';
import type { Step } from '../../packages/simulator/src/scenario/steps.js';
import type { World } from '../../packages/simulator/src/world/world.js';

/** A broken invariant: which, and the evidence. */
export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

// Files beside disks: the shared base cache, staging files (ours, and the classic driver's `.convert`), which a
// crashed step may leave for the instance's next operation.
const NOT_A_DISK = /\/_base\/|\.(migrate|build|part|conv|convert|pinned)$|\/snapshot\.(raw|qcow2)$/;

/** Where a disk is, across hosts: host-local disks by host and path, rbd images by pool alone (pools are shared). */
export const keyOf = (host: string | null, location: string): string => (host === null ? `rbd:${location}` : `${host}:${location}`);

/** The instance a disk belongs to, from where it is (instance directory, `<instance>_disk…` volume, classic snapshot staging). */
export const ownerOf = (location: string): string | null => {
  const staged = /^\/var\/lib\/nova\/instances\/snapshots\/([^/]+)\.snapshot$/.exec(location);
  if (staged !== null) return staged[1] ?? null;
  const file = /^\/var\/lib\/nova\/instances\/([^/]+)\//.exec(location);
  if (file !== null) return file[1] ?? null;
  const vol = /^[^/]+\/([^/]+?)_(disk|kernel|ramdisk)/.exec(location);
  return vol?.[1] ?? null;
};

/**
 * Every record of every live instance, with its instance's host; and the
 * records of the source's disks a resize waiting for confirm or revert keeps,
 * or a confirm cut short has not removed yet (its migration record describes
 * them), and those a shelve cut part-way had, which may be missing.
 */
const records = async (world: World): Promise<LiveRecord[]> => {
  const out: LiveRecord[] = [];
  for (const inst of world.instances.values()) {
    const row = await world.repository.getInstance(inst.id)();
    const rows = await world.repository.listDisks(inst.id)();
    if (E.isLeft(rows) || E.isLeft(row)) continue;
    const live = new Set<string>();
    for (const r of rows.right) {
      if (r.driverInfo === null) continue;
      const meta = decodeDiskMetadata(r.driverInfo);
      // The database's host, which the library acts on: a move that failed part-way may have set it back already.
      if (E.isRight(meta)) {
        out.push({ instance: inst.id, host: row.right.host, disk: r.disk, meta: meta.right, optional: inst.shelved });
        live.add(`${row.right.host}\0${r.disk}`);
      }
    }
    const op = row.right.migration === null ? null : decodePending(inst.id, row.right.migration);
    if (op === null || E.isLeft(op)) continue;
    // A shelve cut part-way still describes the disks it had not removed yet; the next operation settles it. One whose
    // record it has not dropped yet is that record's disk, not a second claim on it.
    if (op.right.kind === 'shelve') {
      for (const u of heldByShelve(op.right.shelve)) if (!live.has(`${u.host}\0${u.disk}`)) out.push({ instance: inst.id, ...u, optional: true });
      continue;
    }
    const m = op.right.move;
    // A confirm cut short (`confirming`) still describes the source disks it has not removed yet; the next operation finishes it.
    if (m.status === 'unconfirmed' || m.status === 'confirming') {
      for (const d of sourceDisks(m)) out.push({ instance: inst.id, host: m.source, disk: d.disk, meta: d.meta, optional: true });
    }
    // A revert that failed part-way (a command failing) has given the source its records back, and still describes the
    // destination's disks it has not removed yet; the next operation finishes it. One with a live record is that one.
    if (m.status === 'reverting') {
      for (const d of destinationDisks(m)) if (!live.has(`${m.destination}\0${d.disk}`)) out.push({ instance: inst.id, host: m.destination, disk: d.disk, meta: d.meta, optional: true });
    }
  }
  return out;
};

/**
 * Invariants 1–3 of the security suite on the world as it is now: no probe,
 * no leak, and core's check of records against the host (every disk on a
 * host matches a record in backend, format and size, every `ready` record
 * has its disk, no two records claim one disk). Disks of instances the
 * classic driver still owns (no record yet), of instances whose last step
 * crashed, and what the classic driver left of a step that failed part-way
 * need no record; those instances are checked again after the next
 * operation reaches them. Probes and leaks of steps the classic driver ran
 * (legacy boots, hosts not yet upgraded) are the reference model's, not ours.
 */
export const checkInvariants = async (
  world: World,
  exempt: ReadonlySet<string>,
  classicSteps: ReadonlySet<number> = new Set(),
  debris: ReadonlySet<string> = new Set(),
  leftBehind: readonly PendingLeftBehind[] = [],
): Promise<Violation[]> => {
  const out: Violation[] = [];
  const ours = attribution(classicSteps, world.cluster.leaks());
  const probes = world.cluster.probes().filter(ours.probe);
  if (probes.length > 0) out.push({ invariant: '1 zero probes', detail: `${probes.length} probe(s), first: ${probes[0]?.argv?.join(' ') ?? probes[0]?.image ?? ''} at step ${String(probes[0]?.step)}` });
  const leaks = world.cluster.leaks().filter(ours.leak);
  if (leaks.length > 0) out.push({ invariant: '2 zero leaks', detail: `${leaks.length} leak(s), first: ${leaks[0]?.secret ?? ''} into ${leaks[0]?.into ?? ''} at step ${String(leaks[0]?.step)}` });

  // The source host drops the instance's directory with what it left there when it is back, files no record names
  // included, and nova's names of the instance's volumes in the group and pool its options name.
  const leftDirs = new Set(leftBehind.map(({ instance, left }) => `${left.host}\0${instance}`));
  const leftVolumes = new Set(leftBehind.flatMap(({ instance, left }) => {
    const { imagesVolumeGroup: vg, imagesRbdPool: pool } = world.context(left.host).options;
    return [...(vg === null ? [] : [`lv:${left.host}:${vg}/${instance}_`]), ...(pool === null ? [] : [`rbd:${pool}/${instance}_`])];
  }));
  const leftVolume = (d: DiskInfo): boolean =>
    (d.address.kind === 'lv' && [...leftVolumes].some((p) => `lv:${d.host}:${d.location}`.startsWith(p))) ||
    (d.address.kind === 'rbd' && [...leftVolumes].some((p) => `rbd:${d.location}`.startsWith(p)));
  const unowned = (d: DiskInfo): boolean => {
    if (NOT_A_DISK.test(d.location) || debris.has(keyOf(d.host, d.location))) return true;
    const id = ownerOf(d.location);
    if (id !== null && d.address.kind === 'file' && leftDirs.has(`${d.host}\0${id}`)) return true;
    if (leftVolume(d)) return true;
    return id !== null && (exempt.has(id) || world.instance(id)?.legacy === true);
  };
  // What an evacuation left on its source is described by its records until that host removes it (it tries before every step).
  // A classic driver's volume the evacuation made anew is described where the dead source's options put it, with no
  // size a dead host could tell (1): it is not a record to hold the host to, and the source's volumes by nova's names
  // are allowed above.
  const sizeUnknown = (meta: LiveRecord['meta']): boolean => meta.provenance === 'derived' && meta.size === 1;
  const waiting = leftBehind.flatMap(({ instance, left }) =>
    left.disks.filter((d) => !sizeUnknown(d.meta)).map((d): LiveRecord => ({ instance, host: left.host, disk: d.disk, meta: d.meta, optional: true })));
  const recs = [...(await records(world)), ...waiting].filter((r) => !exempt.has(r.instance));
  const hosts = new Map<string, HostContext>(world.scenario.hosts.map((h) => [h.name, world.context(h.name)]));
  // Probes and leaks are counted above, with the classic driver's set apart.
  const found = violations({ probes: [], leaks: [], disks: world.cluster.disks(), records: recs, hosts }, { allowCreating: true, unowned });
  for (const detail of found) out.push({ invariant: '3 records match the host', detail });
  return out;
};

/**
 * Disks of `instance` still on the cluster after a delete (or an evacuation,
 * on its source) that no fact of `host` leads to: volumes in a pool or
 * volume group its options no longer name. The classic driver wrote no
 * `disk.info` entry for them, so once the options change nothing says where
 * they are (nova's delete leaves them too). Known and documented; anything
 * else a delete leaves is a violation.
 */
export const unreachable = (world: World, instance: string, host: string): string[] => {
  const { imagesRbdPool: pool, imagesVolumeGroup: vg } = world.context(host).options;
  return world.cluster
    .disks()
    .filter((d) => ownerOf(d.location) === instance && d.address.kind !== 'file')
    .filter((d) => (d.address.kind === 'rbd' ? d.address.pool !== pool : d.address.kind === 'lv' && d.address.vg !== vg))
    .map((d) => keyOf(d.host, d.location));
};

/** Where every disk on the cluster is, as the checks key it. */
export const diskKeys = (world: World): Set<string> => new Set(world.cluster.disks().map((d) => keyOf(d.host, d.location)));

/** Each record's layout by `instance/disk`, and the instances a move or conversion record says are mid-change. */
export interface Layouts {
  readonly byDisk: ReadonlyMap<string, string>;
  readonly moving: ReadonlySet<string>;
}

/** The layout of every record of every instance now: backend, format, location and size. */
export const layouts = async (world: World): Promise<Layouts> => {
  const byDisk = new Map<string, string>();
  const moving = new Set<string>();
  for (const inst of world.instances.values()) {
    const row = await world.repository.getInstance(inst.id)();
    const rows = await world.repository.listDisks(inst.id)();
    if (E.isRight(row) && row.right.migration !== null) moving.add(inst.id);
    if (E.isLeft(rows)) continue;
    for (const r of rows.right) {
      const meta = r.driverInfo === null ? null : decodeDiskMetadata(r.driverInfo);
      if (meta === null || E.isLeft(meta)) continue;
      const { backend, format, location, size } = meta.right;
      byDisk.set(`${inst.id}/${r.disk}`, JSON.stringify([backend, format, location, size]));
    }
  }
  return { byDisk, moving };
};

/** Steps that may change their instance's layouts: they move, convert, shelve or (re)make the instance. */
const CHANGES_LAYOUT: ReadonlySet<string> = new Set(['boot', 'resize', 'confirm_resize', 'revert_resize', 'live_migrate', 'evacuate', 'convert', 'shelve', 'unshelve', 'delete']);

/**
 * Invariant 4, records survive option changes: no step rewrites a record's
 * layout except one that moves or converts that instance (or finishes such a
 * change a crash cut short). A change of host options, an upgrade, an online
 * migration, a reboot, a rebuild, a snapshot or a rescue keeps every existing
 * record's backend, format, location and size, whatever today's options
 * would choose; so does any step for the instances it does not name.
 */
export const layoutChanges = (before: Layouts, after: Layouts, step: Step, classic: boolean): Violation[] => {
  const subject = 'instance' in step ? step.instance : null;
  const out: Violation[] = [];
  for (const [key, was] of before.byDisk) {
    const now = after.byDisk.get(key);
    if (now === undefined || now === was) continue;
    const id = key.slice(0, key.indexOf('/'));
    if (id === subject && (CHANGES_LAYOUT.has(step.op) || classic || before.moving.has(id))) continue;
    out.push({ invariant: '4 records survive option changes', detail: `${step.op} rewrote ${key} from ${was} to ${now}` });
  }
  return out;
};
