import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { BaseImage } from '../disk/disk-location.js';
import type { ImageId } from '../names/safe-names.js';
import type { ImageMeta, ImageServiceError } from './image-service.js';
import type { StorageError } from './storage-error.js';
import type { DomainError } from '../errors/domain-error.js';

/** An image refused by verification (SECURITY.md rule 3): the reason says which check. */
export interface ImageRejected extends DomainError<'ImageRejected', 'IMAGE_REJECTED'> {
  readonly imageId: string;
  readonly declared: string;
  /** Stable reason code, e.g. `QCOW2_BACKING_FILE`, `MISLABELLED_RAW`. */
  readonly reason: string;
}

/** What making an image ready in the base-image cache fails with, a rejected image included. */
export type BaseImageError = ImageServiceError | StorageError | ImageRejected;

/**
 * The shared base-image cache under the instances path. Entries are named by
 * a hash of the image id, never by the id itself, and hold only verified
 * images, in a format fixed by the image's declared `disk_format`.
 */
export interface BaseImageCache {
  /** Download, verify and cache the image if needed; the cached base with its format, and the image's declared metadata. */
  ensure(id: ImageId): TE.TaskEither<BaseImageError, { readonly base: BaseImage; readonly meta: ImageMeta }>;
  /** The file name in the cache's directory that `ensure` keeps the image under, whether or not it is there yet. */
  entryName(id: ImageId): string;
}
