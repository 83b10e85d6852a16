/**
 * Adapts the `ImageService` port to the fake cluster's image catalogue, for
 * one host: `show` returns the declared metadata (declared, not verified:
 * the bytes may disagree, SECURITY.md), `download` writes the image's bytes
 * as a new file on the host, `upload` stores a host file's bytes as a new
 * image — and records a leak for every host secret marker found in them.
 * Errors: an unknown image is `IMAGE_NOT_FOUND`; an upload over an existing
 * id is `IMAGE_SERVICE_FAILED`; file problems are `FileSystemError`s as
 * `FakeHostFiles` reports them. While the host is down every call rejects
 * with `HostDown`.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { HostPath, ImageId, ImageMeta, ImageNotFound, ImageService, ImageServiceError, ImageServiceFailed, UploadMeta } from '@disk-ledger/domain';
import { storedMarkers } from './content/data.js';
import type { Volume } from './content/volume.js';
import { fsError } from './fake-host-files.js';
import type { ClusterState } from './state/cluster-state.js';
import { normalizePath } from './state/file-system.js';

const notFound = (id: string): ImageNotFound => ({ _tag: 'ImageNotFound', code: 'IMAGE_NOT_FOUND', imageId: id, path: id, message: `image ${id} not found` });
const serviceFailed = (message: string): ImageServiceFailed => ({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message });

/** The virtual size the service records for uploaded bytes declared as `diskFormat`, when it can tell. */
const declaredVirtualSize = (volume: Volume, diskFormat: string): number | null => {
  const h = volume.data.header;
  if (diskFormat === 'raw' || diskFormat === 'iso') return volume.length;
  if (h !== null && (h.format === diskFormat || (h.format === 'parallels' && diskFormat === 'ploop'))) return h.virtualSize;
  return null;
};

/** The image service as seen from one host of a fake cluster. */
export class FakeImageService implements ImageService {
  constructor(
    private readonly cluster: ClusterState,
    /** The host downloads go to and uploads come from. */
    readonly host: string,
  ) {
    cluster.host(host);
  }

  show(id: ImageId): TE.TaskEither<ImageServiceError, ImageMeta> {
    return async () => {
      this.cluster.liveHost(this.host);
      const image = this.cluster.images.get(id);
      return image === undefined ? E.left(notFound(id)) : E.right(image.meta);
    };
  }

  download(id: ImageId, dest: HostPath): TE.TaskEither<ImageServiceError, void> {
    return async () => {
      const fs = this.cluster.liveHost(this.host).fs;
      const image = this.cluster.images.get(id);
      if (image === undefined) return E.left(notFound(id));
      const path = normalizePath(dest);
      if (path === null) return E.left(fsError('download to', { code: 'EINVAL', path: dest }));
      const r = fs.writeFile(path, image.volume, 'create');
      return r.ok ? E.right(undefined) : E.left(fsError('download to', r.failure));
    };
  }

  upload(meta: UploadMeta, src: HostPath): TE.TaskEither<ImageServiceError, ImageMeta> {
    return async () => {
      const fs = this.cluster.liveHost(this.host).fs;
      const path = normalizePath(src);
      const volume = path === null ? undefined : fs.file(path);
      if (volume === undefined) return E.left(fsError('upload from', { code: path !== null && fs.isDir(path) ? 'EISDIR' : 'ENOENT', path: src }));
      if (this.cluster.images.has(meta.id)) return E.left(serviceFailed(`image ${meta.id} already exists`));
      const stored: ImageMeta = {
        id: meta.id,
        diskFormat: meta.diskFormat,
        containerFormat: meta.containerFormat,
        size: volume.length,
        virtualSize: declaredVirtualSize(volume, meta.diskFormat),
        kernelId: meta.kernelId ?? null,
        ramdiskId: meta.ramdiskId ?? null,
      };
      this.cluster.images.put({ meta: stored, volume });
      this.cluster.recordSecretLeaks(this.host, storedMarkers(volume.data).secrets, `image ${meta.id}`, 'upload', null);
      return E.right(stored);
    };
  }
}
