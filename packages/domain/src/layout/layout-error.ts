import type { DomainError } from '../errors/domain-error.js';

/** Host storage options that cannot work together (e.g. `lvm` without a volume group). */
export type InconsistentOptions = DomainError<'InconsistentOptions', 'OPTIONS_INCONSISTENT'>;
/**
 * The image's virtual size exceeds the disk made from it: the size the image
 * service declares, or, when it declares none or too little, the size of
 * the image's verified cache entry.
 */
export interface ImageTooLarge extends DomainError<'ImageTooLarge', 'IMAGE_TOO_LARGE'> {
  /** The image. */
  readonly imageId: string;
  readonly imageSize: number;
  readonly flavorSize: number;
}
/** The disk's size cannot be known in advance (flavor says 0 and the image declares no virtual size). */
export type SizeUnknown = DomainError<'SizeUnknown', 'SIZE_UNKNOWN'>;
/** The image's declared format cannot be placed on this backend under these options. */
export type ImageFormatUnsupported = DomainError<'ImageFormatUnsupported', 'IMAGE_FORMAT_UNSUPPORTED'>;

/** Why a disk could not be planned. */
export type LayoutError = InconsistentOptions | ImageTooLarge | SizeUnknown | ImageFormatUnsupported;

/** An `OPTIONS_INCONSISTENT` error naming the option that contradicts the host's others. */
export const inconsistentOptions = (path: string, message: string): InconsistentOptions => ({
  _tag: 'InconsistentOptions', code: 'OPTIONS_INCONSISTENT', path, message,
});

/** An `IMAGE_TOO_LARGE` error: image `image` holds `imageSize` bytes, more than the `diskSize`-byte disk at `path`. */
export const imageTooLarge = (image: string, imageSize: number, diskSize: number, path: string, disk = 'root disk'): ImageTooLarge => ({
  _tag: 'ImageTooLarge', code: 'IMAGE_TOO_LARGE', path, imageId: image, imageSize, flavorSize: diskSize,
  message: `image ${image} is ${imageSize} bytes, larger than the ${diskSize}-byte ${disk}`,
});
