/**
 * Adapts the `BaseImageCache` port to a directory on the host,
 * `<instancesPath>/_base`. An entry is named by the first 40 hex digits of
 * the SHA-256 of the image id, never by the id, and it only ever appears by
 * a rename after verification, so an entry that exists is a verified image.
 * (The names also differ from the classic driver's SHA-1 names, so its
 * unverified entries are never picked up.)
 *
 * A miss downloads to `<entry>.part`, reads the leading bytes, runs
 * `qemu-img info -f <declared> --output=json` under resource limits when the
 * declared format needs it, and lets the domain's `verifyImage` decide. An
 * accepted vmdk is converted to raw (`qemu-img convert -f vmdk -O raw`) into
 * `<entry>.conv` and renamed, so a conversion cut short never leaves a
 * half-written entry. Errors: the image service's, `FileSystemError`,
 * `CommandError`, `ToolOutputInvalid` and `ImageRejected`, each returned after
 * the part files are removed.
 */
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
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

/** Options of the host cache. */
export interface HostBaseImageCacheOptions {
  /** Accept verified vmdk input (converted to raw); refused by default. */
  readonly allowVmdk: boolean;
  /** CPU and address-space limits for `qemu-img info` on downloaded, unverified images. */
  readonly inspectLimits: ResourceLimits;
}

/** The limits the classic driver uses for `qemu-img info` on untrusted images: 30 s CPU, 1 GiB address space. */
export const DEFAULT_INSPECT_LIMITS: ResourceLimits = { cpuSeconds: 30, addressSpaceBytes: 1024 * 1024 * 1024 };

/** The cache directory under the instances path. */
export const BASE_DIR = '_base';

/** An entry's file name: the first 40 hex digits of SHA-256 of the image id. */
export const entryName = (id: ImageId): string => createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 40);

type Ensured = { readonly base: BaseImage; readonly meta: ImageMeta };

/** The host's base-image cache. */
export class HostBaseImageCache implements BaseImageCache {
  /** Concurrent `ensure`s of one image in this process share one download. */
  private readonly inflight = new Map<string, Promise<E.Either<BaseImageError, Ensured>>>();

  constructor(
    private readonly instancesPath: HostPath,
    private readonly images: ImageService,
    private readonly files: HostFiles,
    private readonly exec: CommandExecutor,
    private readonly options: HostBaseImageCacheOptions = { allowVmdk: false, inspectLimits: DEFAULT_INSPECT_LIMITS },
  ) {}

  ensure(id: ImageId): TE.TaskEither<BaseImageError, Ensured> {
    return pipe(
      TE.fromEither(
        pipe(
          imageId(String(id), 'image id'),
          E.bindTo('checked'),
          E.bindW('dir', () => hostPath(`${String(this.instancesPath)}/${BASE_DIR}`, 'instances path')),
          E.bindW('name', ({ checked }) => fileName(entryName(checked), 'cache entry')),
        ),
      ),
      TE.chainW(({ checked, dir, name }) => this.once(name, this.lookup(checked, dir, joinPath(dir, name)))),
    );
  }

  private once(key: string, task: TE.TaskEither<BaseImageError, Ensured>): TE.TaskEither<BaseImageError, Ensured> {
    return () => {
      const running = this.inflight.get(key);
      if (running !== undefined) return running;
      const started = task().finally(() => this.inflight.delete(key));
      this.inflight.set(key, started);
      return started;
    };
  }

  private lookup(id: ImageId, dir: HostPath, entry: HostPath): TE.TaskEither<BaseImageError, Ensured> {
    return pipe(
      this.images.show(id),
      TE.bindTo('meta'),
      TE.bindW('cached', () => this.files.exists(entry)),
      TE.chainW(({ meta, cached }) =>
        pipe(
          cached ? TE.fromEither(this.cachedFormat(id, meta.diskFormat)) : this.fetch(id, meta.diskFormat, dir, entry),
          TE.map((format) => ({ base: { path: entry, format }, meta })),
        ),
      ),
    );
  }

  /**
   * The format of an existing entry: fixed by the declared format alone
   * (`baseFormatOf`, the same function verification stores by), never read
   * from the entry. A declared format that is never accepted cannot have an
   * entry of ours, so one found there is refused rather than used.
   */
  private cachedFormat(id: ImageId, declared: ImageFormat): E.Either<BaseImageError, BaseFormat> {
    const format = baseFormatOf(declared);
    return format === null
      ? E.left(imageRejected(id, declared, { reason: 'UNSUPPORTED_FORMAT', message: `declared format ${declared} is never cached` }))
      : E.right(format);
  }

  /** Download, verify, and publish the entry by rename; on any failure remove the part files. */
  private fetch(id: ImageId, declared: ImageFormat, dir: HostPath, entry: HostPath): TE.TaskEither<BaseImageError, BaseFormat> {
    const part = withSuffix(entry, '.part');
    const conv = withSuffix(entry, '.conv');
    const discard = pipe(this.files.remove(part), TE.chain(() => this.files.remove(conv)));
    return pipe(
      this.files.mkdirp(dir),
      TE.chain(() => discard),
      TE.chainW(() => this.images.download(id, part)),
      TE.chainW(() => this.files.readHead(part, VERIFY_HEAD_BYTES)),
      TE.chainW((head) => this.verify(id, declared, part, head)),
      TE.chainW((verdict) => pipe(this.publish(verdict, part, conv, entry), TE.map(() => verdict.baseFormat))),
      TE.orElse((e) => pipe(discard, TE.foldW(() => TE.left(e), () => TE.left(e)))),
    );
  }

  /** Make the entry appear, whole, by a rename: of the download, or of its conversion to raw. */
  private publish(verdict: VerifiedImage, part: HostPath, conv: HostPath, entry: HostPath): TE.TaskEither<BaseImageError, void> {
    if (verdict.convertFrom === null) return this.files.rename(part, entry);
    const argv = Q.convert({ qpath: part, format: verdict.convertFrom }, { qpath: conv, format: 'raw' });
    return pipe(
      this.exec.run({ argv }),
      TE.chainW(() => this.files.rename(conv, entry)),
      TE.chainW(() => this.files.remove(part)),
    );
  }

  /**
   * Verify the header first, then, only if it passes and the format needs
   * it, `qemu-img info`: a header that names a backing file or an extent
   * is refused before qemu-img could open that file.
   */
  private verify(id: ImageId, declared: ImageFormat, part: HostPath, head: Uint8Array): TE.TaskEither<BaseImageError, VerifiedImage> {
    const input = { imageId: id, declared, head, allowVmdk: this.options.allowVmdk };
    const headOnly = verifyImage({ ...input, info: null });
    // INFO_REQUIRED is the one rejection that means "the header passed; show me qemu-img info".
    const headPassed = E.isRight(headOnly) || headOnly.left.reason === 'INFO_REQUIRED';
    if (!headPassed || !needsQemuInfo(declared)) return TE.fromEither(headOnly);
    return pipe(
      this.inspect(part, declared),
      TE.chainEitherKW((info) => verifyImage({ ...input, info })),
    );
  }

  /** `qemu-img info -f <declared> --output=json` of the unverified download, with CPU and memory limits. */
  private inspect(part: HostPath, declared: ImageFormat): TE.TaskEither<BaseImageError, QemuImgInfo> {
    return pipe(
      this.exec.run({ argv: Q.info({ qpath: part, format: Q.qemuImageFormat(declared) }), limits: this.options.inspectLimits }),
      TE.chainEitherKW((r) => decodeQemuImgInfo(r.stdout)),
    );
  }
}
