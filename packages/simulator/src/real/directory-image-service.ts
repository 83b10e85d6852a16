/**
 * The `ImageService` port over a real site's image store, as one host sees
 * it: `show` declares (never verifies), `download` copies the image's bytes
 * into a new file on the host, `upload` stores a copy of a host file and has
 * it searched for secrets. Errors: `IMAGE_NOT_FOUND`, `IMAGE_SERVICE_FAILED`
 * (an id already taken), and `FileSystemError`s.
 */
import { access } from 'node:fs/promises';
import type { HostPath, ImageId, ImageMeta, ImageService, ImageServiceError, UploadMeta } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { ImageStore, StoredImage } from './image-store.js';
import type { LeakWatch } from './leak-watch.js';
import { sparseCopy } from '@disk-ledger/host';

const notFound = (id: string): ImageServiceError => ({ _tag: 'ImageNotFound', code: 'IMAGE_NOT_FOUND', imageId: id, path: id, message: `image ${id} not found` });

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

export class DirectoryImageService implements ImageService {
  constructor(
    private readonly store: ImageStore,
    /** The host downloads go to and uploads come from. */
    readonly host: string,
    private readonly watch: LeakWatch,
  ) {}

  private async find(id: ImageId): Promise<E.Either<ImageServiceError, StoredImage>> {
    return (await this.store.lookup(id, this.host)) ?? E.left(notFound(id));
  }

  show(id: ImageId): TE.TaskEither<ImageServiceError, ImageMeta> {
    return async () => E.map((s: StoredImage) => s.meta)(await this.find(id));
  }

  download(id: ImageId, dest: HostPath): TE.TaskEither<ImageServiceError, void> {
    return async () => {
      const image = await this.find(id);
      if (E.isLeft(image)) return image;
      if (await exists(dest)) return E.left({ _tag: 'FileSystemError', code: 'FS_EXISTS', path: dest, message: `download to ${dest}: file exists` });
      return sparseCopy(image.right.file, dest);
    };
  }

  upload(meta: UploadMeta, src: HostPath): TE.TaskEither<ImageServiceError, ImageMeta> {
    return async () => {
      const stored = await this.store.upload(meta, src);
      if (E.isLeft(stored)) return stored;
      await this.watch.upload(this.host, meta.id, stored.right.file);
      return E.right(stored.right.meta);
    };
  }
}
