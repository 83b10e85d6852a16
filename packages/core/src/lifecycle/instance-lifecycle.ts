import type {
  Backend,
  BlockDeviceMappingRepository,
  DiskFormat,
  DiskMetadata,
  DiskName,
  DiskTransfer,
  ImageId,
  ImageMeta,
  ImageService,
  InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { loadInstance, type InstanceView } from './instance-records.js';
import { inject, injectable } from 'inversify';
import { DiskMetadataService } from '../services/metadata-service.js';
import { TOKENS } from '../tokens.js';
import { LIFECYCLE_TOKENS } from './lifecycle-tokens.js';
import type { Flavor } from './flavor.js';
import type { HostRegistry } from './host-registry.js';
import type { LifecycleDeps, LifecycleError } from './lifecycle-deps.js';
import { move, type MoveKind } from './move.js';
import { deleteInstance, hardReboot } from './reboot-delete.js';
import { convert } from './convert.js';
import { rebuild } from './rebuild.js';
import { rescue, unrescue } from './rescue.js';
import { shelve, unshelve } from './shelve.js';
import { snapshot } from './snapshot.js';
import { spawn, type SpawnRequest } from './spawn.js';

/**
 * The instance operations on recorded layouts. Each reads the records of the
 * disks it touches (deriving them on first touch for legacy instances), never
 * the host's current options except to place a brand-new disk, and never a
 * disk's bytes. Failures are typed values that leave the previous state.
 */
@injectable()
export class InstanceLifecycle {
  private readonly deps: LifecycleDeps;

  constructor(
    @inject(LIFECYCLE_TOKENS.HostRegistry) hosts: HostRegistry,
    @inject(TOKENS.Repository) repository: BlockDeviceMappingRepository,
    @inject(DiskMetadataService) metadata: DiskMetadataService,
    @inject(LIFECYCLE_TOKENS.DiskTransfer) transfer: DiskTransfer,
    @inject(TOKENS.ImageService) images: ImageService,
  ) {
    this.deps = { hosts, repository, metadata, transfer, images };
  }

  /** Boot: all records saved in one batch before any disk is created. */
  spawn(req: SpawnRequest): TE.TaskEither<LifecycleError, void> {
    return () => spawn(this.deps, req);
  }
  /**
   * The record of every local disk of the instance, deriving and claiming
   * them on first touch: what a soft reboot (the guest reopening its disks)
   * needs, without re-creating anything.
   */
  records(instance: InstanceId): TE.TaskEither<LifecycleError, ReadonlyMap<DiskName, DiskMetadata>> {
    return async () => E.map((v: InstanceView) => v.records)(await loadInstance(this.deps, instance));
  }
  /** Hard reboot: re-create missing disks from their records. */
  hardReboot(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return () => hardReboot(this.deps, instance);
  }
  /** Resize / cold-migrate, live-migrate or evacuate to another host. */
  move(instance: InstanceId, to: string, kind: MoveKind, flavor?: Flavor): TE.TaskEither<LifecycleError, void> {
    return () => move(this.deps, { instance, to, kind, ...(flavor === undefined ? {} : { flavor }) });
  }
  /** Re-create the root disk from another image, keeping its recorded layout. */
  rebuild(instance: InstanceId, image: ImageId): TE.TaskEither<LifecycleError, void> {
    return () => rebuild(this.deps, instance, image);
  }
  /** Upload the root disk as a new image declaring the format written. */
  snapshot(instance: InstanceId, imageId: string): TE.TaskEither<LifecycleError, ImageMeta> {
    return () => snapshot(this.deps, instance, imageId);
  }
  /** Add a recorded rescue disk. */
  rescue(instance: InstanceId, image: ImageId): TE.TaskEither<LifecycleError, void> {
    return () => rescue(this.deps, instance, image);
  }
  /** Remove the rescue disk and its record. */
  unrescue(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return () => unrescue(this.deps, instance);
  }
  /** Snapshot, then remove local disks and their records. */
  shelve(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return () => shelve(this.deps, instance);
  }
  /** Re-create a shelved instance's disks on `host` (its config drive too, when it has one). */
  unshelve(instance: InstanceId, host: string, flavor: Flavor, hadRoot: boolean, configDrive = false): TE.TaskEither<LifecycleError, void> {
    return () => unshelve(this.deps, instance, host, flavor, hadRoot, configDrive);
  }
  /** Change one disk's layout on purpose (new record first, both formats named). */
  convert(instance: InstanceId, disk: DiskName, backend: Backend, format: DiskFormat): TE.TaskEither<LifecycleError, void> {
    return () => convert(this.deps, instance, disk, backend, format);
  }
  /** Remove the disks, then soft-delete the instance and its records. */
  delete(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return () => deleteInstance(this.deps, instance);
  }
}
