/**
 * The census of disk layouts across a fleet: how many disks each
 * (backend, format, provenance) has, and how many legacy disks still lack a
 * record. It counts what the replay reports as an instance's disks (records
 * where they exist, else what the classic driver decided: the disk view's
 * `instanceDisks`), kept up to date incrementally: only instances marked
 * since the last flush are re-read.
 */
import {
  BACKENDS,
  DISK_FORMATS,
  PROVENANCES,
  type Backend,
  type BlockDeviceMappingRepository,
  type DiskFormat,
  type Provenance,
} from '@disk-ledger/domain';
import { instanceDisks } from '../world/disk-view.js';
import type { World } from '../world/world.js';

// ---- types

/** One census line: disks of this layout; `provenance: null` are legacy disks without a record. */
export interface CensusEntry {
  readonly backend: Backend;
  readonly format: DiskFormat;
  readonly provenance: Provenance | null;
  readonly disks: number;
}

/** The census at one moment. */
export interface CensusCounts {
  /** Non-empty lines, in a fixed order (backend, format, provenance). */
  readonly entries: readonly CensusEntry[];
  /** Disks with a record. */
  readonly recorded: number;
  /** Legacy disks with no record yet (not migrated, not touched). */
  readonly missing: number;
}

// ---- categories

const PROVENANCE_SLOTS: readonly (Provenance | null)[] = [...PROVENANCES, null];
const CATEGORIES = BACKENDS.length * DISK_FORMATS.length * PROVENANCE_SLOTS.length;

const categoryOf = (backend: Backend, format: DiskFormat, provenance: Provenance | null): number =>
  (BACKENDS.indexOf(backend) * DISK_FORMATS.length + DISK_FORMATS.indexOf(format)) * PROVENANCE_SLOTS.length + PROVENANCE_SLOTS.indexOf(provenance);

/** The layout a category index stands for. */
const layoutOf = (category: number): { backend: Backend; format: DiskFormat; provenance: Provenance | null } => {
  const p = category % PROVENANCE_SLOTS.length;
  const bf = Math.floor(category / PROVENANCE_SLOTS.length);
  const backend = BACKENDS[Math.floor(bf / DISK_FORMATS.length)];
  const format = DISK_FORMATS[bf % DISK_FORMATS.length];
  if (backend === undefined || format === undefined) throw new Error(`unreachable: census category ${category}`);
  return { backend, format, provenance: PROVENANCE_SLOTS[p] ?? null };
};

// ---- the census

/** The fleet's census, updated on {@link Census.flush}. */
export class Census {
  private readonly counts = new Array<number>(CATEGORIES).fill(0);
  private readonly byInstance = new Map<string, readonly number[]>();
  private readonly dirty = new Set<string>();

  /** Mark an instance whose disks may have changed. */
  touch(instance: string): void {
    this.dirty.add(instance);
  }

  /** Re-read every marked instance; `repository` is read directly, outside any round-trip count. */
  async flush(world: World, repository: BlockDeviceMappingRepository): Promise<void> {
    for (const name of this.dirty) await this.recount(world, repository, name);
    this.dirty.clear();
  }

  /** The census as of the last flush. */
  snapshot(): CensusCounts {
    const entries: CensusEntry[] = [];
    let recorded = 0;
    let missing = 0;
    for (let c = 0; c < CATEGORIES; c += 1) {
      const disks = this.counts[c] ?? 0;
      if (disks === 0) continue;
      const layout = layoutOf(c);
      entries.push({ ...layout, disks });
      if (layout.provenance === null) missing += disks;
      else recorded += disks;
    }
    return { entries, recorded, missing };
  }

  private async recount(world: World, repository: BlockDeviceMappingRepository, name: string): Promise<void> {
    const before = this.byInstance.get(name) ?? [];
    const after = (await instanceDisks(world, name, repository)).map((d) => categoryOf(d.backend, d.format, d.provenance));
    for (const c of before) this.counts[c] = (this.counts[c] ?? 0) - 1;
    for (const c of after) this.counts[c] = (this.counts[c] ?? 0) + 1;
    if (after.length === 0) this.byInstance.delete(name);
    else this.byInstance.set(name, after);
  }
}
