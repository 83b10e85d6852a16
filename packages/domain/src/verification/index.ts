/**
 * Image verification (SECURITY.md rules 3 and 4): checks an image's leading
 * bytes and its `qemu-img info -f <declared>` output against the format its
 * uploader declared. Checks only reject; none picks a format.
 */
export { REJECTION_REASONS, imageRejected, type Finding, type RejectionReason } from './image-rejected.js';
export {
  QemuImgInfo,
  Qcow2FormatSpecific,
  VmdkFormatSpecific,
  VmdkExtentInfo,
  FormatSpecific,
  decodeQemuImgInfo,
  reportsBackingFile,
} from './qemu-img-info.js';
export { foreignHeaderIn, type ForeignHeader } from './foreign-header.js';
export {
  VERIFY_HEAD_BYTES,
  baseFormatOf,
  needsQemuInfo,
  verifyImage,
  type VerifiedImage,
  type VerifyImageInput,
} from './verify-image.js';
