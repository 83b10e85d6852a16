import type { ImageRejected } from '../ports/base-image-cache.js';

/**
 * Stable reason codes of {@link ImageRejected}, one per check of SECURITY.md
 * rule 3 and 4. Operators and tests match on these; never rename one.
 */
export const REJECTION_REASONS = [
  /** The head holds too few bytes to finish a check: refused rather than assumed. */
  'HEAD_TRUNCATED',
  'QCOW2_BAD_MAGIC',
  'QCOW2_BAD_VERSION',
  /** A header field out of range (cluster bits, header length, an extension overrunning the cluster). */
  'QCOW2_BAD_HEADER',
  'QCOW2_BACKING_FILE',
  'QCOW2_DATA_FILE',
  'QCOW2_UNKNOWN_FEATURES',
  'QCOW2_CORRUPT',
  'QCOW2_ENCRYPTED',
  /** Declared vmdk while vmdk input is not allowed. */
  'VMDK_REFUSED',
  /** Not a sparse extent with an embedded descriptor (a stand-alone descriptor, an ESX `COWD` extent, a bad header). */
  'VMDK_BAD_HEADER',
  'VMDK_CREATE_TYPE',
  'VMDK_EXTENT_PATH',
  'VMDK_BACKING_FILE',
  'QED_REFUSED',
  /** Declared raw (or iso, ami, aki, ari) but the bytes begin with another format's header. */
  'MISLABELLED_RAW',
  /** `qemu-img info` reported a backing file for an image declared raw. */
  'INFO_BACKING_FILE',
  'UNSUPPORTED_FORMAT',
  /** The declared format needs `qemu-img info` output and none was given. */
  'INFO_REQUIRED',
  'INFO_FORMAT_MISMATCH',
  'INFO_SIZE_MISMATCH',
  /** `qemu-img info -f <declared>`, within its CPU and memory limits, failed or was killed: the image does not open as declared. */
  'INFO_FAILED',
] as const;
/** Why verification refused an image, one code per rule. */
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** One failed check: the reason code and what was seen. */
export interface Finding {
  readonly reason: RejectionReason;
  readonly message: string;
}

/** A finding, for checks that return the first problem they see or `null`. */
export const finding = (reason: RejectionReason, message: string): Finding => ({ reason, message });

/** The {@link ImageRejected} error for an image and a finding. */
export const imageRejected = (imageId: string, declared: string, f: Finding): ImageRejected => ({
  _tag: 'ImageRejected',
  code: 'IMAGE_REJECTED',
  imageId,
  declared,
  reason: f.reason,
  path: `image ${imageId}`,
  message: `image ${imageId} declared ${declared} rejected (${f.reason}): ${f.message}`,
});
