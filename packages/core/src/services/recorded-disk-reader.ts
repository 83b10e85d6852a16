/**
 * A recorded disk as this host reads it: opened with its driver and its
 * recorded format, its chain checked before anything follows it, its
 * presence and size held against its record, and its data read (a copy
 * first where its guest may rewrite its header). The disk realizer builds on
 * these; nothing here writes a record or makes a disk.
 */
import { imageId, type BaseImageCache, type DiskDriver, type DiskDrivers, type DiskImage, type DiskMetadata, type DiskName, type DiskState, type HostFiles, type HostPath, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { inject, injectable } from 'inversify';
import type { CoreError, DiskMismatch } from '../errors/core-error.js';
import { imageCacheDir, type HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { chainRefusal, type CacheView } from './backing-chain.js';
import { locate } from './disk-locator.js';
import { DiskMetadataService } from './metadata-service.js';
import { roundUp } from './placement.js';
import { plainBase } from './plain-base.js';
import { pinnedPath } from './staging.js';

/** Whether the recorded disk is on the host (checked against the record). */
export type DiskPresence = 'absent' | 'present';

/** A recorded disk opened on this host: its driver and its image (location and format). */
export interface OpenedDisk {
  readonly driver: DiskDriver;
  readonly image: DiskImage;
}

/** A disk on the host that is not what its record says. */
export const diskMismatch = (instance: InstanceId, disk: DiskName, code: DiskMismatch['code'], message: string, cause?: unknown): DiskMismatch => ({
  _tag: 'DiskMismatch', code, instance, disk, path: `${instance}/${disk}`, message, cause,
});

type Ran<A> = Promise<E.Either<CoreError, A>>;

/** Opens, checks and reads recorded disks on one host. */
@injectable()
export class RecordedDiskReader {
  private readonly cacheView: CacheView;

  constructor(
    @inject(TOKENS.HostContext) private readonly ctx: HostContext,
    @inject(TOKENS.DiskDrivers) private readonly drivers: DiskDrivers,
    @inject(TOKENS.HostFiles) private readonly files: HostFiles,
    @inject(TOKENS.BaseImageCache) private readonly cache: BaseImageCache,
    @inject(DiskMetadataService) private readonly metadata: DiskMetadataService,
  ) {
    // The host's cache as every chain check sees it: its options do not change while these services live.
    this.cacheView = {
      dir: imageCacheDir(ctx),
      defaultDir: imageCacheDir({ instancesPath: ctx.instancesPath }),
      ownEntry: (id) => this.ownEntry(id),
    };
  }

  /** The driver and image of a recorded disk on this host. */
  async opened(instance: InstanceId, disk: DiskName, meta: DiskMetadata): Ran<OpenedDisk> {
    const image = locate(this.ctx, instance, disk, meta);
    if (E.isLeft(image)) return image;
    const driver = await this.drivers.forBackend(meta.backend)();
    return E.isLeft(driver) ? driver : E.right({ driver: driver.right, image: image.right });
  }

  /**
   * The opened disk's state with its recorded format: a tool's refusal to open it so is `DISK_FORMAT_MISMATCH`; a
   * chain it may not follow, refused. A base that a disk this library did not make names is opened too, with the
   * format the disk's header states for it (plain-base.ts): that format is the guest's to choose if the disk is a
   * raw one taken for qcow2, and must not turn an unverified entry into a chain of its own.
   */
  private async inspected(instance: InstanceId, disk: DiskName, meta: DiskMetadata, opened: OpenedDisk): Ran<DiskState> {
    const state = await opened.driver.inspect(opened.image)();
    if (E.isLeft(state)) {
      const e = state.left;
      return e._tag === 'CommandFailed'
        ? E.left(diskMismatch(instance, disk, 'DISK_FORMAT_MISMATCH', `${instance}/${disk} does not open as ${meta.format} as its record says`, e))
        : state;
    }
    const facts = await this.chainFacts(instance, disk, meta, state.right);
    if (E.isLeft(facts)) return facts;
    const refused = chainRefusal(instance, disk, facts.right, state.right, this.cacheView);
    if (refused !== null) return E.left(refused);
    const backing = state.right.exists ? state.right.backing : undefined;
    if (backing === undefined || meta.provenance === 'created') return state;
    const plain = await plainBase(this.drivers, instance, disk, backing.file, backing.format);
    return E.isLeft(plain) ? plain : state;
  }

  /** The cache's own name for an image's entry, for an id it takes. */
  private ownEntry(id: string): string | null {
    const checked = imageId(id, 'image id');
    return E.isLeft(checked) ? null : this.cache.entryName(checked.right);
  }

  /**
   * What a root's or rescue disk's chain is checked against: its record,
   * or for a legacy one recorded before records named images (derived or
   * 1.0, naming none), the image nova's `image_ref` names now, read here and
   * not written back (nova rescues from the instance's own image unless told
   * another).
   */
  private async chainFacts(instance: InstanceId, disk: DiskName, meta: DiskMetadata, state: DiskState): Ran<DiskMetadata> {
    if ((disk !== 'root' && disk !== 'rescue') || meta.imageId !== null || !state.exists || state.backing === undefined) return E.right(meta);
    if (meta.provenance === 'created') return E.right(meta);
    const image = await this.metadata.instanceImage(instance)();
    if (E.isLeft(image)) return image;
    return E.right(image.right.image === null ? meta : { ...meta, imageId: image.right.image });
  }

  /**
   * Read the disk's data with `use`. A qcow2 disk whose record was derived
   * from the classic driver's facts, or stated by an operator, may be a raw
   * disk taken for qcow2, whose guest rewrites its header at will: checking
   * its chain (backing-chain.ts) and then reading it would let the guest
   * name a host file in between. It is copied byte for byte first, and the
   * copy is checked, read and removed. Disks this library made are read as
   * recorded. `use` is given the copy's source path, over which a copy it
   * changed may be moved (`null` when it was given the disk itself).
   */
  async reading<A>(instance: InstanceId, disk: DiskName, meta: DiskMetadata, use: (opened: OpenedDisk, source: HostPath | null) => Ran<A>): Ran<A> {
    const opened = await this.opened(instance, disk, meta);
    if (E.isLeft(opened)) return opened;
    if (meta.format !== 'qcow2' || meta.provenance === 'created') return use(opened.right, null);
    const { location } = opened.right.image;
    if (location.backend === 'lvm' || location.backend === 'rbd') {
      // Neither backend ever held a qcow2 container of the classic driver's; a record saying so is checked, never copied.
      const state = await this.inspected(instance, disk, meta, opened.right);
      return E.isLeft(state) ? state : use(opened.right, null);
    }
    const flat = await this.drivers.forBackend('flat')();
    if (E.isLeft(flat)) return flat;
    const pinned = pinnedPath(location.path);
    const copy: OpenedDisk = { driver: flat.right, image: { location: { backend: 'flat', path: pinned }, format: 'qcow2' } };
    const stale = await this.files.remove(pinned)();
    if (E.isLeft(stale)) return stale;
    try {
      const copied = await flat.right.exportTo({ location: { backend: 'flat', path: location.path }, format: 'raw' }, pinned, 'raw')();
      if (E.isLeft(copied)) return copied;
      const state = await this.inspected(instance, disk, meta, copy);
      return E.isLeft(state) ? state : await use(copy, location.path);
    } finally {
      await this.files.remove(pinned)();
    }
  }

  /** Whether the recorded disk is on the host: its chain checked, and its size held against its record (`DISK_SIZE_MISMATCH`). */
  async presence(instance: InstanceId, disk: DiskName, meta: DiskMetadata): Ran<DiskPresence> {
    const opened = await this.opened(instance, disk, meta);
    if (E.isLeft(opened)) return opened;
    const state = await this.inspected(instance, disk, meta, opened.right);
    if (E.isLeft(state)) return state;
    const st = state.right;
    if (!st.exists) return E.right('absent');
    if (st.virtualSize === meta.size) return E.right('present');
    // LVM rounds a volume up to whole extents; a record that predates rounded planning names the size asked for.
    if (meta.backend === 'lvm') {
      const unit = await opened.right.driver.allocationUnit(opened.right.image.location)();
      if (E.isLeft(unit)) return unit;
      if (st.virtualSize === roundUp(meta.size, unit.right)) return E.right('present');
    }
    return E.left(diskMismatch(instance, disk, 'DISK_SIZE_MISMATCH', `${instance}/${disk} holds ${st.virtualSize} bytes, its record says ${meta.size}`));
  }
}
