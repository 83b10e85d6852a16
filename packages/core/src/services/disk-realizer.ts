import {
  imageTooLarge,
  byteSize,
  invalidSize,
  instanceDir,
  novaFileNames,
  type DiskLocation,
  planToRecord,
  type BaseImageCache,
  type ByteSize,
  type DiskDrivers,
  type DiskMetadata,
  type DiskName,
  type DiskPlan,
  type ExportFormat,
  type HostFiles,
  type HostPath,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError } from '../errors/core-error.js';
import { atImageArgument } from '../errors/image-error-path.js';
import type { HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { namedVolume } from './disk-locator.js';
import { cannotHold } from './legacy-places.js';
import { DiskMaker, diskLost, inventsContents } from './disk-maker.js';
import { sourceOf, type RecordSource } from './disk-source.js';
import { DiskMetadataService } from './metadata-service.js';
import { roundUp } from './placement.js';
import { diskMismatch, RecordedDiskReader, type DiskPresence, type OpenedDisk } from './recorded-disk-reader.js';
import { stagedImage, stagedPath } from './staging.js';

type Ran<A> = Promise<E.Either<CoreError, A>>;

const DONE: E.Either<never, void> = E.right(undefined);

/**
 * An image's refusal met while making a disk its record (or plan) names:
 * its `path` is the disk's, `<instance>/<disk>`, until an operation whose
 * caller named the image names that argument instead.
 */
const recordNamed = (e: CoreError, instance: InstanceId, disk: DiskName, image: string | null): CoreError =>
  image === null ? e : atImageArgument(e, new Map([[image, `${instance}/${disk}`]]));

/**
 * Makes recorded disks exist on this host, exactly as recorded. It is only
 * ever handed a record that is already durable (persist before create), and
 * it reads the disk only through the driver, with the recorded format
 * (RecordedDiskReader); DiskMaker makes a disk from its source.
 *
 * Each method is a short sequence of steps that stops at the first `Left`,
 * written as an async function (a TaskEither pipeline per call cost more
 * than the steps on the in-memory host).
 */
@injectable()
export class DiskRealizer {
  constructor(
    @inject(TOKENS.HostContext) private readonly ctx: HostContext,
    @inject(TOKENS.DiskDrivers) private readonly drivers: DiskDrivers,
    @inject(TOKENS.HostFiles) private readonly files: HostFiles,
    @inject(TOKENS.BaseImageCache) private readonly cache: BaseImageCache,
    @inject(DiskMetadataService) private readonly metadata: DiskMetadataService,
    @inject(RecordedDiskReader) private readonly reader: RecordedDiskReader,
    @inject(DiskMaker) private readonly maker: DiskMaker,
  ) {}

  /** The driver and image of a recorded disk on this host. */
  open(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, OpenedDisk> {
    return () => this.reader.opened(instance, disk, meta);
  }

  /**
   * Write the disk's data, flattened, to `dest` in `format` (a snapshot for
   * upload), read as {@link DiskRealizer.stage} reads it.
   */
  exportTo(instance: InstanceId, disk: DiskName, meta: DiskMetadata, dest: HostPath, format: ExportFormat): TE.TaskEither<CoreError, void> {
    return () => this.reader.reading(instance, disk, meta, (o) => o.driver.exportTo(o.image, dest, format)());
  }

  /**
   * The record sized as its backend will allocate it at its location (the
   * driver's allocation unit: LVM's is its volume group's extent), so that
   * the record states what the host will hold. Called on a planned record
   * before it is written.
   */
  place(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, DiskMetadata> {
    return async () => {
      const opened = await this.reader.opened(instance, disk, meta);
      if (E.isLeft(opened)) return opened;
      const unit = await opened.right.driver.allocationUnit(opened.right.image.location)();
      if (E.isLeft(unit)) return unit;
      const size = roundUp(meta.size, unit.right);
      if (size !== meta.size && E.isLeft(byteSize(size))) {
        return E.left({ ...invalidSize(meta.size, 'size'), message: `${meta.size} bytes at size: rounded up to whole ${unit.right}-byte units, as ${meta.backend} allocates, it passes 2^53-1 bytes` });
      }
      return E.right(size === meta.size ? meta : { ...meta, size });
    };
  }

  /** A plan sized as {@link DiskRealizer.place} sizes its record. */
  placePlan(instance: InstanceId, plan: DiskPlan): TE.TaskEither<CoreError, DiskPlan> {
    return async () => {
      const placed = await this.place(instance, plan.disk, planToRecord(plan))();
      if (E.isLeft(placed) || placed.right.size === plan.size) return E.map(() => plan)(placed);
      const size = byteSize(placed.right.size);
      return E.isLeft(size) ? size : E.right({ ...plan, size: size.right });
    };
  }

  /**
   * Compare the host with the record: absent, present with the recorded size,
   * or a typed mismatch (opening it with the recorded format failed, or its
   * size differs). Never "fixed" silently.
   */
  check(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, DiskPresence> {
    return () => this.reader.presence(instance, disk, meta);
  }

  /**
   * Make a disk's source ready on this host before any record names it: an
   * image is downloaded and verified into the base cache, so that a rejected
   * image fails the request while nothing of the instance exists yet. A
   * staged copy of the disk left by an interrupted move or conversion is
   * dropped: this disk is to be made from its source, not from that copy.
   * An image whose cached entry holds more than `size` bytes (its image
   * service declared no virtual size, or too small a one) is
   * `IMAGE_TOO_LARGE` (`path` `<instance>/<disk>`, until the operation
   * names its caller's argument) here, before any record names it.
   */
  prepare(instance: InstanceId, disk: DiskName, source: RecordSource, size: number): TE.TaskEither<CoreError, void> {
    return async () => {
      const dropped = await this.files.remove(stagedPath(this.ctx.instancesPath, instance, disk))();
      if (E.isLeft(dropped) || source.kind !== 'image') return dropped;
      const cached = await this.cache.ensure(source.imageId)();
      if (E.isLeft(cached)) return E.left(recordNamed(cached.left, instance, disk, source.imageId));
      const held = cached.right.base.virtualSize;
      return held !== undefined && held > size ? E.left(imageTooLarge(source.imageId, held, size, `${instance}/${disk}`, `${disk} disk`)) : DONE;
    };
  }

  /** Make a recorded disk exist from the source its record names: its image, or the func its role implies. */
  realizeRecorded(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, DiskMetadata> {
    return async () => {
      const source = sourceOf(disk, meta);
      return E.isLeft(source) ? source : this.realize(instance, disk, meta, source.right)();
    };
  }

  /**
   * Make the recorded disk exist and mark its record `ready`. A `ready` disk
   * that is present is left alone. A `creating` record's leftovers (a crash
   * part-way) are removed and the disk made again with exactly that layout:
   * from the staged copy of its data when one is on this host (a move or a
   * conversion was interrupted), else from its source.
   */
  realize(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: RecordSource): TE.TaskEither<CoreError, DiskMetadata> {
    return async () => {
      const ready: DiskMetadata = { ...meta, state: 'ready' };
      const made = meta.state === 'creating' ? await this.completeCreating(instance, disk, meta, source, ready) : await this.completeExisting(instance, disk, meta, source, ready);
      return E.isLeft(made) ? E.left(recordNamed(made.left, instance, disk, meta.imageId)) : E.right(ready);
    };
  }

  /**
   * Write the disk's data, flattened to raw with its recorded format named,
   * to its staged copy on this host (replacing a stale one). The path is
   * returned for a transfer to another host.
   */
  stage(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, HostPath> {
    return async () => {
      const staged = stagedPath(this.ctx.instancesPath, instance, disk);
      const exported = await this.reader.reading(instance, disk, meta, async (o) => {
        // A disk in a pool or a volume group needs no instance directory, so one that came by a shared-storage move may have none here.
        const dir = await this.files.mkdirp(instanceDir(this.ctx.instancesPath, instance))();
        if (E.isLeft(dir)) return dir;
        const cleared = await this.files.remove(staged)();
        return E.isLeft(cleared) ? cleared : o.driver.exportTo(o.image, staged, 'raw')();
      });
      return E.isLeft(exported) ? exported : E.right(staged);
    };
  }

  /**
   * Grow the disk to `size` with its recorded format (its record, at that size, is the caller's). A disk
   * {@link DiskRealizer.stage} would read from a byte copy is grown as that copy, which is then moved over it:
   * `qemu-img resize` opens what the header names, read-write, so it must not be a header its guest could swap in
   * after the check.
   */
  grow(instance: InstanceId, disk: DiskName, meta: DiskMetadata, size: ByteSize): TE.TaskEither<CoreError, void> {
    return () =>
      this.reader.reading(instance, disk, meta, async (o, source) => {
        const resized = await o.driver.resize(o.image, size)();
        if (E.isLeft(resized) || source === null) return resized;
        // Given a source, `o` is the checked copy, a flat file (see `reading`): it takes the disk's place, owner and mode.
        const copy = o.image.location;
        return copy.backend === 'flat' ? this.files.replace(copy.path, source)() : resized;
      });
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
    return () => this.madeFromStaged(instance, disk, meta, keep);
  }

  /**
   * Remove the volumes a disk of `backend` would have under nova's names for
   * it (`disk.local` too, for the first ephemeral disk) in the volume group
   * or pool this host's options name, if any (and
   * nothing when they name none, or the host has no driver or tool for
   * them: it never made such a volume): for a disk no record or fact
   * places, as nova's cleanup removes an instance's volumes by name; but a
   * volume `spared` names (one the instance uses now). Removing reads
   * nothing of the volume.
   */
  removeNamed(instance: InstanceId, disk: DiskName, backend: 'lvm' | 'rbd', spared: (at: DiskLocation) => boolean = () => false): TE.TaskEither<CoreError, void> {
    return async () => {
      for (const file of novaFileNames(disk)) {
        const location = namedVolume(this.ctx, instance, backend, file);
        if (location === null) return DONE;
        if (E.isLeft(location)) return location;
        if (spared(location.right)) continue;
        const driver = await this.drivers.forBackend(backend)();
        const removed = E.isLeft(driver) ? driver : await driver.right.remove(location.right)();
        if (E.isLeft(removed) && cannotHold(removed.left.code)) return DONE;
        if (E.isLeft(removed)) return removed;
      }
      return DONE;
    };
  }

  /** Remove a recorded disk from this host (the record is the caller's). */
  remove(instance: InstanceId, disk: DiskName, meta: DiskMetadata): TE.TaskEither<CoreError, void> {
    return () => this.removed(instance, disk, meta);
  }

  /** Whether the instance's directory is on this host. */
  instanceDirExists(instance: InstanceId): TE.TaskEither<CoreError, boolean> {
    return this.files.exists(instanceDir(this.ctx.instancesPath, instance));
  }

  /** Remove the instance's directory if it holds nothing (what a refused request made of it). */
  removeEmptyInstanceDir(instance: InstanceId): TE.TaskEither<CoreError, void> {
    const dir = instanceDir(this.ctx.instancesPath, instance);
    return async () => {
      const held = await this.files.list(dir)();
      return E.isRight(held) && held.right.length === 0 ? this.files.remove(dir)() : DONE;
    };
  }

  // ---- the steps

  /** A record that is not `creating`: its disk is checked, and made again if it is missing. */
  private async completeExisting(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: RecordSource, ready: DiskMetadata): Ran<void> {
    // A complete disk needs no staged copy: one left by an interrupted move or conversion is dropped.
    const unstaged = await this.unstage(instance, disk)();
    if (E.isLeft(unstaged)) return unstaged;
    const presence = await this.reader.presence(instance, disk, meta);
    if (E.isLeft(presence)) return presence;
    if (presence.right !== 'present') return this.remake(instance, disk, meta, source);
    return meta.state === 'ready' ? DONE : this.metadata.saveAll(instance, [{ disk, meta: ready }])();
  }

  /** A `creating` record: leftovers go, and the disk is made from its staged copy or its source. */
  private async completeCreating(instance: InstanceId, disk: DiskName, meta: DiskMetadata, source: RecordSource, ready: DiskMetadata): Ran<void> {
    const fromCopy = await this.files.exists(stagedPath(this.ctx.instancesPath, instance, disk))();
    if (E.isLeft(fromCopy)) return fromCopy;
    const made = fromCopy.right ? await this.madeFromStaged(instance, disk, meta, false) : await this.madeFromSource(instance, disk, meta, source);
    return E.isLeft(made) ? made : this.metadata.saveAll(instance, [{ disk, meta: ready }])();
  }

  /**
   * Creation first: the driver refuses an occupied location before it makes
   * anything, so leftovers of a crash part-way are removed only when there
   * are some. Looking first would cost every new volume a second look-up.
   */
  private async madeFromSource(instance: InstanceId, disk: DiskName, meta: DiskMetadata, recorded: RecordSource): Ran<void> {
    const source = await this.maker.resolve(instance, recorded, meta.size);
    if (E.isLeft(source)) return source;
    let created = await this.maker.create(instance, disk, meta, source.right);
    if (E.isLeft(created) && created.left._tag === 'DiskExists') {
      const removed = await this.removed(instance, disk, meta);
      if (E.isLeft(removed)) return removed;
      created = await this.maker.create(instance, disk, meta, source.right);
    }
    return E.isLeft(created) ? created : this.requirePresent(instance, disk, meta);
  }

  /**
   * Make a recorded disk that is missing again. The record goes back to
   * `creating` first: a crash part-way then leaves a record whose leftovers
   * the next call removes, never a half-made disk that checks as present.
   */
  private async remake(instance: InstanceId, disk: DiskName, meta: DiskMetadata, recorded: RecordSource): Ran<void> {
    // Refused before the record changes (a lost disk nothing can make again, a config drive whose files cannot be
    // had): it stays `ready`, saying what the lost disk was.
    const source = await this.maker.resolve(instance, recorded, meta.size);
    if (E.isLeft(source)) return source;
    if (inventsContents(disk, meta, source.right)) return E.left(diskLost(instance, disk, meta));
    const creating = await this.metadata.saveAll(instance, [{ disk, meta: { ...meta, state: 'creating' } }])();
    if (E.isLeft(creating)) return creating;
    const created = await this.maker.create(instance, disk, meta, source.right);
    if (E.isLeft(created)) return created;
    const present = await this.requirePresent(instance, disk, meta);
    if (E.isLeft(present)) return present;
    return this.metadata.saveAll(instance, [{ disk, meta: { ...meta, state: 'ready' } }])();
  }

  private async madeFromStaged(instance: InstanceId, disk: DiskName, meta: DiskMetadata, keep: boolean): Ran<void> {
    const staged = stagedPath(this.ctx.instancesPath, instance, disk);
    const size = byteSize(meta.size);
    if (E.isLeft(size)) return size;
    const target = await this.reader.opened(instance, disk, meta);
    if (E.isLeft(target)) return target;
    const { driver, image } = target.right;
    const cleared = await driver.remove(image.location)();
    if (E.isLeft(cleared)) return cleared;
    const dir = await this.files.mkdirp(instanceDir(this.ctx.instancesPath, instance))();
    if (E.isLeft(dir)) return dir;
    const copied = await driver.copyFrom(image, stagedImage(staged), size.right)();
    if (E.isLeft(copied)) return copied;
    const present = await this.requirePresent(instance, disk, meta);
    if (E.isLeft(present) || keep) return present;
    return this.files.remove(staged)();
  }

  private async removed(instance: InstanceId, disk: DiskName, meta: DiskMetadata): Ran<void> {
    const opened = await this.reader.opened(instance, disk, meta);
    return E.isLeft(opened) ? opened : opened.right.driver.remove(opened.right.image.location)();
  }

  private async requirePresent(instance: InstanceId, disk: DiskName, meta: DiskMetadata): Ran<void> {
    const presence = await this.reader.presence(instance, disk, meta);
    if (E.isLeft(presence)) return presence;
    return presence.right === 'present' ? DONE : E.left(diskMismatch(instance, disk, 'DISK_SIZE_MISMATCH', `${instance}/${disk} is missing right after it was created`));
  }
}
