import {
  byteSize,
  instanceDir,
  novaFileName,
  type BaseImageCache,
  type ByteSize,
  type DiskDriver,
  type DiskDrivers,
  type DiskImage,
  type DiskMetadata,
  type DiskName,
  type DiskSource,
  type HostFiles,
  type HostPath,
  type InstanceId,
  type TemplateBuilder,
} from '@disk-ledger/domain';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError, DiskMismatch } from '../errors/core-error.js';
import type { HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { locate } from './disk-locator.js';
import { sourceOf } from './disk-source.js';
import { DiskMetadataService } from './metadata-service.js';
import { placedSize } from './placement.js';
import { stagedImage, stagedPath } from './staging.js';
import { TemplateCache } from './template-cache.js';

/** Whether the recorded disk is on the host (checked against the record). */
export type DiskPresence = 'absent' | 'present';

/** A recorded disk opened on this host: its driver and its image (location and format). */
export interface OpenedDisk {
  readonly driver: DiskDriver;
  readonly image: DiskImage;
}

const mismatch = (instance: InstanceId, disk: DiskName, code: DiskMismatch['code'], message: string, cause?: unknown): DiskMismatch => ({
  _tag: 'DiskMismatch', code, instance, disk, path: `${instance}/${disk}`, message, cause,
});

/**
 * Makes recorded disks exist on this host, exactly as recorded. It is only
 * ever handed a record that is already durable (persist before create), and
 * it reads the disk only through the driver, with the recorded format.
 */
@injectable()
export class DiskRealizer {
  private readonly templates: TemplateCache;

  constructor(
    @inject(TOKENS.HostContext) private readonly ctx: HostContext,
    @inject(TOKENS.DiskDrivers) private readonly drivers: DiskDrivers,
    @inject(TOKENS.HostFiles) private readonly files: HostFiles,
    @inject(TOKENS.BaseImageCache) private readonly cache: BaseImageCache,
    @inject(TOKENS.TemplateBuilder) private readonly builder: TemplateBuilder,
    @inject(DiskMetadataService) private readonly metadata: DiskMetadataService,
  ) {
    this.templates = new TemplateCache(ctx.instancesPath, files, builder);
  }

  /** The driver and image of a recorded disk on this host. */
  open(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, OpenedDisk> {
    return pipe(
      TE.fromEither(locate(this.ctx, instance, disk, meta)),
      TE.chainW((image) => pipe(this.drivers.forBackend(meta.backend), TE.map((driver) => ({ driver, image })))),
    );
  }

  /**
   * Compare the host with the record: absent, present with the recorded size,
   * or a typed mismatch (opening it with the recorded format failed, or its
   * size differs). Never "fixed" silently.
   */
  check(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, DiskPresence> {
    return pipe(
      this.open(instance, disk, meta),
      TE.chainW(({ driver, image }) =>
        pipe(
          driver.inspect(image),
          TE.mapLeft((e): CoreError =>
            e._tag === 'CommandFailed'
              ? mismatch(instance, disk, 'DISK_FORMAT_MISMATCH', `${instance}/${disk} does not open as ${meta.format} as its record says`, e)
              : e,
          ),
        ),
      ),
      TE.chainW((state) => {
        if (!state.exists) return TE.right<CoreError, DiskPresence>('absent');
        // LVM rounds a volume up to whole extents; a record that predates rounded planning names the size asked for.
        const asAllocated = meta.backend === 'lvm' && state.virtualSize === placedSize('lvm', meta.size);
        return state.virtualSize === meta.size || asAllocated
          ? TE.right<CoreError, DiskPresence>('present')
          : TE.left(mismatch(instance, disk, 'DISK_SIZE_MISMATCH', `${instance}/${disk} holds ${state.virtualSize} bytes, its record says ${meta.size}`));
      }),
    );
  }

  /**
   * Make a disk's source ready on this host before any record names it: an
   * image is downloaded and verified into the base cache, so that a rejected
   * image fails the request while nothing of the instance exists yet. A
   * staged copy of the disk left by an interrupted move or conversion is
   * dropped: this disk is to be made from its source, not from that copy.
   */
  prepare(instance: InstanceId, disk: DiskName, source: DiskSource): TE.TaskEither<CoreError, void> {
    return pipe(
      this.files.remove(stagedPath(this.ctx.instancesPath, instance, disk)),
      TE.chainW(() => (source.kind === 'image' ? pipe(this.cache.ensure(source.imageId), TE.map(() => undefined)) : TE.right(undefined))),
    );
  }

  /** Make a recorded disk exist from the source its record names: its image, or the func its role implies. */
  realizeRecorded(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, DiskMetadata> {
    return pipe(TE.fromEither(sourceOf(disk, meta)), TE.chainW((source) => this.realize(instance, disk, meta, source)));
  }

  /**
   * Make the recorded disk exist and mark its record `ready`. A `ready` disk
   * that is present is left alone. A `creating` record's leftovers (a crash
   * part-way) are removed and the disk made again with exactly that layout:
   * from the staged copy of its data when one is on this host (a move or a
   * conversion was interrupted), else from its source.
   */
  realize(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: DiskSource): TE.TaskEither<CoreError, DiskMetadata> {
    const ready: DiskMetadata = { ...meta, state: 'ready' };
    if (meta.state !== 'creating') {
      return pipe(
        // A complete disk needs no staged copy: one left by an interrupted move or conversion is dropped.
        this.unstage(instance, disk),
        TE.chainW(() => this.check(instance, disk, meta)),
        TE.chainW((presence) =>
          presence === 'present'
            ? meta.state === 'ready' ? TE.right(undefined) : this.metadata.saveAll(instance, [{ disk, meta: ready }])
            : this.remake(instance, disk, meta, source),
        ),
        TE.map(() => ready),
      );
    }
    const staged = stagedPath(this.ctx.instancesPath, instance, disk);
    const fromSource = pipe(
      this.remove(instance, disk, meta),
      TE.chainW(() => this.create(instance, disk, meta, source)),
      TE.chainW(() => this.requirePresent(instance, disk, meta)),
    );
    return pipe(
      this.files.exists(staged),
      TE.chainW((fromCopy) => (fromCopy ? this.fromStaged(instance, disk, meta) : fromSource)),
      TE.chainW(() => this.metadata.saveAll(instance, [{ disk, meta: ready }])),
      TE.map(() => ready),
    );
  }

  /**
   * Make a recorded disk that is missing again. The record goes back to
   * `creating` first: a crash part-way then leaves a record whose leftovers
   * the next call removes, never a half-made disk that checks as present.
   */
  private remake(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: DiskSource): TE.TaskEither<CoreError, void> {
    return pipe(
      this.metadata.saveAll(instance, [{ disk, meta: { ...meta, state: 'creating' } }]),
      TE.chainW(() => this.create(instance, disk, meta, source)),
      TE.chainW(() => this.requirePresent(instance, disk, meta)),
      TE.chainW(() => this.metadata.saveAll(instance, [{ disk, meta: { ...meta, state: 'ready' } }])),
    );
  }

  /**
   * Write the disk's data, flattened to raw with its recorded format named,
   * to its staged copy on this host (replacing a stale one). The path is
   * returned for a transfer to another host.
   */
  stage(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, HostPath> {
    const staged = stagedPath(this.ctx.instancesPath, instance, disk);
    return pipe(
      this.open(instance, disk, meta),
      TE.chainFirstW(() => this.files.remove(staged)),
      TE.chainW(({ driver, image }) => driver.exportTo(image, staged, 'raw')),
      TE.map(() => staged),
    );
  }

  /** Remove the disk's staged copy on this host, if any. */
  unstage(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, void> {
    return this.files.remove(stagedPath(this.ctx.instancesPath, instance, disk));
  }

  /**
   * Make the recorded disk from its staged copy on this host (whatever was at
   * its location is removed first) and check it against the record. The
   * staged copy is dropped unless `keep` (a move keeps it until the instance
   * has moved, so that a crash before that can still be completed from it).
   * The record must be durable already; its state is the caller's.
   */
  fromStaged(instance: InstanceId, disk: DiskName, meta: DiskMetadata, keep = false): TE.TaskEither<CoreError, void> {
    const staged = stagedPath(this.ctx.instancesPath, instance, disk);
    return pipe(
      TE.Do,
      TE.apS('size', TE.fromEither(byteSize(meta.size))),
      TE.bindW('target', () => this.open(instance, disk, meta)),
      TE.chainFirstW(({ target }) => target.driver.remove(target.image.location)),
      TE.chainFirstW(() => this.files.mkdirp(instanceDir(this.ctx.instancesPath, instance))),
      TE.chainFirstW(({ target, size }) => target.driver.copyFrom(target.image, stagedImage(staged), size)),
      TE.chainW(() => this.requirePresent(instance, disk, meta)),
      TE.chainW(() => (keep ? TE.right(undefined) : this.files.remove(staged))),
    );
  }

  /** Remove a recorded disk from this host (the record is the caller's). */
  remove(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, void> {
    return pipe(this.open(instance, disk, meta), TE.chainW(({ driver, image }) => driver.remove(image.location)));
  }

  private requirePresent(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, void> {
    return pipe(
      this.check(instance, disk, meta),
      TE.chainW((presence) =>
        presence === 'present' ? TE.right(undefined) : TE.left(mismatch(instance, disk, 'DISK_SIZE_MISMATCH', `${instance}/${disk} is missing right after it was created`)),
      ),
    );
  }

  private create(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: DiskSource): TE.TaskEither<CoreError, void> {
    return pipe(
      TE.Do,
      TE.apS('size', TE.fromEither(byteSize(meta.size))),
      TE.bindW('target', () => this.open(instance, disk, meta)),
      TE.chainFirstW(() => this.files.mkdirp(instanceDir(this.ctx.instancesPath, instance))),
      TE.chainW(({ target, size }) => {
        if (source.kind === 'image') {
          return pipe(this.cache.ensure(source.imageId), TE.chainW(({ base }) => target.driver.createFromBase(target.image, base, size)));
        }
        const func = source.func;
        if (func.kind === 'blank') return target.driver.createBlank(target.image, size);
        if (func.kind === 'config-drive') return this.fromScratchFile(instance, disk, target, size, (path) => this.builder.build(func, path, size));
        return pipe(
          this.templates.ensure(func, size),
          TE.chainW((path) => target.driver.createFromBase(target.image, { path, format: 'raw' }, size)),
        );
      }),
    );
  }

  /** Build an instance-specific source (a config drive) beside the disk, copy it in, then remove it. */
  private fromScratchFile(
    instance: InstanceId,
    disk: DiskName,
    target: OpenedDisk,
    size: ByteSize,
    build: (path: HostPath) => TE.TaskEither<CoreError, void>,
  ): TE.TaskEither<CoreError, void> {
    const scratch = `${instanceDir(this.ctx.instancesPath, instance)}/${novaFileName(disk)}.build` as HostPath;
    return pipe(
      this.files.remove(scratch),
      TE.chainW(() => build(scratch)),
      TE.chainW(() => target.driver.createFromBase(target.image, { path: scratch, format: 'raw' }, size)),
      TE.chainFirstW(() => this.files.remove(scratch)),
      TE.orElseW((e) => pipe(this.files.remove(scratch), TE.chainW(() => TE.left(e)))),
    );
  }
}
