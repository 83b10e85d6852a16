/**
 * Real on-disk bytes of the images disk-ledger reasons about: genuine qcow2
 * and vmdk images, the hostile kinds of SECURITY.md, and benign fill. Pure
 * and deterministic; used by tests, the simulator and the in-memory host.
 */
export { qcow2Header, type Qcow2ImageOptions } from './qcow2-image.js';
export {
  MAX_VMDK_BYTES,
  vmdkDescriptorText,
  vmdkFlatExtentDescriptor,
  vmdkSparseImage,
  type VmdkDescriptorOptions,
  type VmdkExtentLine,
  type VmdkFlatOptions,
  type VmdkSparseOptions,
} from './vmdk-image.js';
export { hostileBytes } from './hostile-bytes.js';
export { BENIGN_PREFIX, benignBytes } from './benign-bytes.js';
