/**
 * Inspection of the fake cluster for invariants: every disk (every image
 * file, logical volume and RBD image) with its container format, sizes,
 * location and what a guest of it sees; and the guest view of one disk.
 * Inspection reads with a private trace: it records nothing, except where
 * the caller asks for a guest view, which is an event of the scenario.
 */
import type { HostileKind } from '@disk-ledger/domain';
import { containerFormat, isQemuFormat, storedMarkers, type BackingRef, type Data, type ProbedFormat, type QemuFormat } from './content/data.js';
import type { Volume } from './content/volume.js';
import { newTrace, type CommandContext } from './commands/context.js';
import { openImage, type ReadResult } from './commands/image-reader.js';
import type { Target } from './commands/qpath.js';
import type { ClusterState } from './state/cluster-state.js';
import { FakeHost } from './state/fake-host.js';

// ---- types

/** Where a disk is: a file or LV of a host, or an RBD image of a pool. */
export type StorageAddress =
  | { readonly kind: 'file'; readonly host: string; readonly path: string }
  | { readonly kind: 'lv'; readonly host: string; readonly vg: string; readonly lv: string }
  | { readonly kind: 'rbd'; readonly pool: string; readonly image: string };

/** A header a guest planted, as a guest of the disk sees it at offset 0. */
export interface PlantedHeaderInfo {
  readonly kind: HostileKind;
  readonly target: string;
}

/** One disk. */
export interface DiskInfo {
  readonly address: StorageAddress;
  /** The host, or `null` for an RBD image (pools are shared). */
  readonly host: string | null;
  /** `path`, `vg/lv` or `pool/image`, as records state locations. */
  readonly location: string;
  /** What the bytes really are (a planted header does not make a raw disk qcow2). */
  readonly containerFormat: ProbedFormat;
  /** Virtual size read as the container format. */
  readonly virtualSize: number;
  /** Bytes the volume occupies (file length, LV size, RBD image size). */
  readonly length: number;
  /** An LV's group's extent: its size is a whole number of them. */
  readonly allocationUnit?: number;
  readonly backing: BackingRef | null;
  readonly dataFile: string | null;
  /** Markers a guest of the disk (opened as its container format) sees, sorted. */
  readonly markers: readonly string[];
  /** Secret markers among them. */
  readonly secrets: readonly string[];
  readonly plantedHeader: PlantedHeaderInfo | null;
}

/** What a guest of a disk sees. */
export interface GuestView {
  readonly format: QemuFormat;
  readonly virtualSize: number;
  /** Sorted. */
  readonly markers: readonly string[];
  readonly secrets: readonly string[];
  readonly plantedHeader: PlantedHeaderInfo | null;
}

/** A guest view, or why the VM could not open the disk. */
export type GuestViewResult = { readonly ok: true; readonly view: GuestView } | { readonly ok: false; readonly message: string };
/** The marker of a benign guest write, or why the write could not happen. */
export type GuestWriteResult = { readonly ok: true; readonly marker: string } | { readonly ok: false; readonly message: string };

// ---- operations

/** A context that records into a throw-away trace. */
export const quietContext = (state: ClusterState, host: FakeHost): CommandContext => ({ state, host, argv: ['(inspection)'], trace: newTrace() });

/** The hostile header a guest sees at offset 0 of a view, if any. */
export const plantedIn = (view: Data): PlantedHeaderInfo | null => {
  const h = view.header;
  if (h === null || (h.format !== 'qcow2' && h.format !== 'vmdk') || h.planted === null) return null;
  const target = h.format === 'qcow2' ? (h.backing?.path ?? h.dataFile) : h.extents.find((e) => e.type === 'FLAT')?.path;
  return target === null || target === undefined ? null : { kind: h.planted, target };
};

/** Open a volume as its container format without recording anything. */
const openQuietly = (state: ClusterState, host: FakeHost, target: Target, name: string, volume: Volume): ReadResult => {
  const fmt = containerFormat(volume.data);
  return openImage(quietContext(state, host), { target, name, volume }, isQemuFormat(fmt) ? fmt : null, { backing: true });
};

/** Describe one volume. */
export const describeVolume = (state: ClusterState, host: FakeHost, address: StorageAddress, target: Target, name: string, volume: Volume): DiskInfo => {
  const read = openQuietly(state, host, target, name, volume);
  const h = volume.data.header;
  const view = read.ok ? read.opened.view : volume.data;
  const markers = storedMarkers(view);
  const group = address.kind === 'lv' ? host.volumeGroups.get(address.vg) : undefined;
  const location = address.kind === 'file' ? address.path : address.kind === 'lv' ? `${address.vg}/${address.lv}` : `${address.pool}/${address.image}`;
  return {
    address,
    host: address.kind === 'rbd' ? null : address.host,
    location,
    containerFormat: containerFormat(volume.data),
    virtualSize: read.ok ? read.opened.virtualSize : volume.length,
    length: volume.length,
    ...(group === undefined ? {} : { allocationUnit: group.extentSize }),
    backing: h?.format === 'qcow2' && h.planted === null ? h.backing : null,
    dataFile: h?.format === 'qcow2' && h.planted === null ? h.dataFile : null,
    markers: markers.toSortedArray(),
    secrets: [...markers.secrets].sort(),
    plantedHeader: plantedIn(view),
  };
};

/** A host that can reach `pool`, or a stand-in that reaches only it (inspection of shared pools). */
export const hostForPool = (state: ClusterState, pool: string): FakeHost => {
  for (const h of state.hosts.values()) if (h.rbdPools.has(pool)) return h;
  const standIn = new FakeHost('(cluster)');
  standIn.rbdPools.add(pool);
  return standIn;
};

/** Every disk of the cluster: image files (not text files) and LVs of each host, then RBD images. */
export const listDisks = (state: ClusterState): readonly DiskInfo[] => {
  const out: DiskInfo[] = [];
  for (const host of state.hosts.values()) {
    for (const [path, volume] of host.fs.files()) {
      if (volume.text === null) out.push(describeVolume(state, host, { kind: 'file', host: host.name, path }, { kind: 'file', path }, path, volume));
    }
    for (const [vgName, vg] of host.volumeGroups) {
      for (const [lv, volume] of vg.entries()) {
        out.push(describeVolume(state, host, { kind: 'lv', host: host.name, vg: vgName, lv }, { kind: 'lv', vg: vgName, lv }, `/dev/${vgName}/${lv}`, volume));
      }
    }
  }
  for (const [poolName, pool] of state.pools) {
    const host = hostForPool(state, poolName);
    for (const [image, entry] of pool.images) {
      out.push(describeVolume(state, host, { kind: 'rbd', pool: poolName, image }, { kind: 'rbd', pool: poolName, image }, `rbd:${poolName}/${image}`, entry.volume));
    }
  }
  return out;
};
