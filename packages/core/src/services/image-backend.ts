import {
  byteSize,
  checkFunc,
  configDriveTooSmall,
  imageId,
  instanceId,
  invalidSize,
  isDiskName,
  unsupported,
  planDisk,
  planToRecord,
  type BlockDeviceMappingRepository,
  type ConfigDriveFile,
  type DiskFunc,
  type DiskMetadata,
  type DiskName,
  type DiskPlan,
  type DiskRequest,
  type ImageId,
  type ImageService,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError } from '../errors/core-error.js';
import { atImageArgument, rootSize } from '../errors/image-error-path.js';
import type { HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { DiskRealizer } from './disk-realizer.js';
import { sourceOf, type RecordSource } from './disk-source.js';
import { imageFacts } from './image-facts.js';
import { InstanceLocks } from './instance-locks.js';
import { LegacyAdoption } from './legacy-adoption.js';
import { DiskMetadataService } from './metadata-service.js';

/** Disks made from an image. */
export type ImageDisk = 'root' | 'rescue' | 'kernel' | 'ramdisk';
/** Disks made by a func. */
export type FuncDisk = Exclude<DiskName, ImageDisk>;

/** `createFromImage`'s request. */
export interface FromImage {
  readonly instance: InstanceId;
  readonly disk: ImageDisk;
  readonly imageId: ImageId;
  /**
   * The flavor's root disk in bytes. 0 (default) means the virtual size the
   * image service declares (`SIZE_UNKNOWN` when it declares none); either
   * way the verified image must fit (`IMAGE_TOO_LARGE`).
   */
  readonly flavorSize?: number;
}

/** `createFromFunc`'s request. */
export interface FromFunc {
  readonly instance: InstanceId;
  readonly disk: FuncDisk;
  readonly func: DiskFunc;
  /** Size in bytes, known before anything is written. */
  readonly size: number;
}

/**
 * The image backend: the caller states what it wants, the layout is decided
 * (or read from an existing record), the record is made durable, and only
 * then is the disk created. Replaces the classic driver's `cache()`.
 */
@injectable()
export class ImageBackend {
  constructor(
    @inject(TOKENS.HostContext) private readonly ctx: HostContext,
    @inject(TOKENS.ImageService) private readonly images: ImageService,
    @inject(DiskMetadataService) private readonly metadata: DiskMetadataService,
    @inject(DiskRealizer) private readonly realizer: DiskRealizer,
    @inject(TOKENS.Repository) private readonly repository: BlockDeviceMappingRepository,
    @inject(InstanceLocks) private readonly locks: InstanceLocks,
    @inject(LegacyAdoption) private readonly adoption: LegacyAdoption,
  ) {}

  /**
   * Create (or complete) a disk from an image on this host, which must be
   * the instance's (`INSTANCE_NOT_ON_HOST` otherwise). A disk whose record
   * is `ready` is made as its record says, whatever today's options or this
   * request say (as nova's `cache()` keeps a disk that exists): the record
   * that answers is the one in force. A disk a tool refuses to make takes
   * with it the record the request wrote, what the request made of it, and
   * an instance directory the request created (see the README for the
   * cases left as after a crash). A `creating` record (a crash part-way) is
   * this request's to decide: completed when the request plans the same
   * disk, else replaced by the request's. A disk the classic driver made
   * before records existed (its slot has none) gets a record derived from
   * the host's options and `disk.info`, and is kept as it is.
   */
  createFromImage(req: FromImage): TE.TaskEither<CoreError, DiskMetadata> {
    return () => this.locks.run(req.instance, () => this.createFromImageHeld(req)());
  }

  /** {@link ImageBackend.createFromImage} for an operation that holds the instance's lock already (a lifecycle operation). */
  createFromImageHeld(req: FromImage): TE.TaskEither<CoreError, DiskMetadata> {
    const flavorSize = req.flavorSize ?? 0;
    const bad = refusedRequest(req.instance, req.disk, IMAGE_DISKS, 'an image');
    if (bad !== null) return TE.left(bad);
    // The type says it is an id; a JS caller or a cast can still pass a path or a URL, which must never reach the image service.
    const id = imageId(req.imageId, 'imageId');
    if (E.isLeft(id)) return TE.left(id.left);
    // 0 is the image's own size; anything else must be a size the disk can have.
    if (flavorSize !== 0 && E.isLeft(byteSize(flavorSize))) return TE.left(invalidSize(flavorSize, 'flavorSize'));
    const args = new Map([[req.imageId, 'imageId']]);
    return async () => E.mapLeft((e: CoreError) => atImageArgument(e, args, req.disk === 'kernel' || req.disk === 'ramdisk' ? undefined : rootSize(req.imageId, flavorSize, 'flavorSize')))(await this.createImageDisk(req, flavorSize));
  }

  private createImageDisk(req: FromImage, flavorSize: number): Promise<E.Either<CoreError, DiskMetadata>> {
    return this.create(req.instance, req.disk, async (): Promise<E.Either<CoreError, DiskPlan>> => {
      const meta = await this.images.show(req.imageId)();
      if (E.isLeft(meta)) return meta;
      const image = imageFacts(meta.right);
      const request: DiskRequest =
        req.disk === 'kernel' || req.disk === 'ramdisk'
          ? { disk: req.disk, image }
          : { disk: req.disk, image, flavorSize };
      return planDisk(this.ctx.options, req.instance, request);
    });
  }

  /** Create (or complete) a disk filled by a func, of a size stated up front; the rest as {@link ImageBackend.createFromImage}. */
  createFromFunc(req: FromFunc): TE.TaskEither<CoreError, DiskMetadata> {
    return () => this.locks.run(req.instance, () => this.createFromFuncHeld(req)());
  }

  /** {@link ImageBackend.createFromFunc} for an operation that holds the instance's lock already. */
  createFromFuncHeld(req: FromFunc): TE.TaskEither<CoreError, DiskMetadata> {
    const bad = refusedRequest(req.instance, req.disk, FUNC_DISKS, 'a func');
    if (bad !== null) return TE.left(bad);
    const size = byteSize(req.size, 'size');
    if (E.isLeft(size)) return TE.left(size.left);
    // A label or a config-drive path no tool can take fails here, before the record exists.
    const func = checkFunc(req.func);
    if (E.isLeft(func)) return TE.left(func.left);
    const tooSmall = req.func.kind === 'config-drive' ? configDriveTooSmall(req.func.files, size.right, 'size') : null;
    if (tooSmall !== null) return TE.left(tooSmall);
    return () =>
      this.create(req.instance, req.disk, async (): Promise<E.Either<CoreError, DiskPlan>> => {
        const request: DiskRequest =
          req.disk === 'swap' ? { disk: 'swap', size: size.right, sizePath: 'size' }
            : req.disk === 'config' ? { disk: 'config', files: req.func.kind === 'config-drive' ? req.func.files : [] }
              : { disk: req.disk, size: size.right, sizePath: 'size' };
        const plan = planDisk(this.ctx.options, req.instance, request);
        return E.isLeft(plan) ? plan : E.right({ ...plan.right, size: size.right, source: { kind: 'func', func: req.func } });
      }, req.func.kind === 'config-drive' ? req.func.files : undefined);
  }

  /**
   * Record first (state `creating`), then the disk; the record turns `ready`
   * once the disk exists. A new disk's source is verified before its record
   * is written, so a rejected image leaves neither record nor disk. A disk
   * whose record is `ready` is made as its record says. A disk a tool then
   * refuses to make is undone ({@link ImageBackend.undone}). A `creating`
   * record (a crash part-way) is this request's to decide:
   * completed when the request plans the same disk, else its leftovers go
   * and the request's record replaces it. One that an unfinished move or
   * conversion holds is completed as recorded: its data is in a staged copy.
   */
  private async create(instance: InstanceId, disk: DiskName, plan: () => Promise<E.Either<CoreError, DiskPlan>>, configFiles?: readonly ConfigDriveFile[]): Promise<E.Either<CoreError, DiskMetadata>> {
    const owner = await this.repository.getInstance(instance)();
    if (E.isLeft(owner)) return owner;
    if (owner.right.host !== this.ctx.name) {
      return E.left({
        _tag: 'InstanceElsewhere', code: 'INSTANCE_NOT_ON_HOST', instance, host: owner.right.host, path: 'instance',
        message: `instance ${instance} is on host ${owner.right.host}, not ${this.ctx.name}: its disks are made there`,
      });
    }
    const existing = await this.metadata.slot(instance, disk)();
    if (E.isLeft(existing)) return existing;
    const stored = existing.right?.meta ?? null;
    const adopted = stored === null ? await this.firstTouch(instance, disk) : E.right(stored);
    if (E.isLeft(adopted)) return adopted;
    const current = adopted.right;
    const chosen = current !== null && (current.state !== 'creating' || owner.right.migration !== null)
      ? this.recorded(disk, current, configFiles)
      : await this.planned(instance, disk, plan, current, existing.right !== null);
    if (E.isLeft(chosen)) return chosen;
    const made = await this.realizer.realize(instance, disk, chosen.right.meta, chosen.right.source)();
    const wrote = chosen.right.wrote;
    return E.isLeft(made) && wrote !== undefined ? this.undone(instance, disk, chosen.right.meta, wrote, made) : made;
  }

  /**
   * The request wrote the record and a tool then refused the disk (a size
   * the host cannot hold, say): what was made goes, then the record (only
   * while the slot still holds it: another writer's record stays), then the
   * instance directory if the request created it and nothing else is in
   * it. The slot is left with no record: a BDM row stays, emptied (one the
   * request's record added goes); a `creating` record the request replaced
   * does not come back, its leftovers having gone, and no request reads an
   * empty slot otherwise. A failure of the repository may have written
   * what it reports failing, and a failure of the removal leaves part of a
   * disk: either way the `creating` record stays, settled as after a crash.
   */
  private async undone(instance: InstanceId, disk: DiskName, meta: DiskMetadata, wrote: Wrote, refused: E.Left<CoreError>): Promise<E.Left<CoreError>> {
    if (refused.left.code === 'REPOSITORY_FAILED') return refused;
    const removed = await this.realizer.remove(instance, disk, meta)();
    if (E.isLeft(removed)) return refused;
    // A slot the request's record made goes whole; for an instance-level record that is what any undo does.
    const cleared = await this.metadata.unwrite(instance, disk, meta, !wrote.slotExisted)();
    if (E.isRight(cleared) && cleared.right && !wrote.dirExisted) await this.realizer.removeEmptyInstanceDir(instance)();
    return refused;
  }

  /**
   * A slot without a record whose disk the classic driver made already (the
   * instance predates records) is a legacy disk: its record is derived from
   * the host's options and `disk.info` and claimed, as any first touch does,
   * and the disk is kept as it is, never written over; facts that cannot be
   * derived are a typed error that leaves it untouched. Nothing there: the
   * disk is this request's to make (`null`).
   */
  private async firstTouch(instance: InstanceId, disk: DiskName): Promise<E.Either<CoreError, DiskMetadata | null>> {
    const held = await this.adoption.legacyDiskAt(instance, disk)();
    if (E.isLeft(held)) return held;
    return held.right === null ? E.right(null) : this.adoption.adopt(instance, disk)();
  }

  /** An existing record is made as it says, from the source it names (a config drive from the files the request gives). */
  private recorded(disk: DiskName, meta: DiskMetadata, configFiles: readonly ConfigDriveFile[] | undefined): E.Either<CoreError, Chosen> {
    const source = sourceOf(disk, meta, configFiles);
    return E.isLeft(source) ? source : E.right({ meta, source: source.right });
  }

  /**
   * A disk this request decides: planned, its source made ready, and its
   * record made durable (`creating`) before the disk exists. A `creating`
   * record of the same disk is kept (and completed from this request's
   * source); one of another goes with whatever it left.
   */
  private async planned(
    instance: InstanceId,
    disk: DiskName,
    plan: () => Promise<E.Either<CoreError, DiskPlan>>,
    current: DiskMetadata | null,
    slotExisted: boolean,
  ): Promise<E.Either<CoreError, Chosen>> {
    const planned = await plan();
    if (E.isLeft(planned)) return planned;
    const placed = await this.realizer.placePlan(instance, planned.right)();
    if (E.isLeft(placed)) return placed;
    const p = placed.right;
    const record = planToRecord(p);
    if (current !== null && sameDisk(current, record)) return E.right({ meta: current, source: p.source });
    const prepared = await this.realizer.prepare(instance, disk, p.source, p.size)();
    if (E.isLeft(prepared)) return prepared;
    if (current !== null) {
      const cleared = await this.realizer.remove(instance, disk, current)();
      if (E.isLeft(cleared)) return cleared;
    }
    const dirExisted = await this.realizer.instanceDirExists(instance)();
    if (E.isLeft(dirExisted)) return dirExisted;
    const saved = await this.metadata.saveAll(instance, [{ disk, meta: record }])();
    if (E.isLeft(saved)) return saved;
    return E.right({ meta: record, source: p.source, wrote: { slotExisted, dirExisted: dirExisted.right } });
  }
}

const IMAGE_DISKS: ReadonlySet<string> = new Set<ImageDisk>(['root', 'rescue', 'kernel', 'ramdisk']);
const FUNC_DISKS = { has: (d: string): boolean => isDiskName(d) && !IMAGE_DISKS.has(d) };

/** What the types say of a request but a JavaScript caller or a cast can break: the instance id, and a disk this kind of source makes. */
const refusedRequest = (instance: string, disk: unknown, allowed: { has(d: string): boolean }, from: string): CoreError | null => {
  const id = instanceId(instance, 'instance');
  if (E.isLeft(id)) return id.left;
  if (typeof disk !== 'string' || !allowed.has(disk)) return { ...unsupported(`disk ${JSON.stringify(disk)} is not made from ${from}`), path: 'disk' };
  return null;
};

/** Whether two records describe the same disk made the same way (their states aside). */
const sameDisk = (a: DiskMetadata, b: DiskMetadata): boolean =>
  a.backend === b.backend && a.format === b.format && a.size === b.size && a.location === b.location && a.imageId === b.imageId && a.imageFormat === b.imageFormat;

/** The record a disk is made by, and what to fill it with. */
interface Chosen {
  readonly meta: DiskMetadata;
  readonly source: RecordSource;
  /** Set when this request wrote the record. */
  readonly wrote?: Wrote;
}

/** What there was before a request wrote its record: to undo should the disk be refused. */
interface Wrote {
  /** Whether the instance's directory existed on the host. */
  readonly dirExisted: boolean;
  /** Whether the slot existed: a BDM row, or an instance-level record. */
  readonly slotExisted: boolean;
}
