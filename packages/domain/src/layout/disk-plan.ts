import type { DiskMetadata } from '../disk/disk-metadata.js';
import type { DiskName } from '../disk/disk-role.js';
import type { Backend, DiskFormat, ImageFormat } from '../disk/vocabulary.js';
import type { ByteSize, ImageId } from '../names/safe-names.js';
import type { ConfigDriveFile, DiskFunc, FilesystemType } from '../ports/template-builder.js';

/** What the image service declares about an image; declared, never detected. */
export interface ImageFacts {
  readonly id: ImageId;
  readonly diskFormat: ImageFormat;
  /** Declared virtual size in bytes, when known. */
  readonly virtualSize: number | null;
}

/** What a caller asks for: the disk's role and where its content comes from. */
export type DiskRequest =
  | { readonly disk: 'root' | 'rescue'; readonly image: ImageFacts; /** bytes; 0 means the image's virtual size */ readonly flavorSize: number }
  | { readonly disk: 'kernel' | 'ramdisk'; readonly image: ImageFacts }
  | { readonly disk: `ephemeral${number}`; readonly size: number; readonly fsType?: FilesystemType; /** where `size` came from, for errors (default `flavor.<disk>`) */ readonly sizePath?: string }
  | { readonly disk: 'swap'; readonly size: number; /** where `size` came from, for errors (default `flavor.swap`) */ readonly sizePath?: string }
  | { readonly disk: 'config'; readonly files: readonly ConfigDriveFile[] };

/** Where a planned disk's content comes from. */
export type DiskSource =
  | { readonly kind: 'image'; readonly imageId: ImageId; readonly imageFormat: ImageFormat }
  | { readonly kind: 'func'; readonly func: DiskFunc };

/** A decided layout for one disk, before anything exists. */
export interface DiskPlan {
  readonly disk: DiskName;
  readonly backend: Backend;
  readonly format: DiskFormat;
  readonly size: ByteSize;
  /** Record form: a file name in the instance directory, `vg/lv` or `pool/image`. */
  readonly location: string;
  readonly source: DiskSource;
}

/** The record to persist before the planned disk is created: provenance `created`, state `creating`. */
export const planToRecord = (plan: DiskPlan): DiskMetadata => ({
  backend: plan.backend,
  format: plan.format,
  size: plan.size,
  location: plan.location,
  imageId: plan.source.kind === 'image' ? plan.source.imageId : null,
  imageFormat: plan.source.kind === 'image' ? plan.source.imageFormat : null,
  provenance: 'created',
  state: 'creating',
});
