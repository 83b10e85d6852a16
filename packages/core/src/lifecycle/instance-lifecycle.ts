import {
  instanceId,
  invalidName,
  type Backend,
  type BlockDeviceMappingRepository,
  type ConfigDriveContents,
  type DiskFormat,
  type DiskMetadata,
  type DiskName,
  type DiskTransfer,
  type ImageId,
  type ImageMeta,
  type ImageService,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { loadInstance, type InstanceView } from './instance-records.js';
import { inject, injectable } from 'inversify';
import { DiskMetadataService } from '../services/metadata-service.js';
import { InstanceLocks } from '../services/instance-locks.js';
import { TOKENS } from '../tokens.js';
import { LIFECYCLE_TOKENS } from './lifecycle-tokens.js';
import { checkFlavor, type Flavor } from './flavor.js';
import { checkConversion, checkImage, checkMove } from './request-checks.js';
import { atImageArgument } from '../errors/image-error-path.js';
import type { HostRegistry } from './host-registry.js';
import type { LifecycleDeps, LifecycleError } from './lifecycle-deps.js';
import type { ConfirmMode } from './migration-record.js';
import { move, type MoveKind } from './move.js';
import type { InstanceFacts } from './evacuate-rebuild.js';
import { confirmResize, revertResize } from './resize-confirm.js';
import { settledInstance, type LeftBehind } from './move-settle.js';
import { removeLeftBehind } from './left-behind.js';
import { deleteInstance, hardReboot } from './reboot-delete.js';
import { convert } from './convert.js';
import { rebuild } from './rebuild.js';
import { rescue, unrescue } from './rescue.js';
import { shelve, unshelve } from './shelve.js';
import { removeSnapshotStaging, snapshot } from './snapshot.js';
import { spawn, type SpawnRequest } from './spawn.js';

/** The ids shelve uploads to (see shelve.ts's `shelvedImageId`). */
const SHELVED = /-shelved(-[0-9]+)?$/;

/** An error about `image` named by `arg`, the argument that named it (see {@link atImageArgument}). */
const atImage =
  (image: string, arg: string) =>
  (e: LifecycleError): LifecycleError =>
    atImageArgument(e, new Map([[image, arg]]));

/**
 * The instance operations on recorded layouts. Each reads the records of the
 * disks it touches (deriving them on first touch for legacy instances), never
 * the host's current options except to place a brand-new disk, and never a
 * disk's bytes. Failures are typed values. Bad input and refusals (an
 * unknown host, a state the operation does not fit, a rejected image)
 * change nothing; a tool or the database failing part-way leaves `creating`
 * records, or a move's migration record, that the next operation on the
 * instance completes or rolls back (records are persisted before disks are
 * created, so nothing is ever on a host without one). One operation runs at
 * a time per instance (see {@link InstanceLocks}).
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
    @inject(InstanceLocks) private readonly locks: InstanceLocks,
    @inject(TOKENS.ConfigDriveContents) configDrives: ConfigDriveContents,
  ) {
    this.deps = { hosts, repository, metadata, transfer, images, configDrives };
  }

  /** `op` as a task that waits for every earlier operation on `instance` (see {@link InstanceLocks}). */
  private locked<A>(instance: InstanceId, op: () => Promise<E.Either<LifecycleError, A>>): TE.TaskEither<LifecycleError, A> {
    // The type says it is an id; a JS caller or a cast can still pass a path, which must never reach one.
    const id = instanceId(instance, 'instance');
    return E.isLeft(id) ? TE.left(id.left) : () => this.locks.run(instance, op);
  }

  /** Boot: all records saved in one batch before any disk is created. */
  spawn(req: SpawnRequest): TE.TaskEither<LifecycleError, void> {
    return this.locked(req.instance, async () => {
      const checked = E.flatMap(checkFlavor(req.flavor), () => checkImage(req.image, 'image'));
      return E.isLeft(checked) ? checked : spawn(this.deps, req);
    });
  }
  /**
   * The record of every local disk of the instance, deriving and claiming
   * them on first touch: what a soft reboot (the guest reopening its disks)
   * needs, without re-creating anything.
   */
  records(instance: InstanceId): TE.TaskEither<LifecycleError, ReadonlyMap<DiskName, DiskMetadata>> {
    return this.locked(instance, async () => E.map((v: InstanceView) => v.records)(await loadInstance(this.deps, instance, { unconfirmed: 'allow' })));
  }
  /** Hard reboot: re-create missing disks from their records. */
  hardReboot(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, () => hardReboot(this.deps, instance));
  }
  /**
   * Resize / cold-migrate, live-migrate or evacuate to another host. A
   * resize with `confirm: 'manual'` keeps the source's disks until
   * {@link confirmResize} or {@link revertResize}; meanwhile only reboots,
   * snapshot and delete (which confirms first) may run. A flavor is for a
   * resize only; one with a size no disk can have is `INVALID_SIZE`.
   */
  move(instance: InstanceId, to: string, kind: MoveKind, flavor?: Flavor, confirm: ConfirmMode = 'auto'): TE.TaskEither<LifecycleError, LeftBehind> {
    return this.locked(instance, async () => {
      const checked = checkMove(kind, flavor, confirm);
      return E.isLeft(checked) ? checked : move(this.deps, { instance, to, kind, confirm, ...(flavor === undefined ? {} : { flavor }) });
    });
  }
  /**
   * Evacuate to `to`: the instance's host is down, and every disk is made
   * anew there (a disk on a pool both hosts share stays as it is). A disk
   * without a record (the classic driver made it and nothing touched it
   * since) is made from `facts`, the instance's image, flavor and config
   * drive as nova knows them, as a boot on `to` would make it; without facts
   * such a disk is `RECORD_MISSING` and nothing changes. Images are verified
   * before anything is written. An evacuation that makes such disks is on
   * `to` before it writes a record: a failure after that leaves it there, and
   * the next operation on the instance finishes it (a hard reboot makes what
   * is missing). Same as `move(instance, to, 'evacuate')` when every disk
   * has a record.
   */
  evacuate(instance: InstanceId, to: string, facts?: InstanceFacts): TE.TaskEither<LifecycleError, LeftBehind> {
    return this.locked(instance, async () => {
      const checked = facts === undefined ? E.right(undefined) : E.flatMap(checkFlavor(facts.flavor), () => checkImage(facts.image, 'facts.image'));
      return E.isLeft(checked) ? checked : move(this.deps, { instance, to, kind: 'evacuate', confirm: 'auto', ...(facts === undefined ? {} : { facts }) });
    });
  }
  /**
   * What an evacuated instance's source host runs when it comes back (as
   * nova's compute does at start-up): remove the disks the evacuation left
   * there, by the records they had, then the instance directory with
   * whatever else of the instance it holds. Absent disks are fine. A disk
   * at a place the instance uses again (it came back, a resize keeps disks
   * there, an rbd image of a pool shared by name) stays, and so does the
   * directory of an instance that has anything on that host.
   */
  removeLeftBehind(instance: InstanceId, left: LeftBehind): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, () => removeLeftBehind(this.deps, instance, left));
  }
  /**
   * What a compute host does for its instances when it starts again after a
   * crash: bring an unfinished move of the instance to rest, as the next
   * operation on it would (rolled back while the instance is on its source,
   * forward once it is on its destination, a confirm or revert carried
   * through); undo a shelve cut while the root was still there (else the
   * instance stays shelved); and remove, best effort, the staging copy of a
   * snapshot a crash cut. A resize waiting for confirm or revert stays
   * waiting.
   */
  settle(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, async () => {
      const settled = await settledInstance(this.deps, instance);
      if (E.isLeft(settled)) return settled;
      // Best effort, as the snapshot's own clean-up is: the instance is settled whether or not the copy could go.
      const host = this.deps.hosts.get(settled.right.row.host);
      if (E.isRight(host)) await removeSnapshotStaging(host.right, instance);
      return E.right(undefined);
    });
  }
  /** Confirm a resize that waits for it: the source's disks go. `NO_RESIZE_PENDING` when none waits. */
  confirmResize(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, () => confirmResize(this.deps, instance));
  }
  /**
   * Revert a resize that waits for it: the instance is back on its source
   * with the disks and records it had there; what was made on the
   * destination goes. `NO_RESIZE_PENDING` when none waits.
   */
  revertResize(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, () => revertResize(this.deps, instance));
  }
  /** Re-create the root disk from another image, keeping its recorded layout. */
  rebuild(instance: InstanceId, image: ImageId): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, async () => {
      const checked = checkImage(image, 'image');
      return E.isLeft(checked) ? checked : E.mapLeft(atImage(image, 'image'))(await rebuild(this.deps, instance, image));
    });
  }
  /**
   * Upload the root disk as a new image declaring the format written. Ids
   * shaped like a shelved image (`…-shelved`, `…-shelved-N`) are shelve's
   * alone (`INVALID_NAME`), so that a name seen in the image service says
   * which instance's shelve made it (unshelve itself takes only the id its
   * shelve returned).
   */
  snapshot(instance: InstanceId, imageId: string): TE.TaskEither<LifecycleError, ImageMeta> {
    if (SHELVED.test(imageId)) {
      return TE.left(invalidName('image id', imageId, 'is reserved: ids ending in -shelved or -shelved-<n> are the images shelve keeps instances in', 'imageId'));
    }
    return this.locked(instance, () => snapshot(this.deps, instance, imageId));
  }
  /** Add a recorded rescue disk. */
  rescue(instance: InstanceId, image: ImageId): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, async () => {
      const checked = checkImage(image, 'image');
      return E.isLeft(checked) ? checked : E.mapLeft(atImage(image, 'image'))(await rescue(this.deps, instance, image));
    });
  }
  /** Remove the rescue disk and its record. */
  unrescue(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, () => unrescue(this.deps, instance));
  }
  /**
   * Snapshot the root, then remove local disks and their records. Returns
   * the image the root went to (`null` when booted from a volume): keep it,
   * as nova keeps `shelved_image_id`, and give it to {@link unshelve}. The
   * shelve is kept (shelve-intent.ts) until an unshelve or a delete: asked
   * again, after a cut or a lost answer, shelve answers the same image, and
   * every other operation answers `INSTANCE_SHELVED` naming it.
   */
  shelve(instance: InstanceId): TE.TaskEither<LifecycleError, ImageId | null> {
    return this.locked(instance, () => shelve(this.deps, instance));
  }
  /**
   * Re-create a shelved instance's disks on `host`: the root from
   * `shelvedImage`, exactly the image {@link shelve} returned (`null` when
   * booted from a volume), the flavor's ephemeral and swap disks, and a
   * config drive when the instance has one (nova's `instance.config_drive`;
   * shelving removed it with the other local disks, and no record remembers
   * it). An image that is not there is `RECORD_MISSING`; one other than the
   * image the instance's kept shelve took is `INVALID_NAME` (path
   * `shelvedImage`).
   */
  unshelve(instance: InstanceId, host: string, flavor: Flavor, shelvedImage: ImageId | null, configDrive: boolean): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, async () => {
      const checked = E.flatMap(checkFlavor(flavor), () => checkImage(shelvedImage, 'shelvedImage'));
      return E.isLeft(checked) ? checked : unshelve(this.deps, instance, host, flavor, shelvedImage, configDrive);
    });
  }
  /** Change one disk's layout on purpose (new record first, both formats named). */
  convert(instance: InstanceId, disk: DiskName, backend: Backend, format: DiskFormat): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, async () => {
      const checked = checkConversion(disk, backend, format);
      return E.isLeft(checked) ? checked : convert(this.deps, instance, disk, backend, format);
    });
  }
  /** Remove the disks, then soft-delete the instance and its records. */
  delete(instance: InstanceId): TE.TaskEither<LifecycleError, void> {
    return this.locked(instance, () => deleteInstance(this.deps, instance));
  }
}
