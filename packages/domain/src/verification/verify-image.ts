import * as E from 'fp-ts/lib/Either.js';
import type { BaseFormat } from '../disk/disk-location.js';
import type { ImageFormat } from '../disk/vocabulary.js';
import type { ImageRejected } from '../ports/base-image-cache.js';
import { hasBytesAt } from '../content/bytes.js';
import { QED_MAGIC } from '../content/image-headers.js';
import { foreignHeaderIn } from './foreign-header.js';
import { finding, imageRejected, type Finding } from './image-rejected.js';
import { checkQcow2Head, checkQcow2Info } from './qcow2-check.js';
import { reportsBackingFile, type QemuImgInfo } from './qemu-img-info.js';
import { checkVmdkHead, checkVmdkInfo } from './vmdk-check.js';

// ---- types

/** An image that passed verification: the format to store it in, fixed by its declared format. */
export interface VerifiedImage {
  readonly declared: ImageFormat;
  readonly baseFormat: BaseFormat;
  /** The qemu-img input format to convert from before caching, or `null` to cache the bytes as they are. */
  readonly convertFrom: 'vmdk' | null;
}

/** What {@link verifyImage} looks at. It never reads the image itself. */
export interface VerifyImageInput {
  readonly imageId: string;
  /** The image service's `disk_format`. */
  readonly declared: ImageFormat;
  /** The image's first bytes: up to {@link VERIFY_HEAD_BYTES}, fewer only when the file is shorter. */
  readonly head: Uint8Array;
  /** Decoded `qemu-img info -f <declared> --output=json`, required when {@link needsQemuInfo} says so. */
  readonly info: QemuImgInfo | null;
  /** Whether vmdk input is allowed at all (an operator option; off by default). */
  readonly allowVmdk: boolean;
}

// ---- constants

/**
 * How many leading bytes the caller reads for {@link verifyImage}: a qcow2
 * header with its extensions in a default 64 KiB first cluster, and a vmdk
 * sparse header with its descriptor at sector 1 (20 sectors as tools write
 * it). A check that needs bytes past the head rejects with `HEAD_TRUNCATED`.
 */
export const VERIFY_HEAD_BYTES = 64 * 1024;

const RAW_LIKE: readonly string[] = ['raw', 'iso', 'ami', 'aki', 'ari'];

// ---- operations

/**
 * The cache format of an accepted image, a function of its declared format
 * alone: qcow2 stays qcow2; raw-like formats and vmdk (converted) are raw.
 * `null` for formats that are never accepted.
 */
export const baseFormatOf = (declared: ImageFormat): BaseFormat | null => {
  if (declared === 'qcow2') return 'qcow2';
  if (declared === 'vmdk' || RAW_LIKE.includes(declared)) return 'raw';
  return null;
};

/** Whether verifying `declared` needs `qemu-img info -f <declared>` output (qcow2 and, when allowed, vmdk). */
export const needsQemuInfo = (declared: ImageFormat): boolean => declared === 'qcow2' || declared === 'vmdk';

const checkRawLike = (head: Uint8Array, info: QemuImgInfo | null): Finding | null => {
  const foreign = foreignHeaderIn(head);
  if (foreign !== null) return finding('MISLABELLED_RAW', `declared raw but begins with a ${foreign} header`);
  if (info === null) return null;
  if (info.format !== 'raw') return finding('INFO_FORMAT_MISMATCH', `qemu-img info reports format ${JSON.stringify(info.format.slice(0, 40))}`);
  if (reportsBackingFile(info)) return finding('INFO_BACKING_FILE', 'qemu-img info reports a backing file');
  return null;
};

const checkQcow2 = (head: Uint8Array, info: QemuImgInfo | null): Finding | null => {
  if (hasBytesAt(head, 0, QED_MAGIC)) return finding('QED_REFUSED', 'declared qcow2 but is a qed image');
  const facts = checkQcow2Head(head);
  if ('reason' in facts) return facts;
  if (info === null) return finding('INFO_REQUIRED', 'qcow2 needs qemu-img info output');
  return checkQcow2Info(info, facts);
};

const checkVmdk = (head: Uint8Array, info: QemuImgInfo | null, allowVmdk: boolean): Finding | null => {
  if (!allowVmdk) return finding('VMDK_REFUSED', 'vmdk images are not allowed on this host');
  const problem = checkVmdkHead(head);
  if (problem !== null) return problem;
  if (info === null) return finding('INFO_REQUIRED', 'vmdk needs qemu-img info output');
  return checkVmdkInfo(info);
};

const firstProblem = (input: VerifyImageInput): Finding | null => {
  // Widened: a caller outside the type system may pass any string, and `qed` must still be named.
  const declared: string = input.declared;
  if (declared === 'qcow2') return checkQcow2(input.head, input.info);
  if (declared === 'vmdk') return checkVmdk(input.head, input.info, input.allowVmdk);
  if (RAW_LIKE.includes(declared)) return checkRawLike(input.head, input.info);
  if (declared === 'qed') return finding('QED_REFUSED', 'qed images are never accepted');
  return finding('UNSUPPORTED_FORMAT', `declared format ${JSON.stringify(declared.slice(0, 40))} is not accepted`);
};

/**
 * Verify a downloaded image against its declared format (SECURITY.md rule
 * 3). It only rejects: an accepted image is stored in the format its
 * declaration fixes ({@link baseFormatOf}), never in one read from its
 * bytes. Never throws, whatever the bytes or the info.
 */
export const verifyImage = (input: VerifyImageInput): E.Either<ImageRejected, VerifiedImage> => {
  const problem = firstProblem(input);
  const baseFormat = baseFormatOf(input.declared);
  if (problem !== null) return E.left(imageRejected(input.imageId, input.declared, problem));
  if (baseFormat === null) {
    // Unreachable: firstProblem rejects every format baseFormatOf has no answer for.
    return E.left(imageRejected(input.imageId, input.declared, finding('UNSUPPORTED_FORMAT', 'no cache format')));
  }
  return E.right({ declared: input.declared, baseFormat, convertFrom: input.declared === 'vmdk' ? 'vmdk' : null });
};
