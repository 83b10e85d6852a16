/** How first touch and evacuation look for the classic driver's disks where facts put them. */
import type { DerivedLayout, DiskMetadata, ImageId } from '@disk-ledger/domain';

/**
 * The record to open a derived layout with, before its size is known (`imageId`: the image a root's base
 * must be the entry of, when the caller knows it better than `image_ref`). Named fields rather than
 * spreading the layout: a spread that adds properties takes a slow path in V8, and every first
 * touch of a legacy disk builds one.
 */
export const derivedProbe = (layout: DerivedLayout, imageId: ImageId | null = null): DiskMetadata => ({
  backend: layout.backend,
  format: layout.format,
  location: layout.location,
  provenance: 'derived',
  size: 1,
  imageId,
  imageFormat: null,
  state: 'ready',
});

/**
 * Whether a look elsewhere failed because this host has no driver or no tool
 * for that backend: then it never made such a volume, whatever pool or volume
 * group its options name (nova names a pool by default on every host).
 */
export const cannotHold = (code: string): boolean => code === 'UNSUPPORTED_OPERATION' || code === 'COMMAND_NOT_FOUND';
