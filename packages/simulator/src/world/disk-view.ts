import {
  decodeDiskMetadata,
  isDiskName,
  resolveLocation,
  type Backend,
  type BlockDeviceMappingRepository,
  type DiskFormat,
  type DiskLocation,
  type DiskName,
  type InstanceId,
  type Provenance,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { SimWorld } from './sim-world.js';

/** One disk of an instance as the replay reports and checks it. */
export interface DiskFacts {
  readonly instance: string;
  readonly disk: DiskName;
  readonly host: string;
  readonly backend: Backend;
  readonly format: DiskFormat;
  readonly size: number;
  readonly location: string;
  readonly provenance: Provenance | null;
  /** Where a VM of the instance opens it, with which format. */
  readonly address: DiskLocation;
}

/**
 * The disks of an instance: from its records when it has them (metadata
 * driver), else from what the classic driver decided for it. `repository`
 * is the world's unless told (the fleet's census reads past the round-trip
 * count).
 */
export const instanceDisks = async (world: SimWorld, id: string, repository: BlockDeviceMappingRepository = world.repository): Promise<readonly DiskFacts[]> => {
  const inst = world.instance(id);
  if (inst === undefined || inst.shelved) return [];
  const rows = await repository.listDisks(inst.id)();
  const out: DiskFacts[] = [];
  // Only legacy disks ask which disks have a record; most instances have none, so no set for them.
  const recorded = inst.legacyDisks.size > 0 ? new Set<string>() : null;
  const instancesPath = world.site.instancesPath(inst.host);
  let instanceDir: string | null = null;
  if (E.isRight(rows)) {
    for (const row of rows.right) {
      if (row.driverInfo === null) continue;
      const meta = decodeDiskMetadata(row.driverInfo);
      if (E.isLeft(meta)) continue;
      const m = meta.right;
      const location = m.location ?? (instanceDir ??= world.instanceDir(inst.host, inst.id));
      const address = resolveLocation(m.backend, location, instancesPath, inst.id);
      if (E.isLeft(address)) continue;
      recorded?.add(row.disk);
      out.push({ instance: id, disk: row.disk, host: inst.host, backend: m.backend, format: m.format, size: m.size, location, provenance: m.provenance, address: address.right });
    }
  }
  if (recorded !== null) {
    for (const [disk, d] of inst.legacyDisks) {
      if (recorded.has(disk)) continue;
      const address = resolveLocation(d.backend, d.location, instancesPath, inst.id as InstanceId);
      if (E.isLeft(address)) continue;
      out.push({ instance: id, disk, host: inst.host, backend: d.backend, format: d.format, size: d.size, location: d.location, provenance: null, address: address.right });
    }
  }
  return out;
};

/** One disk of an instance, if it has it. */
export const instanceDisk = async (world: SimWorld, id: string, disk: string): Promise<DiskFacts | null> =>
  isDiskName(disk) ? ((await instanceDisks(world, id)).find((d) => d.disk === disk) ?? null) : null;
