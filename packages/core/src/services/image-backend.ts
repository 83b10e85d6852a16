import {
  byteSize,
  planDisk,
  planToRecord,
  type DiskFunc,
  type DiskMetadata,
  type DiskName,
  type DiskPlan,
  type DiskRequest,
  type DiskSource,
  type ImageId,
  type ImageService,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError } from '../errors/core-error.js';
import type { HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { DiskRealizer } from './disk-realizer.js';
import { sourceOf } from './disk-source.js';
import { imageFacts } from './image-facts.js';
import { DiskMetadataService } from './metadata-service.js';
import { placePlan } from './placement.js';

/** Disks made from an image. */
export type ImageDisk = 'root' | 'rescue' | 'kernel' | 'ramdisk';
/** Disks made by a func. */
export type FuncDisk = Exclude<DiskName, ImageDisk>;

/** `createFromImage`'s request. */
export interface FromImage {
  readonly instance: InstanceId;
  readonly disk: ImageDisk;
  readonly imageId: ImageId;
  /** The flavor's root disk in bytes; 0 (default) means the image's virtual size. */
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
  ) {}

  /** Create (or complete) a disk from an image; an existing record is honoured whatever today's options say. */
  createFromImage(req: FromImage): TE.TaskEither<CoreError, DiskMetadata> {
    return this.create(req.instance, req.disk, () =>
      pipe(
        this.images.show(req.imageId),
        TE.chainEitherKW((meta): E.Either<CoreError, DiskPlan> => {
          const image = imageFacts(meta);
          const request: DiskRequest =
            req.disk === 'kernel' || req.disk === 'ramdisk'
              ? { disk: req.disk, image }
              : { disk: req.disk, image, flavorSize: req.flavorSize ?? 0 };
          return planDisk(this.ctx.options, req.instance, request);
        }),
      ),
    );
  }

  /** Create (or complete) a disk filled by a func, of a size stated up front. */
  createFromFunc(req: FromFunc): TE.TaskEither<CoreError, DiskMetadata> {
    return this.create(req.instance, req.disk, () =>
      pipe(
        TE.fromEither(byteSize(req.size, 'size')),
        TE.chainEitherKW((size): E.Either<CoreError, DiskPlan> => {
          const request: DiskRequest =
            req.disk === 'swap' ? { disk: 'swap', size }
              : req.disk === 'config' ? { disk: 'config', files: req.func.kind === 'config-drive' ? req.func.files : [] }
                : { disk: req.disk, size };
          return E.map((p: DiskPlan): DiskPlan => ({ ...p, size, source: { kind: 'func', func: req.func } }))(
            planDisk(this.ctx.options, req.instance, request),
          );
        }),
      ),
    );
  }

  /**
   * Record first (state `creating`), then the disk; the record turns `ready`
   * once the disk exists. A new disk's source is verified before its record
   * is written, so a rejected image leaves neither record nor disk.
   */
  private create(instance: InstanceId, disk: DiskName, plan: () => TE.TaskEither<CoreError, DiskPlan>): TE.TaskEither<CoreError, DiskMetadata> {
    return pipe(
      this.metadata.record(instance, disk),
      TE.chainW((existing) =>
        existing !== null
          ? pipe(TE.fromEither(sourceOf(disk, existing)), TE.map((source) => ({ meta: existing, source })))
          : pipe(
              plan(),
              TE.map(placePlan),
              TE.chainFirstW((p) => this.realizer.prepare(instance, disk, p.source)),
              TE.chainFirstW((p) => this.metadata.saveAll(instance, [{ disk, meta: planToRecord(p) }])),
              TE.map((p): { meta: DiskMetadata; source: DiskSource } => ({ meta: planToRecord(p), source: p.source })),
            ),
      ),
      TE.chainW(({ meta, source }) => this.realizer.realize(instance, disk, meta, source)),
    );
  }
}
