import {
  fileName,
  hostPath,
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
import { DiskMetadataService } from './metadata-service.js';
import { templateName } from './template-name.js';

/** Whether the recorded disk is on the host (checked against the record). */
export type DiskPresence = 'absent' | 'present';

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
  constructor(
    @inject(TOKENS.HostContext) private readonly ctx: HostContext,
    @inject(TOKENS.DiskDrivers) private readonly drivers: DiskDrivers,
    @inject(TOKENS.HostFiles) private readonly files: HostFiles,
    @inject(TOKENS.BaseImageCache) private readonly cache: BaseImageCache,
    @inject(TOKENS.TemplateBuilder) private readonly templates: TemplateBuilder,
    @inject(DiskMetadataService) private readonly metadata: DiskMetadataService,
  ) {}

  /** The driver and image of a recorded disk on this host. */
  open(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, { readonly driver: DiskDriver; readonly image: DiskImage }> {
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
        return state.virtualSize === meta.size
          ? TE.right<CoreError, DiskPresence>('present')
          : TE.left(mismatch(instance, disk, 'DISK_SIZE_MISMATCH', `${instance}/${disk} holds ${state.virtualSize} bytes, its record says ${meta.size}`));
      }),
    );
  }

  /**
   * Make the recorded disk exist and mark its record `ready`. A `ready` disk
   * that is present is left alone; a `creating` record's leftovers (a crash
   * part-way) are removed and the disk made again with exactly that layout.
   */
  realize(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: DiskSource): TE.TaskEither<CoreError, DiskMetadata> {
    const ready: DiskMetadata = { ...meta, state: 'ready' };
    const markReady = TE.map(() => ready);
    if (meta.state !== 'creating') {
      return pipe(
        this.check(instance, disk, meta),
        TE.chainW((presence) => (presence === 'present' ? TE.right(undefined) : this.create(instance, disk, meta, source))),
        TE.chainW(() => (meta.state === 'ready' ? TE.right(undefined) : this.metadata.saveAll(instance, [{ disk, meta: ready }]))),
        markReady,
      );
    }
    return pipe(
      this.open(instance, disk, meta),
      TE.chainW(({ driver, image }) => driver.remove(image.location)),
      TE.chainW(() => this.create(instance, disk, meta, source)),
      TE.chainW(() => this.check(instance, disk, meta)),
      TE.chainW((presence) =>
        presence === 'present'
          ? this.metadata.saveAll(instance, [{ disk, meta: ready }])
          : TE.left(mismatch(instance, disk, 'DISK_SIZE_MISMATCH', `${instance}/${disk} is missing right after it was created`)),
      ),
      markReady,
    );
  }

  /** Remove a recorded disk from this host (the record is the caller's). */
  remove(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, void> {
    return pipe(this.open(instance, disk, meta), TE.chainW(({ driver, image }) => driver.remove(image.location)));
  }

  private create(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: DiskSource): TE.TaskEither<CoreError, void> {
    const size = meta.size as ByteSize;
    return pipe(
      TE.Do,
      TE.apS('target', this.open(instance, disk, meta)),
      TE.chainFirstW(() => this.files.mkdirp(instanceDir(this.ctx.instancesPath, instance))),
      TE.chainW(({ target }) => {
        if (source.kind === 'image') {
          return pipe(this.cache.ensure(source.imageId), TE.chainW(({ base }) => target.driver.createFromBase(target.image, base, size)));
        }
        const func = source.func;
        if (func.kind === 'blank') return target.driver.createBlank(target.image, size);
        if (func.kind === 'config-drive') return this.fromScratchFile(instance, disk, target, size, (path) => this.templates.build(func, path, size));
        return pipe(
          this.template(templateName(func, size), (path) => this.templates.build(func, path, size)),
          TE.chainW((path) => target.driver.createFromBase(target.image, { path, format: 'raw' }, size)),
        );
      }),
    );
  }

  /** A shared template in `_base`, built once (aside, then renamed into place). */
  private template(name: string, build: (path: HostPath) => TE.TaskEither<CoreError, void>): TE.TaskEither<CoreError, HostPath> {
    return pipe(
      TE.Do,
      TE.apS('dir', TE.fromEither(hostPath(`${this.ctx.instancesPath}/_base`, 'instances_path'))),
      TE.bindW('name', () => TE.fromEither(fileName(name, 'template'))),
      TE.bindW('path', ({ dir, name: n }) => TE.right(`${dir}/${n}` as HostPath)),
      TE.bindW('part', ({ path }) => TE.right(`${path}.part` as HostPath)),
      TE.chainFirstW(({ dir }) => this.files.mkdirp(dir)),
      TE.bindW('exists', ({ path }) => this.files.exists(path)),
      TE.chainW(({ path, part, exists }) =>
        exists
          ? TE.right(path)
          : pipe(
              this.files.remove(part),
              TE.chainW(() => build(part)),
              TE.chainW(() => this.files.rename(part, path)),
              TE.map(() => path),
            ),
      ),
    );
  }

  /** Build an instance-specific source (a config drive) beside the disk, copy it in, then remove it. */
  private fromScratchFile(
    instance: InstanceId,
    disk: DiskName,
    target: { readonly driver: DiskDriver; readonly image: DiskImage },
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
