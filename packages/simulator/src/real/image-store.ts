/**
 * The image service's store on a real site: files under `<root>/images`.
 * A catalogue image is rendered for each host on first use, as a hostile
 * image points at a host path and every host has its own `/etc/shadow`;
 * an upload is one file, whatever host it came from. Files are named by a
 * hash of the image id (ids may hold `:`, which qemu reads as a protocol).
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { imageId, type ImageFormat, type ImageId, type ImageMeta, type ImageServiceError, type UploadMeta } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { ImageSpec } from '../scenario/scenario.js';
import { writeImageFile } from './image-files.js';
import type { QemuObserver } from './qemu-observer.js';
import type { SiteLayout } from './site-layout.js';
import { qemuImageFormat, sparseCopy } from '@disk-ledger/host';

/** An image's bytes and what the service declares about them. */
export interface StoredImage {
  readonly file: string;
  readonly meta: ImageMeta;
}

const RAW_LIKE: readonly ImageFormat[] = ['raw', 'iso', 'ami', 'ari', 'aki'];

const nameOf = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 40);

const serviceFailed = (message: string): ImageServiceError => ({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message });

const checkedId = (v: string): ImageId => {
  const id = imageId(v);
  // Image ids were checked before the site was opened.
  if (E.isLeft(id)) throw new Error(`unreachable: ${id.left.message}`);
  return id.right;
};

const idOrNull = (v: string | undefined): ImageId | null => (v === undefined ? null : checkedId(v));

export class ImageStore {
  private readonly catalogue = new Map<string, ImageSpec>();
  private readonly rendered = new Map<string, Promise<E.Either<ImageServiceError, StoredImage>>>();
  private readonly uploads = new Map<string, StoredImage>();

  constructor(
    images: readonly ImageSpec[],
    private readonly layout: SiteLayout,
    private readonly observer: QemuObserver,
    /** Where a hostile image's `target` is on a host. */
    private readonly targetOn: (host: string, image: ImageSpec) => string,
  ) {
    for (const img of images) this.catalogue.set(img.id, img);
  }

  /** The image as `host` downloads it; `null` when the service does not know it. */
  lookup(id: string, host: string): Promise<E.Either<ImageServiceError, StoredImage>> | null {
    const uploaded = this.uploads.get(id);
    if (uploaded !== undefined) return Promise.resolve(E.right(uploaded));
    const spec = this.catalogue.get(id);
    if (spec === undefined) return null;
    const key = `${host}\u0000${id}`;
    let r = this.rendered.get(key);
    if (r === undefined) {
      r = this.render(spec, host);
      this.rendered.set(key, r);
    }
    return r;
  }

  private async render(spec: ImageSpec, host: string): Promise<E.Either<ImageServiceError, StoredImage>> {
    const dir = `${this.layout.imagesDir}/catalogue/${host}`;
    await mkdir(dir, { recursive: true });
    const file = `${dir}/${nameOf(spec.id)}`;
    const content = spec.content ?? 'benign';
    const virtualSize = spec.virtual_size ?? 1024 ** 3;
    const recipe = { id: spec.id, diskFormat: spec.disk_format, virtualSize, content, target: content === 'benign' ? null : this.targetOn(host, spec) };
    // A size the host's file system cannot hold (ext4 stops at 16 TiB) is the image's failure, as qemu-img's own is.
    const written = await writeImageFile(recipe, file, this.observer).catch((e: unknown) => E.left(e instanceof Error ? e.message : String(e)));
    if (E.isLeft(written)) return E.left(serviceFailed(`image ${spec.id}: cannot be built on the real host: ${written.left}`));
    const meta: ImageMeta = {
      id: checkedId(spec.id),
      diskFormat: spec.disk_format,
      containerFormat: spec.container_format ?? 'bare',
      size: (await stat(file)).size,
      virtualSize,
      kernelId: idOrNull(spec.kernel_id),
      ramdiskId: idOrNull(spec.ramdisk_id),
    };
    return E.right({ file, meta });
  }

  /** Whether the id is taken. */
  has(id: string): boolean {
    return this.uploads.has(id) || this.catalogue.has(id);
  }

  /** Store a copy of `src` as a new image; its virtual size is read with the declared format named, when it can be. */
  async upload(meta: UploadMeta, src: string): Promise<E.Either<ImageServiceError, StoredImage>> {
    if (this.has(meta.id)) return E.left(serviceFailed(`image ${meta.id} already exists`));
    const file = `${this.layout.imagesDir}/uploads/${nameOf(meta.id)}`;
    const copied = await sparseCopy(src, file);
    if (E.isLeft(copied)) return copied;
    const size = (await stat(file)).size;
    let virtualSize: number | null = size;
    if (!RAW_LIKE.includes(meta.diskFormat)) {
      const info = await this.observer.info(file, qemuImageFormat(meta.diskFormat));
      virtualSize = E.isRight(info) ? info.right.virtualSize : null;
    }
    const stored: StoredImage = { file, meta: { id: meta.id, diskFormat: meta.diskFormat, containerFormat: meta.containerFormat, size, virtualSize, kernelId: meta.kernelId ?? null, ramdiskId: meta.ramdiskId ?? null } };
    this.uploads.set(meta.id, stored);
    return E.right(stored);
  }
}
