/**
 * The fake image service's catalogue, shared by every host: each image's
 * declared metadata and its bytes.
 */
import type { ImageMeta } from '@disk-ledger/domain';
import type { Volume } from '../content/volume.js';

/** An image: what the service declares and what it really holds. */
export interface StoredImage {
  readonly meta: ImageMeta;
  readonly volume: Volume;
}

/** Images by id. */
export class ImageCatalogue {
  private readonly images = new Map<string, StoredImage>();

  get(id: string): StoredImage | undefined {
    return this.images.get(id);
  }

  has(id: string): boolean {
    return this.images.has(id);
  }

  put(image: StoredImage): void {
    this.images.set(image.meta.id, image);
  }

  /** Whether there was such an image to remove. */
  delete(id: string): boolean {
    return this.images.delete(id);
  }

  values(): IterableIterator<StoredImage> {
    return this.images.values();
  }
}
