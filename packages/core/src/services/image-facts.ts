import type { ImageFacts, ImageMeta } from '@disk-ledger/domain';

// Declared formats whose stored bytes are the guest's bytes, so their stored size is their virtual size.
const RAW_LIKE = new Set(['raw', 'iso', 'ami', 'aki', 'ari']);

/**
 * What layout decisions need of an image, as the image service declares it.
 * An image that declares no virtual size but a raw-like format (kernels and
 * ramdisks often do) has the size it is stored with: still declared, never
 * read from its bytes.
 */
export const imageFacts = (meta: ImageMeta): ImageFacts => ({
  id: meta.id,
  diskFormat: meta.diskFormat,
  virtualSize: meta.virtualSize ?? (RAW_LIKE.has(meta.diskFormat) ? meta.size : null),
});
