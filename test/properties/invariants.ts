import { decodeMigration, sourceDisks } from '@disk-ledger/core';
import { decodeDiskMetadata, resolveLocation, showLocation, type DiskMetadata, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { attribution } from '../../packages/simulator/src/replay/replay.js';
import { INSTANCES_PATH, type World } from '../../packages/simulator/src/world/world.js';

/** A broken invariant: which, and the evidence. */
export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

const QEMU_NAME: Readonly<Record<string, string>> = { raw: 'raw', qcow2: 'qcow2', ploop: 'parallels' };
// Files the drivers keep beside disks: the shared base cache and transient staging files.
const NOT_A_DISK = /\/_base\/|\.(migrate|build|part|conv|convert)$|\/snapshot\.(raw|qcow2)$/;
// LVM rounds volume sizes up to whole extents.
const EXTENT = 4 * 1024 * 1024;

/** Where a disk is, across hosts: host-local disks by host and path, rbd images by pool alone (pools are shared). */
const keyOf = (host: string | null, location: string): string => (host === null ? `rbd:${location}` : `${host}:${location}`);

/**
 * Every record of every live instance, with where it resolves on its host;
 * and the records of the source's disks a resize waiting for confirm or
 * revert keeps (its migration record describes them).
 */
const records = async (world: World) => {
  const out: { instance: string; host: string; disk: string; meta: DiskMetadata; where: string; key: string; kept: boolean }[] = [];
  const push = (id: string, instance: InstanceId, host: string, disk: string, meta: DiskMetadata, kept = false): void => {
    const loc = resolveLocation(meta.backend, meta.location ?? '', INSTANCES_PATH, instance);
    if (E.isLeft(loc)) return;
    const where = loc.right.backend === 'ploop' ? `${loc.right.path}/root.hds` : showLocation(loc.right);
    out.push({ instance: id, host, disk, meta, where, key: keyOf(loc.right.backend === 'rbd' ? null : host, where), kept });
  };
  for (const [id, inst] of world.instances) {
    const row = await world.repository.getInstance(inst.id)();
    const rows = await world.repository.listDisks(inst.id)();
    if (E.isLeft(rows) || E.isLeft(row)) continue;
    for (const r of rows.right) {
      if (r.driverInfo === null) continue;
      const meta = decodeDiskMetadata(r.driverInfo);
      if (E.isRight(meta)) push(id, inst.id, inst.host, r.disk, meta.right);
    }
    const m = row.right.migration === null ? null : decodeMigration(inst.id, row.right.migration);
    if (m !== null && E.isRight(m) && m.right.status === 'unconfirmed') {
      for (const d of sourceDisks(m.right)) push(id, inst.id, m.right.source, d.disk, d.meta, true);
    }
  }
  return out;
};

/**
 * Invariants 1–3 of the security suite on the world as it is now:
 * no probe, no leak, and every disk on a host matches a record (backend,
 * format, size) while every `ready` record has its disk. Disks of instances
 * the classic driver still owns (no record yet) and of instances whose last
 * step crashed are exempt from 3; they are checked again after the next
 * operation reaches them. Probes and leaks of steps the classic driver ran
 * (legacy boots, hosts not yet upgraded) are the reference model's, not ours.
 */
export const checkInvariants = async (world: World, exempt: ReadonlySet<string>, classicSteps: ReadonlySet<number> = new Set(), debris: ReadonlySet<string> = new Set()): Promise<Violation[]> => {
  const out: Violation[] = [];
  const ours = attribution(classicSteps, world.cluster.leaks());
  const probes = world.cluster.probes().filter(ours.probe);
  if (probes.length > 0) out.push({ invariant: '1 zero probes', detail: `${probes.length} probe(s), first: ${probes[0]?.argv?.join(' ') ?? probes[0]?.image ?? ''} at step ${String(probes[0]?.step)}` });
  const leaks = world.cluster.leaks().filter(ours.leak);
  if (leaks.length > 0) out.push({ invariant: '2 zero leaks', detail: `${leaks.length} leak(s), first: ${leaks[0]?.secret ?? ''} into ${leaks[0]?.into ?? ''} at step ${String(leaks[0]?.step)}` });
  const recs = await records(world);
  const byWhere = new Map(recs.map((r) => [r.key, r]));
  const owner = (location: string): string | null => {
    // The classic driver stages its snapshots outside the instance directory, named after the instance.
    const staged = /^\/var\/lib\/nova\/instances\/snapshots\/([^/]+)\.snapshot$/.exec(location);
    if (staged !== null) return staged[1] ?? null;
    const file = /^\/var\/lib\/nova\/instances\/([^/]+)\//.exec(location);
    if (file !== null) return file[1] ?? null;
    const vol = /^[^/]+\/([^/]+?)_(disk|kernel|ramdisk)/.exec(location);
    return vol?.[1] ?? null;
  };
  for (const d of world.cluster.disks()) {
    if (NOT_A_DISK.test(d.location) || debris.has(keyOf(d.host, d.location))) continue;
    const id = owner(d.location);
    if (id !== null && (exempt.has(id) || world.instance(id)?.legacy === true)) continue;
    const r = byWhere.get(keyOf(d.host, d.location));
    if (r === undefined) {
      out.push({ invariant: '3 no disk without a record', detail: `${d.host ?? 'rbd'}:${d.location} (${d.containerFormat}, ${d.virtualSize} bytes) has no record` });
      continue;
    }
    if (QEMU_NAME[r.meta.format] !== d.containerFormat) out.push({ invariant: '3 record matches host', detail: `${r.instance}/${r.disk}: record says ${r.meta.format}, host holds ${d.containerFormat}` });
    const size = r.meta.backend === 'lvm' ? Math.ceil(r.meta.size / EXTENT) * EXTENT : r.meta.size;
    if (d.virtualSize !== size && d.virtualSize !== r.meta.size) out.push({ invariant: '3 record matches host', detail: `${r.instance}/${r.disk}: record says ${r.meta.size} bytes, host holds ${d.virtualSize}` });
  }
  const present = new Set(world.cluster.disks().map((d) => keyOf(d.host, d.location)));
  for (const r of recs) {
    // A source disk a waiting resize keeps is as the resize found it: one already missing then is missing still.
    if (r.kept || r.meta.state !== 'ready' || exempt.has(r.instance) || world.instance(r.instance)?.shelved === true) continue;
    if (!present.has(r.key)) out.push({ invariant: '3 no ready record without its disk', detail: `${r.instance}/${r.disk} is ready at ${r.where} but the host has nothing there` });
  }
  return out;
};

/** Where every disk on the cluster is, as the checks key it. */
export const diskKeys = (world: World): Set<string> => new Set(world.cluster.disks().map((d) => keyOf(d.host, d.location)));

/** A snapshot of every record, to check that a change of host options rewrites none (invariant 4). */
export const recordSnapshot = async (world: World): Promise<string> => JSON.stringify((await records(world)).map((r) => [r.instance, r.disk, r.meta]));
