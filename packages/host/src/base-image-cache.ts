/**
 * Adapts the `BaseImageCache` port to a directory on the host,
 * `<instancesPath>/_base` (or the subdirectory nova's `[image_cache] subdirectory_name` names). An entry is named by the first 40 hex digits of
 * the SHA-256 of the image id, never by the id, and it only ever appears by
 * a rename after verification, so an entry that exists is a verified image.
 * (The names also differ from the classic driver's SHA-1 names, so its
 * unverified entries are never picked up.)
 *
 * A miss downloads to `<entry>.part`, reads the leading bytes, runs
 * `qemu-img info -f <declared> --output=json` under resource limits when the
 * declared format needs it, and lets the domain's `verifyImage` decide. An
 * accepted vmdk is converted to raw (`qemu-img convert -f vmdk -O raw`, also under limits) into
 * `<entry>.conv` and renamed, so a conversion cut short never leaves a
 * half-written entry. The base `ensure` answers carries the entry's virtual
 * size, kept once known: a raw entry's length, a qcow2 entry's size as its
 * verification read it (or, for an entry an earlier process cached, as
 * `qemu-img info -f qcow2` reads it). Errors: the image service's, `FileSystemError`,
 * `CommandError`, `ToolOutputInvalid` and `ImageRejected`, each returned after
 * the part files are removed.
 */
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import {
  VERIFY_HEAD_BYTES,
  baseFormatOf,
  decodeQemuImgInfo,
  fileName,
  hostPath,
  imageId,
  imageRejected,
  joinPath,
  needsQemuInfo,
  verifyImage,
  volumeName,
  type BaseFormat,
  type BaseImage,
  type BaseImageCache,
  type BaseImageError,
  type CommandExecutor,
  type HostFiles,
  type HostPath,
  type ImageFormat,
  type ImageId,
  type ImageMeta,
  type ImageService,
  type QemuImgInfo,
  type ResourceLimits,
  type VerifiedImage,
} from '@disk-ledger/domain';
import * as Q from './qemu-img.js';
import { withSuffix } from './qemu-path.js';
import { DEFAULT_CONVERT_LIMITS, DEFAULT_INSPECT_LIMITS } from './inspect-limits.js';

/** Options of the host cache. */
export interface HostBaseImageCacheOptions {
  /** Accept verified vmdk input (converted to raw); refused by default. */
  readonly allowVmdk: boolean;
  /** CPU and address-space limits for `qemu-img info` on downloaded, unverified images. */
  readonly inspectLimits: ResourceLimits;
  /** CPU and address-space limits for converting a verified vmdk to raw (default {@link DEFAULT_CONVERT_LIMITS}). */
  readonly convertLimits?: ResourceLimits;
  /** The cache's directory in the instances path, nova's `[image_cache] subdirectory_name` (default {@link BASE_DIR}). */
  readonly subdirectory?: string;
}


/** The cache directory under the instances path. */
export const BASE_DIR = '_base';

/** An entry's file name: the first 40 hex digits of SHA-256 of the image id. */
export const entryName = (id: ImageId): string => createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 40);

type Ensured = { readonly base: BaseImage; readonly meta: ImageMeta };

type Ran<A> = Promise<E.Either<BaseImageError, A>>;

const NAME_MEMO = 1024;

/** The host's base-image cache. */
export class HostBaseImageCache implements BaseImageCache {
  /** Concurrent `ensure`s of one image in this process share one download. */
  private readonly inflight = new Map<string, Promise<E.Either<BaseImageError, Ensured>>>();

  /** The cache directory, checked once (its error is every call's). */
  private readonly dir: E.Either<BaseImageError, HostPath>;
  /** Entry names of the ids seen lately: a SHA-256 per disk made from an image showed in profiles. */
  private readonly names = new Map<string, string>();
  /** Virtual sizes of the entries read so far (see `entrySize`). */
  private readonly sizes = new Map<string, number>();
  /** The format each entry seen so far was verified as (see `cachedFormat`). */
  private readonly formats = new Map<string, BaseFormat>();

  constructor(
    instancesPath: HostPath,
    private readonly images: ImageService,
    private readonly files: HostFiles,
    private readonly exec: CommandExecutor,
    private readonly options: HostBaseImageCacheOptions = { allowVmdk: false, inspectLimits: DEFAULT_INSPECT_LIMITS },
  ) {
    // One directory name, as every other caller checks it: a '/' or '..' would put the cache outside the instances path.
    const sub = volumeName(String(options.subdirectory ?? BASE_DIR), 'image cache subdirectory');
    this.dir = E.isLeft(sub) ? sub : hostPath(`${String(instancesPath)}/${sub.right}`, 'image cache directory');
  }

  ensure(id: ImageId): TE.TaskEither<BaseImageError, Ensured> {
    return async () => {
      const checked = imageId(String(id), 'image id');
      if (E.isLeft(checked)) return checked;
      const dir = this.dir;
      if (E.isLeft(dir)) return dir;
      const name = fileName(this.entryNameOf(checked.right), 'cache entry');
      if (E.isLeft(name)) return name;
      return this.once(name.right, () => this.lookup(checked.right, dir.right, joinPath(dir.right, name.right)));
    };
  }

  entryName(id: ImageId): string {
    return this.entryNameOf(id);
  }

  private entryNameOf(id: ImageId): string {
    let name = this.names.get(id);
    if (name === undefined) {
      // Snapshot ids keep coming in a long-lived process; a bounded memo is enough for the catalogue's few hot ids.
      if (this.names.size >= NAME_MEMO) this.names.clear();
      name = entryName(id);
      this.names.set(id, name);
    }
    return name;
  }

  private once(key: string, task: () => Ran<Ensured>): Ran<Ensured> {
    const running = this.inflight.get(key);
    if (running !== undefined) return running;
    const started = task().finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return started;
  }

  private async lookup(id: ImageId, dir: HostPath, entry: HostPath): Ran<Ensured> {
    const meta = await this.images.show(id)();
    if (E.isLeft(meta)) return meta;
    const cached = await this.files.exists(entry)();
    if (E.isLeft(cached)) return cached;
    const declared = meta.right.diskFormat;
    if (!cached.right) {
      this.sizes.delete(entry);
      this.formats.delete(entry);
    }
    const format = cached.right ? await this.cachedFormat(id, declared, entry) : await this.fetch(id, declared, dir, entry);
    if (E.isLeft(format)) return format;
    const size = await this.entrySize(entry, format.right);
    return E.isLeft(size) ? size : E.right({ base: { path: entry, format: format.right, virtualSize: size.right }, meta: meta.right });
  }

  /**
   * The entry's virtual size, read with its format once per entry: an entry
   * never changes once in place (a new one comes by rename after a fetch,
   * which forgets the old size), and callers check that an image fits its
   * disk before any record names it, whatever size the image service
   * declared.
   */
  private async entrySize(entry: HostPath, format: BaseFormat): Ran<number> {
    const known = this.sizes.get(entry);
    if (known !== undefined) return E.right(known);
    // A raw entry's virtual size is its length; a qcow2 one's is read with its format (a fresh download's was, by verification).
    const size = format === 'raw' ? await this.files.fileSize(entry)() : await this.qcow2Size(entry);
    if (E.isRight(size)) this.keepSize(entry, size.right);
    return size;
  }

  private async qcow2Size(entry: HostPath): Ran<number> {
    const r = await this.exec.run({ argv: Q.info({ qpath: entry, format: 'qcow2' }), limits: this.options.inspectLimits })();
    if (E.isLeft(r)) return r;
    const info = Q.decodeInfo(r.right.stdout, 'qcow2');
    return E.isLeft(info) ? info : E.right(info.right.virtualSize);
  }

  private keepSize(entry: HostPath, size: number): void {
    if (this.sizes.size >= NAME_MEMO) this.sizes.clear();
    this.sizes.set(entry, size);
  }

  /**
   * The format of an existing entry: fixed by the declared format alone
   * (`baseFormatOf`, the same function verification stores by), never read
   * from the entry, which may only refuse it. A declared format that is
   * never accepted cannot have an entry of ours, so one found there is
   * refused rather than used.
   */
  private async cachedFormat(id: ImageId, declared: ImageFormat, entry: HostPath): Ran<BaseFormat> {
    const format = baseFormatOf(declared);
    if (format === null) return E.left(imageRejected(id, declared, { reason: 'UNSUPPORTED_FORMAT', message: `declared format ${declared} is never cached` }));
    if (this.formats.get(entry) === format) return E.right(format);
    // Verified as one format, an entry is not verified as another: an image declared anew (or an entry an earlier
    // process made, whose format this one has not seen) must still hold what its declaration says. Its leading bytes
    // tell, without qemu-img: a converted vmdk whose contents begin with a qcow2 header naming a host file is raw.
    const held = await this.headHolds(id, entry, format, declared, `its cache entry ${entry}, verified as another format, is no ${format} image`);
    if (E.isLeft(held)) return held;
    this.keepFormat(entry, format);
    return E.right(format);
  }

  /**
   * Whether the leading bytes of `path` pass verification as `format` (a qcow2 header needs no `qemu-img info` here:
   * the file was made by this cache); a refusal is the image's, as `declared`, saying `why`.
   */
  private async headHolds(id: ImageId, path: HostPath, format: BaseFormat, declared: ImageFormat, why: string): Ran<void> {
    const head = await this.files.readHead(path, VERIFY_HEAD_BYTES)();
    if (E.isLeft(head)) return head;
    const verdict = verifyImage({ imageId: id, declared: format, head: head.right, allowVmdk: false, info: null });
    if (E.isRight(verdict) || verdict.left.reason === 'INFO_REQUIRED') return E.right(undefined);
    return E.left({ ...verdict.left, declared, message: `image ${id} declared ${declared} rejected (${verdict.left.reason}): ${why}` });
  }

  private keepFormat(entry: HostPath, format: BaseFormat): void {
    if (this.formats.size >= NAME_MEMO) this.formats.clear();
    this.formats.set(entry, format);
  }

  /** Download, verify, and publish the entry by rename; on any failure remove the part files. */
  private async fetch(id: ImageId, declared: ImageFormat, dir: HostPath, entry: HostPath): Ran<BaseFormat> {
    const part = withSuffix(entry, '.part');
    const conv = withSuffix(entry, '.conv');
    const fetched = await this.download(id, declared, dir, entry, part, conv);
    if (E.isLeft(fetched)) await this.discard(part, conv);
    return fetched;
  }

  private async download(id: ImageId, declared: ImageFormat, dir: HostPath, entry: HostPath, part: HostPath, conv: HostPath): Ran<BaseFormat> {
    // A format no check here reads (ploop's) could only be refused once downloaded: refuse it before.
    if (baseFormatOf(declared) === null) return E.left(imageRejected(id, declared, { reason: 'UNSUPPORTED_FORMAT', message: `declared format ${declared} is never cached: nothing here can verify it` }));
    const made = await this.files.mkdirp(dir)();
    if (E.isLeft(made)) return made;
    const cleared = await this.discard(part, conv);
    if (E.isLeft(cleared)) return cleared;
    const downloaded = await this.images.download(id, part)();
    if (E.isLeft(downloaded)) return downloaded;
    const head = await this.files.readHead(part, VERIFY_HEAD_BYTES)();
    if (E.isLeft(head)) return head;
    const verdict = await this.verify(id, declared, part, head.right);
    if (E.isLeft(verdict)) return verdict;
    const published = await this.publish(id, verdict.right, part, conv, entry);
    if (E.isLeft(published)) return published;
    this.keepFormat(entry, verdict.right.baseFormat);
    // A qcow2 entry is the download itself, whose size verification read: no second qemu-img info for it.
    if (verdict.right.baseFormat === 'qcow2' && verdict.right.infoSize !== null) this.keepSize(entry, verdict.right.infoSize);
    return E.right(verdict.right.baseFormat);
  }

  /** Remove the part files of a download (the second only once the first is gone). */
  private async discard(part: HostPath, conv: HostPath): Ran<void> {
    const r = await this.files.remove(part)();
    return E.isLeft(r) ? r : this.files.remove(conv)();
  }

  /** Make the entry appear, whole, by a rename: of the download, or of its conversion to raw. */
  private async publish(id: ImageId, verdict: VerifiedImage, part: HostPath, conv: HostPath, entry: HostPath): Ran<void> {
    if (verdict.convertFrom === null) return this.files.rename(part, entry)();
    const argv = Q.convert({ qpath: part, format: verdict.convertFrom }, { qpath: conv, format: 'raw' });
    const converted = await this.exec.run({ argv, limits: this.options.convertLimits ?? DEFAULT_CONVERT_LIMITS })();
    if (E.isLeft(converted)) return converted;
    // The conversion's output is a raw image like any other: contents beginning with another format's header are
    // refused as a raw download is, so no entry of the cache is ever such a header (its format declared anew or not).
    const raw = await this.headHolds(id, conv, 'raw', verdict.declared, "its contents, converted to raw, begin with another format's header");
    if (E.isLeft(raw)) return raw;
    const renamed = await this.files.rename(conv, entry)();
    return E.isLeft(renamed) ? renamed : this.files.remove(part)();
  }

  /**
   * Verify the header first, then, only if it passes and the format needs
   * it, `qemu-img info`: a header that names a backing file or an extent
   * is refused before qemu-img could open that file.
   */
  private async verify(id: ImageId, declared: ImageFormat, part: HostPath, head: Uint8Array): Ran<VerifiedImage & { readonly infoSize: number | null }> {
    const input = { imageId: id, declared, head, allowVmdk: this.options.allowVmdk };
    const headOnly = verifyImage({ ...input, info: null });
    // INFO_REQUIRED is the one rejection that means "the header passed; show me qemu-img info".
    const headPassed = E.isRight(headOnly) || headOnly.left.reason === 'INFO_REQUIRED';
    if (!headPassed || !needsQemuInfo(declared)) return E.isLeft(headOnly) ? headOnly : E.right({ ...headOnly.right, infoSize: null });
    const info = await this.inspect(id, part, declared);
    if (E.isLeft(info)) return info;
    const verdict = verifyImage({ ...input, info: info.right });
    return E.isLeft(verdict) ? verdict : E.right({ ...verdict.right, infoSize: info.right['virtual-size'] });
  }

  /** `qemu-img info -f <declared> --output=json` of the unverified download, with CPU and memory limits. */
  private async inspect(id: ImageId, part: HostPath, declared: ImageFormat): Ran<QemuImgInfo> {
    const r = await this.exec.run({ argv: Q.info({ qpath: part, format: Q.qemuImageFormat(declared) }), limits: this.options.inspectLimits })();
    if (E.isRight(r)) return decodeQemuImgInfo(r.right.stdout);
    // qemu-img refusing the upload (a table too large, a size out of range), or its limits killing it, is a verdict on the image; a missing qemu-img is not.
    const e = r.left;
    if (e._tag !== 'CommandFailed' && e._tag !== 'CommandKilled') return r;
    const said = e._tag === 'CommandFailed' ? (e.stderr.trim().split('\n')[0] ?? '') : e.message;
    return E.left(imageRejected(id, declared, { reason: 'INFO_FAILED', message: `qemu-img info -f ${Q.qemuImageFormat(declared)} refused it: ${said}` }));
  }
}
