import {
  byteSize,
  type ByteSize,
  deriveLegacyLayout,
  instanceDir,
  isAllowedPair,
  novaFileName,
  type DiskMetadata,
  type DiskName,
  type InstanceId,
  type LegacyHostFacts,
} from '@disk-ledger/domain';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError, LegacyBackingRefused, LegacyDiskMissing } from '../errors/core-error.js';
import type { HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { DiskRealizer } from './disk-realizer.js';
import { DiskMetadataService } from './metadata-service.js';

/** A layout an operator states for a disk whose facts could not be derived. */
export interface OperatorLayout {
  readonly backend: DiskMetadata['backend'];
  readonly format: DiskMetadata['format'];
  readonly location: string | null;
}

/** Disks without a BDM row that the classic driver kept in files of the instance directory. */
const INSTANCE_LEVEL: readonly DiskName[] = ['config', 'kernel', 'ramdisk', 'rescue'];

const backingRefused = (instance: InstanceId, disk: DiskName, file: string, format: string | null): LegacyBackingRefused => ({
  _tag: 'LegacyBackingRefused', code: 'LEGACY_BACKING_REFUSED', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} names backing file ${JSON.stringify(file)} (${format === null ? 'no stored format' : format}), which is not a verified base image; an operator must supply its layout`,
});

const missingDisk = (instance: InstanceId, disk: DiskName): LegacyDiskMissing => ({
  _tag: 'LegacyDiskMissing', code: 'LEGACY_DISK_MISSING', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} has no record and is not on this host`,
});

/**
 * First touch of disks made before records existed: derive a record from the
 * host's options and `disk.info` (never the disk's bytes), read its size with
 * the derived format, and store it with compare-and-swap so that racing
 * writers agree on one record.
 */
@injectable()
export class LegacyAdoption {
  constructor(
    @inject(TOKENS.HostContext) private readonly ctx: HostContext,
    @inject(TOKENS.LegacyHostFacts) private readonly facts: LegacyHostFacts,
    @inject(DiskMetadataService) private readonly metadata: DiskMetadataService,
    @inject(DiskRealizer) private readonly realizer: DiskRealizer,
  ) {}

  /** The disk's record: the stored one, or one derived and claimed now. */
  ensure(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, DiskMetadata> {
    return pipe(
      this.metadata.record(instance, disk),
      TE.chainW((meta) => (meta !== null ? TE.right(meta) : this.adopt(instance, disk))),
    );
  }

  /**
   * Instance-level disks (config drive, kernel, ramdisk, rescue) that the
   * classic driver's `disk.info` lists for the instance: they have no BDM row
   * to say that they exist. Empty when there is no `disk.info`, and when it
   * does not decode (the disks it would list then wait for an operator;
   * failing every operation of a recorded instance would help nobody).
   */
  listedInstanceDisks(instance: InstanceId): TE.TaskEither<CoreError, readonly DiskName[]> {
    const dir = instanceDir(this.ctx.instancesPath, instance);
    return pipe(
      this.facts.diskInfo(instance),
      TE.orElseW((e) => (e.code === 'DISK_INFO_CORRUPT' ? TE.right(null) : TE.left(e))),
      // A config drive on an rbd host lives in the pool, not in disk.info: always look for one (absent ones are skipped).
      TE.map((info) => [...new Set<DiskName>([...(info === null ? [] : INSTANCE_LEVEL.filter((disk) => info.has(`${dir}/${novaFileName(disk)}`))), 'config'])]),
    );
  }

  /** Derive a record for a legacy disk without storing it (the online migration stores in batches). */
  derive(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, DiskMetadata> {
    return pipe(
      this.facts.diskInfo(instance),
      TE.chainEitherKW((diskInfo) =>
        deriveLegacyLayout({ options: this.facts.options(), instance, instanceDir: instanceDir(this.ctx.instancesPath, instance), diskInfo, disk }),
      ),
      TE.chainW((layout) => this.sized(instance, disk, { ...layout, provenance: 'derived' })),
    );
  }

  /** Record an operator-supplied layout for a disk that has no record, after checking the host holds it. */
  supply(instance: InstanceId, disk: DiskName, layout: OperatorLayout): TE.TaskEither<CoreError, DiskMetadata> {
    if (!isAllowedPair(layout.backend, layout.format)) {
      return TE.left({ _tag: 'InconsistentOptions', code: 'OPTIONS_INCONSISTENT', path: 'format', message: `${layout.backend} disks cannot be ${layout.format}` });
    }
    return pipe(
      this.sized(instance, disk, { ...layout, provenance: 'operator' }),
      TE.chainW((meta) => this.metadata.claim(instance, disk, meta)),
    );
  }

  private adopt(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, DiskMetadata> {
    return pipe(this.derive(instance, disk), TE.chainW((meta) => this.metadata.claim(instance, disk, meta)));
  }

  /** Complete a layout with the size the host reports when the disk is opened with that format. */
  private sized(
    instance: InstanceId,
    disk: DiskName,
    layout: OperatorLayout & { readonly provenance: 'derived' | 'operator' },
  ): TE.TaskEither<CoreError, DiskMetadata> {
    const probe: DiskMetadata = { ...layout, size: 1, imageId: null, imageFormat: null, state: 'ready' };
    return pipe(
      this.realizer.open(instance, disk, probe),
      TE.chainW(({ driver, image }) => driver.inspect(image)),
      TE.chainW((state): TE.TaskEither<CoreError, ByteSize> => {
        if (!state.exists) return TE.left(missingDisk(instance, disk));
        // A legacy qcow2 may name a backing file no one verified (a planted header the classic driver took for
        // the disk's format): adopting it would have every later operation follow that file. Only a base of the
        // verified cache, with its format stored, is acceptable.
        const backing = state.backing;
        const base = `${this.ctx.instancesPath}/_base/`;
        if (backing !== undefined && (backing.format === null || !backing.file.startsWith(base) || backing.file.slice(base.length).includes('/'))) {
          return TE.left(backingRefused(instance, disk, backing.file, backing.format));
        }
        return TE.fromEither(byteSize(state.virtualSize));
      }),
      TE.map((size): DiskMetadata => ({ ...probe, size })),
    );
  }
}
