import type { Backend, DiskFormat, ImageFormat, Provenance, RecordState } from './vocabulary.js';

/**
 * The persisted layout of one local disk: what goes, encoded, into a block
 * device mapping's `driver_info` column (`LibvirtDiskMetadata` on the wire).
 *
 * Fields after `size` arrived in wire version 1.1 and are `null` when a 1.0
 * record is read or when the writer did not set them.
 */
export interface DiskMetadata {
  readonly backend: Backend;
  readonly format: DiskFormat;
  /** Virtual size in bytes, 1 … 2^53−1. */
  readonly size: number;
  /** Backend-specific: a path under the instance directory, `vg/lv`, or `pool/image`. */
  readonly location: string | null;
  /** The image the disk was made from, if any. */
  readonly imageId: string | null;
  /** That image's declared `disk_format`. */
  readonly imageFormat: ImageFormat | null;
  readonly provenance: Provenance | null;
  readonly state: RecordState | null;
}
