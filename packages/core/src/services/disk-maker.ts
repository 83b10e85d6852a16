/**
 * Makes one disk on this host from its source, at a location its record
 * gives: from a verified image's cache entry, a shared template (an
 * ephemeral file system, a swap area), a blank, or a config drive built
 * beside the disk and copied in. Whether the record was durable first, and
 * whether the disk is then as recorded, are the realizer's.
 */
import {
  byteSize,
  instanceDir,
  novaFileName,
  type BaseImageCache,
  type ByteSize,
  type ConfigDriveContents,
  type ConfigDriveFile,
  type DiskMetadata,
  type DiskName,
  type DiskSource,
  type HostFiles,
  type HostPath,
  type InstanceId,
  type TemplateBuilder,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError, DiskLost } from '../errors/core-error.js';
import { imageCacheDir, type HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { instanceConfigFiles, type RecordSource } from './disk-source.js';
import { RecordedDiskReader, type OpenedDisk } from './recorded-disk-reader.js';
import { TemplateCache } from './template-cache.js';

/**
 * Whether making `disk` from `source` would invent its contents: a root or
 * rescue disk with no image to make it from, whose record does not say it
 * was made blank (the classic driver's facts or an operator gave it).
 */
export const inventsContents = (disk: DiskName, meta: DiskMetadata, source: DiskSource): boolean =>
  source.kind === 'func' && source.func.kind === 'blank' && (disk === 'root' || disk === 'rescue') && (meta.provenance === 'derived' || meta.provenance === 'operator');

/** A missing disk that nothing recorded can make again. */
export const diskLost = (instance: InstanceId, disk: DiskName, meta: DiskMetadata): DiskLost => ({
  _tag: 'DiskLost', code: 'DISK_LOST', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} is missing and its record (provenance ${meta.provenance ?? 'unknown'}) names no image to make it again from: rebuild the instance from an image, or delete it`,
});

type Ran<A> = Promise<E.Either<CoreError, A>>;

/** Makes disks from their sources on one host. */
@injectable()
export class DiskMaker {
  private readonly templates: TemplateCache;

  constructor(
    @inject(TOKENS.HostContext) private readonly ctx: HostContext,
    @inject(TOKENS.HostFiles) private readonly files: HostFiles,
    @inject(TOKENS.BaseImageCache) private readonly cache: BaseImageCache,
    @inject(TOKENS.TemplateBuilder) private readonly builder: TemplateBuilder,
    @inject(RecordedDiskReader) private readonly reader: RecordedDiskReader,
    @inject(TOKENS.ConfigDriveContents) private readonly configDrives: ConfigDriveContents,
  ) {
    this.templates = new TemplateCache(imageCacheDir(ctx), files, builder);
  }

  /** Make the disk `meta` records from `source` (`DISK_LOST` for a root or rescue disk it would have to invent). */
  async create(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: DiskSource): Ran<void> {
    if (inventsContents(disk, meta, source)) return E.left(diskLost(instance, disk, meta));
    const size = byteSize(meta.size);
    if (E.isLeft(size)) return size;
    const target = await this.reader.opened(instance, disk, meta);
    if (E.isLeft(target)) return target;
    const dir = await this.files.mkdirp(instanceDir(this.ctx.instancesPath, instance))();
    if (E.isLeft(dir)) return dir;
    const { driver, image } = target.right;
    const n = size.right;
    if (source.kind === 'image') {
      const cached = await this.cache.ensure(source.imageId)();
      return E.isLeft(cached) ? cached : driver.createFromBase(image, cached.right.base, n)();
    }
    const func = source.func;
    if (func.kind === 'blank') return driver.createBlank(image, n)();
    if (func.kind === 'config-drive') return this.fromScratchFile(instance, disk, target.right, n, (path) => this.builder.build(func, path, n));
    const template = await this.templates.ensure(func, n)();
    // A template holds exactly the size it was built for (its name says which), so the driver need not read it.
    return E.isLeft(template) ? template : driver.createFromBase(image, { path: template.right, format: 'raw', virtualSize: n }, n)();
  }

  /**
   * `source` ready to make a disk of `size` from: the instance's config
   * drive gets its files from the fleet's port, checked as a caller's would
   * be (paths a tool can take, contents that fit), so that a refusal comes
   * before the disk's record changes.
   */
  async resolve(instance: InstanceId, source: RecordSource, size: number): Ran<DiskSource> {
    if (source.kind !== 'instance-config-drive') return E.right(source);
    const files = await instanceConfigFiles(this.configDrives, instance, size);
    return E.map((f: readonly ConfigDriveFile[]): DiskSource => ({ kind: 'func', func: { kind: 'config-drive', files: f } }))(files);
  }

  /** Build an instance-specific source (a config drive) beside the disk, copy it in, then remove it. */
  private async fromScratchFile(
    instance: InstanceId,
    disk: DiskName,
    target: OpenedDisk,
    size: ByteSize,
    build: (path: HostPath) => TE.TaskEither<CoreError, void>,
  ): Ran<void> {
    const scratch = `${instanceDir(this.ctx.instancesPath, instance)}/${novaFileName(disk)}.build` as HostPath;
    const made = await this.madeFromScratch(scratch, target, size, build);
    if (E.isRight(made)) return made;
    // The scratch file goes on failure too; should that removal fail, its error is the one reported.
    const cleaned = await this.files.remove(scratch)();
    return E.isLeft(cleaned) ? cleaned : made;
  }

  private async madeFromScratch(scratch: HostPath, target: OpenedDisk, size: ByteSize, build: (path: HostPath) => TE.TaskEither<CoreError, void>): Ran<void> {
    const cleared = await this.files.remove(scratch)();
    if (E.isLeft(cleared)) return cleared;
    const built = await build(scratch)();
    if (E.isLeft(built)) return built;
    const created = await target.driver.createFromBase(target.image, { path: scratch, format: 'raw', virtualSize: size }, size)();
    return E.isLeft(created) ? created : this.files.remove(scratch)();
  }
}
