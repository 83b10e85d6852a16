/**
 * What the bytes of a file, logical volume or RBD image are, in two layers:
 *
 * - `Data` is what a reader of the bytes as `raw` sees: an optional `Header`
 *   at offset 0 (the structure a format prober recognises) and the markers of
 *   the rest of the bytes.
 * - A `Header` is an image container: a genuine qcow2 (virtual size, optional
 *   backing file with or without a stored format, optional external data
 *   file, and the guest data held in its own clusters), a vmdk (extents), a
 *   parallels (ploop) image, or a format the emulator only recognises.
 *
 * The guest data inside a container is `Data` again, so a guest that writes a
 * qcow2 header into a qcow2 disk is modelled exactly: the header sits inside
 * the clusters, where only a reader that probes the disk's *content* would
 * act on it. A header a guest planted (one of the hostile kinds) has
 * `planted` set; it is the same structure as a genuine one, which is the
 * whole problem with probing.
 */
import type { HostileKind } from '@disk-ledger/domain';
import { MarkerSet } from './markers.js';

// ---- types

/** Formats the emulated qemu-img opens and writes. */
export const QEMU_FORMATS = ['raw', 'qcow2', 'vmdk', 'parallels'] as const;
/** A format name the emulated qemu-img takes with `-f`, `-O` or `-F`. */
export type QemuFormat = (typeof QEMU_FORMATS)[number];

/** Formats a prober recognises but the emulator does not open by name (`vpc` is qemu's vhd). */
export const OPAQUE_FORMATS = ['vpc', 'vhdx', 'vdi', 'qed', 'luks'] as const;
/** A format only recognised, never opened by name. */
export type OpaqueFormat = (typeof OPAQUE_FORMATS)[number];

/** Anything format detection can answer. */
export type ProbedFormat = QemuFormat | OpaqueFormat;

/** The bytes as a raw reader sees them. */
export interface Data {
  /** The image header at offset 0, if the bytes begin with one. */
  readonly header: Header | null;
  /** Markers of the bytes besides the header. */
  readonly markers: MarkerSet;
  /**
   * Literal leading bytes a test fixture wrote (what `readHead` shows when
   * there is no header). Opaque: never probed as a format. Any later write
   * at offset 0 replaces it.
   */
  readonly lead?: Uint8Array;
}

/** A qcow2 backing file reference: the name stored in the header and the stored backing format, if any. */
export interface BackingRef {
  readonly path: string;
  /** `null`: no backing format stored, so every reader probes the backing file. */
  readonly format: QemuFormat | null;
}

/** A qcow2 image: genuine, or planted by a guest (`planted` names the hostile kind). */
export interface Qcow2Header {
  readonly format: 'qcow2';
  readonly virtualSize: number;
  readonly backing: BackingRef | null;
  /** External data file: the guest data lives in that host file, and qemu follows it even with `-f qcow2`. */
  readonly dataFile: string | null;
  /** The guest data in the image's own clusters. */
  readonly clusters: Data;
  readonly planted: HostileKind | null;
}

/** A vmdk extent: a flat extent in another file, or the sparse extent embedded in this one. */
export type VmdkExtent = { readonly type: 'FLAT'; readonly path: string } | { readonly type: 'SPARSE'; readonly path: null };

/** A vmdk image: a sparse one with its grains, or a descriptor naming flat extents. */
export interface VmdkHeader {
  readonly format: 'vmdk';
  readonly virtualSize: number;
  readonly createType: 'monolithicSparse' | 'monolithicFlat' | 'streamOptimized';
  readonly extents: readonly VmdkExtent[];
  /** The guest data in the embedded sparse extent's grains. */
  readonly grains: Data;
  readonly planted: HostileKind | null;
}

/** A parallels (ploop1) image. */
export interface ParallelsHeader {
  readonly format: 'parallels';
  readonly virtualSize: number;
  readonly clusters: Data;
}

/** A header of a format the emulator recognises but does not read: its guest data is not modelled. */
export interface OpaqueHeader {
  readonly format: OpaqueFormat;
  readonly virtualSize: number;
}

/** A structure at offset 0 that a format prober recognises. */
export type Header = Qcow2Header | VmdkHeader | ParallelsHeader | OpaqueHeader;

// ---- constructors

/** No bytes written: zeros. */
export const EMPTY_DATA: Data = { header: null, markers: MarkerSet.empty };

/** Data holding these markers and no header. */
export const markedData = (markers: MarkerSet): Data => (markers.size === 0 ? EMPTY_DATA : { header: null, markers });

/** Data whose first bytes are `lead`, as a fixture writes them. */
export const leadData = (lead: Uint8Array, markers: MarkerSet = MarkerSet.empty): Data => ({ header: null, markers, lead });

/** Whether anything was written to the data (a header, literal bytes or a marker). */
export const isWritten = (d: Data): boolean => d.header !== null || d.markers.size > 0 || d.lead !== undefined;

/** Data that begins with `header`. */
export const withHeader = (header: Header, markers: MarkerSet = MarkerSet.empty): Data => ({ header, markers });

/** A genuine qcow2 container. */
export const qcow2 = (o: {
  readonly virtualSize: number;
  readonly clusters?: Data;
  readonly backing?: BackingRef | null;
  readonly dataFile?: string | null;
  readonly planted?: HostileKind | null;
}): Qcow2Header => ({
  format: 'qcow2',
  virtualSize: o.virtualSize,
  backing: o.backing ?? null,
  dataFile: o.dataFile ?? null,
  clusters: o.clusters ?? EMPTY_DATA,
  planted: o.planted ?? null,
});

/** A genuine monolithicSparse vmdk holding `grains`. */
export const sparseVmdk = (virtualSize: number, grains: Data = EMPTY_DATA): VmdkHeader => ({
  format: 'vmdk',
  virtualSize,
  createType: 'monolithicSparse',
  extents: [{ type: 'SPARSE', path: null }],
  grains,
  planted: null,
});

/** A parallels (ploop) image holding `clusters`. */
export const parallels = (virtualSize: number, clusters: Data = EMPTY_DATA): ParallelsHeader => ({ format: 'parallels', virtualSize, clusters });

/**
 * The header a hostile content kind plants (SECURITY.md, SCENARIO-FORMAT.md):
 * each points at the host path `target`, with no guest data of its own; the
 * `-fmt` kind states `backingFormat` (raw, as the format's kind says, unless
 * told).
 */
export const hostileHeader = (kind: HostileKind, target: string, virtualSize: number, backingFormat: QemuFormat = 'raw'): Header => {
  switch (kind) {
    case 'qcow2-backing-host-file':
    case 'raw-with-qcow2-header':
      return qcow2({ virtualSize, backing: { path: target, format: null }, planted: kind });
    case 'qcow2-backing-host-file-fmt':
      return qcow2({ virtualSize, backing: { path: target, format: backingFormat }, planted: kind });
    case 'qcow2-data-file':
      return qcow2({ virtualSize, dataFile: target, planted: kind });
    case 'vmdk-flat-extent':
      return {
        format: 'vmdk',
        virtualSize,
        createType: 'monolithicFlat',
        extents: [{ type: 'FLAT', path: target }],
        grains: EMPTY_DATA,
        planted: kind,
      };
  }
};

// ---- queries

/** The guest data a container header holds in its own storage, or `null` for an opaque one. */
export const innerData = (header: Header): Data | null => {
  switch (header.format) {
    case 'qcow2':
    case 'parallels':
      return header.clusters;
    case 'vmdk':
      return header.grains;
    default:
      return null;
  }
};

/** Every marker the bytes hold, including those inside a container's own storage. */
export const storedMarkers = (data: Data): MarkerSet => {
  const inner = data.header === null ? null : innerData(data.header);
  return inner === null ? data.markers : data.markers.union(storedMarkers(inner));
};

/** What a format prober answers for these bytes: the header's format, else raw. */
export const detectFormat = (data: Data): ProbedFormat => data.header?.format ?? 'raw';

/**
 * The container the bytes really are: a genuine header's format, or raw
 * (bytes that merely begin with a header a guest planted are a raw disk).
 */
export const containerFormat = (data: Data): ProbedFormat => {
  const h = data.header;
  if (h === null) return 'raw';
  if ((h.format === 'qcow2' || h.format === 'vmdk') && h.planted !== null) return 'raw';
  return h.format;
};

/** Whether `u` names a format the emulated qemu-img opens. */
export const isQemuFormat = (u: string): u is QemuFormat => (QEMU_FORMATS as readonly string[]).includes(u);
/** Whether `u` names a format only recognised by probing. */
export const isOpaqueFormat = (u: string): u is OpaqueFormat => (OPAQUE_FORMATS as readonly string[]).includes(u);
