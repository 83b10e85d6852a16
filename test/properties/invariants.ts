import { decodeDiskMetadata, resolveLocation, showLocation, type DiskMetadata } from '@disk-ledger/domain';
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
const NOT_A_DISK = /\/_base\/|\.(migrate|build|part|conv)$|\/snapshot\.(raw|qcow2)$/;
// LVM rounds volume sizes up to whole extents.
const EXTENT = 4 * 1024 * 1024;

/** Every record of every live instance, with where it resolves on its host. */
const records = async (world: World) => {
  const out: { instance: string; host: string; disk: string; meta: DiskMetadata; where: string }[] = [];
  for (const [id, inst] of world.instances) {
    const rows = await world.repository.listDisks(inst.id)();
    if (E.isLeft(rows)) continue;
    for (const row of rows.right) {
      if (row.driverInfo === null) continue;
      const meta = decodeDiskMetadata(row.driverInfo);
      if (E.isLeft(meta)) continue;
      const loc = resolveLocation(meta.right.backend, meta.right.location ?? '', INSTANCES_PATH, inst.id);
      if (E.isLeft(loc)) continue;
      const where = loc.right.backend === 'ploop' ? `${loc.right.path}/root.hds` : showLocation(loc.right);
      out.push({ instance: id, host: inst.host, disk: row.disk, meta: meta.right, where });
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
export const checkInvariants = async (world: World, exempt: ReadonlySet<string>, classicSteps: ReadonlySet<number> = new Set()): Promise<Violation[]> => {
  const out: Violation[] = [];
  const ours = attribution(classicSteps, world.cluster.leaks());
  const probes = world.cluster.probes().filter(ours.probe);
  if (probes.length > 0) out.push({ invariant: '1 zero probes', detail: `${probes.length} probe(s), first: ${probes[0]?.argv?.join(' ') ?? probes[0]?.image ?? ''} at step ${String(probes[0]?.step)}` });
  const leaks = world.cluster.leaks().filter(ours.leak);
  if (leaks.length > 0) out.push({ invariant: '2 zero leaks', detail: `${leaks.length} leak(s), first: ${leaks[0]?.secret ?? ''} into ${leaks[0]?.into ?? ''} at step ${String(leaks[0]?.step)}` });
  const recs = await records(world);
  const byWhere = new Map(recs.map((r) => [r.where, r]));
  const owner = (location: string): string | null => {
    const file = /^\/var\/lib\/nova\/instances\/([^/]+)\//.exec(location);
    if (file !== null) return file[1] ?? null;
    const vol = /^[^/]+\/([^/]+?)_(disk|kernel|ramdisk)/.exec(location);
    return vol?.[1] ?? null;
  };
  for (const d of world.cluster.disks()) {
    if (NOT_A_DISK.test(d.location)) continue;
    const id = owner(d.location);
    if (id !== null && (exempt.has(id) || world.instance(id)?.legacy === true)) continue;
    const r = byWhere.get(d.location);
    if (r === undefined) {
      out.push({ invariant: '3 no disk without a record', detail: `${d.host ?? 'rbd'}:${d.location} (${d.containerFormat}, ${d.virtualSize} bytes) has no record` });
      continue;
    }
    if (QEMU_NAME[r.meta.format] !== d.containerFormat) out.push({ invariant: '3 record matches host', detail: `${r.instance}/${r.disk}: record says ${r.meta.format}, host holds ${d.containerFormat}` });
    const size = r.meta.backend === 'lvm' ? Math.ceil(r.meta.size / EXTENT) * EXTENT : r.meta.size;
    if (d.virtualSize !== size && d.virtualSize !== r.meta.size) out.push({ invariant: '3 record matches host', detail: `${r.instance}/${r.disk}: record says ${r.meta.size} bytes, host holds ${d.virtualSize}` });
  }
  const present = new Set(world.cluster.disks().map((d) => d.location));
  for (const r of recs) {
    if (r.meta.state !== 'ready' || exempt.has(r.instance) || world.instance(r.instance)?.shelved === true) continue;
    if (!present.has(r.where)) out.push({ invariant: '3 no ready record without its disk', detail: `${r.instance}/${r.disk} is ready at ${r.where} but the host has nothing there` });
  }
  return out;
};

/** A snapshot of every record, to check that a change of host options rewrites none (invariant 4). */
export const recordSnapshot = async (world: World): Promise<string> => JSON.stringify((await records(world)).map((r) => [r.instance, r.disk, r.meta]));
