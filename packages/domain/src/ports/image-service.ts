import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { ImageFormat } from '../disk/vocabulary.js';
import type { DomainError } from '../errors/domain-error.js';
import type { HostPath, ImageId } from '../names/safe-names.js';
import type { FileSystemError } from './host-files.js';

/** An image's metadata as the image service declares it. Declared, not verified. */
export interface ImageMeta {
  readonly id: ImageId;
  readonly diskFormat: ImageFormat;
  readonly containerFormat: string;
  /** Bytes stored. */
  readonly size: number;
  /** Virtual size in bytes, when the service knows it. */
  readonly virtualSize: number | null;
  readonly kernelId: ImageId | null;
  readonly ramdiskId: ImageId | null;
}

/** The image service does not know the image. */
export interface ImageNotFound extends DomainError<'ImageNotFound', 'IMAGE_NOT_FOUND'> {
  readonly imageId: string;
}
/** The image service failed or refused. */
export type ImageServiceFailed = DomainError<'ImageServiceFailed', 'IMAGE_SERVICE_FAILED'>;

/** What an image service call fails with. */
export type ImageServiceError = ImageNotFound | ImageServiceFailed | FileSystemError;

/** The image service (glance): declared metadata, downloads and uploads. */
export interface ImageService {
  /** The image's declared metadata. */
  show(id: ImageId): TE.TaskEither<ImageServiceError, ImageMeta>;
  /** Write the image's bytes to `dest` on the host (a new file). */
  download(id: ImageId, dest: HostPath): TE.TaskEither<ImageServiceError, void>;
  /**
   * Store the file at `src` as a new image with the declared format of what
   * was written, and the kernel and ramdisk it boots with, if any (absent:
   * none).
   */
  upload(meta: UploadMeta, src: HostPath): TE.TaskEither<ImageServiceError, ImageMeta>;
}

/** What an upload declares: the image's id and formats, and the kernel and ramdisk an `ami` root boots with (nova's snapshot carries them). */
export type UploadMeta = Pick<ImageMeta, 'id' | 'diskFormat' | 'containerFormat'> & Partial<Pick<ImageMeta, 'kernelId' | 'ramdiskId'>>;
