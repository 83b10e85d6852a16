/**
 * How a fake cluster is described: its hosts (volume groups, RBD pools,
 * secrets, directories), its images, and what it reports about secrets.
 */
import type { ContentKind, ImageFormat } from '@disk-ledger/domain';
import type { ClusterStateOptions } from './state/cluster-state.js';

/** An LVM volume group: name, extent size (default 4 MiB) and capacity (default: practically unlimited). */
export interface VolumeGroupSpec {
  readonly name: string;
  readonly extentSize?: number;
  readonly capacity?: number;
}

/** A host to add. */
export interface HostSpec {
  readonly name: string;
  readonly volumeGroups?: readonly (string | VolumeGroupSpec)[];
  /** RBD pools this host reaches; hosts naming the same pool share it. */
  readonly rbdPools?: readonly string[];
  /** Host files planted as secrets. */
  readonly secrets?: readonly string[];
  /** Directories that exist from the start. */
  readonly directories?: readonly string[];
}

/** Options of a fake cluster. */
export interface FakeClusterOptions extends ClusterStateOptions {
  readonly hosts?: readonly HostSpec[];
}

/** An image to put in the catalogue. */
export interface ImageSpec {
  readonly id: string;
  readonly diskFormat: ImageFormat;
  readonly virtualSize: number;
  /** The virtual size the image service declares (default `virtualSize`); `null` declares none, a smaller one lies. */
  readonly declaredVirtualSize?: number | null;
  /** Default `benign`. A hostile kind needs `target`. */
  readonly content?: ContentKind;
  readonly target?: string;
  /** Default `bare`. */
  readonly containerFormat?: string;
  readonly kernelId?: string | null;
  readonly ramdiskId?: string | null;
}

/** A planted secret. */
export interface SecretInfo {
  readonly host: string;
  readonly path: string;
  readonly marker: string;
}
