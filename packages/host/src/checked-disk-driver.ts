/**
 * The part every host disk driver shares: each public method checks its whole
 * input first (sizes, names, backend/format pair, location backend) and only
 * then runs commands; creation refuses an existing target; a creation that
 * fails half-way removes what it made; shrinking is refused after reading
 * the current size with the recorded format. A backend supplies the few
 * steps that differ (presence, size, blank, fill, grow, drop).
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import {
  diskExists,
  diskNotFound,
  showLocation,
  unsupported,
  type Argv,
  type Backend,
  type BaseImage,
  type ByteSize,
  type CommandExecutor,
  type DiskDriver,
  type DiskImage,
  type DiskLocation,
  type DiskState,
  type ExportFormat,
  type HostFiles,
  type HostPath,
  type StorageError,
} from '@disk-ledger/domain';
import { checkBase, checkDisk, checkExport, checkSize, checkSource, type CheckedDisk } from './driver-input.js';
import { DEFAULT_INSPECT_LIMITS } from './inspect-limits.js';
import * as Q from './qemu-img.js';
import { checkLocationFor, DEFAULT_RBD_CLIENT, ploopImagePath, recheckedClient, type LocationOf, type RbdClient } from './qemu-path.js';

/** A source image with its format and virtual size, read before anything is created. */
export interface SizedImage extends Q.QemuImage {
  readonly virtualSize: number;
  /** The source is a host file or block device, so tools other than qemu-img can read it. */
  readonly local: boolean;
}

/**
 * What a driver step returns once it has run. The steps are plain async
 * functions that return early on the first `Left` (a driver call is a
 * handful of steps, and building a TaskEither pipeline for each call cost
 * more than the emulated commands themselves); the port's methods wrap them
 * back into TaskEithers.
 */
export type Ran<A> = Promise<E.Either<StorageError, A>>;

const DONE: E.Either<never, void> = E.right(undefined);

/** What qemu-img writes in: whole sectors. */
const SECTOR = E.right(512);

/** Base class of the host drivers; see the module comment for what it guarantees. */
export abstract class CheckedDiskDriver<B extends Backend> implements DiskDriver {
  protected constructor(
    readonly backend: B,
    protected readonly exec: CommandExecutor,
    protected readonly files: HostFiles,
    rbdClient: RbdClient = DEFAULT_RBD_CLIENT,
  ) {
    this.rbdClient = rbdClient === DEFAULT_RBD_CLIENT ? rbdClient : recheckedClient(rbdClient);
  }

  /** How qemu-img and `rbd` reach the Ceph cluster, for an rbd disk or source (checked when the driver was made). */
  protected readonly rbdClient: RbdClient;

  // ---- steps a backend supplies (inputs are already checked) ----

  /** Whether anything is at the location. */
  protected abstract present(location: LocationOf<B>): Ran<boolean>;
  /** Whether the disk exists and its virtual size, read with its recorded format. */
  protected abstract state(disk: CheckedDisk<B>): Ran<DiskState>;
  /** Make an empty disk; the location is free. */
  protected abstract blank(disk: CheckedDisk<B>, size: ByteSize): Ran<void>;
  /** Make the disk from `source` (no larger than `size`), grown to `size`; the location is free. */
  protected abstract fill(disk: CheckedDisk<B>, source: SizedImage, size: ByteSize): Ran<void>;
  /** Grow an existing disk from `current` to `size` (larger). */
  protected abstract grow(disk: CheckedDisk<B>, size: ByteSize, current: number): Ran<void>;
  /** Remove whatever is at the location; succeed when nothing is. */
  protected abstract drop(location: LocationOf<B>): Ran<void>;

  /** Make the disk from a cached base; a converted copy unless a backend overrides it. */
  protected fromBase(disk: CheckedDisk<B>, base: SizedImage, size: ByteSize): Ran<void> {
    return this.fill(disk, base, size);
  }

  /** After a disk is made from a source (a base, a copy): what the backend does to a new disk (the file backends preallocate it when told). */
  protected made(_disk: CheckedDisk<B>, _size: ByteSize): Ran<void> {
    return Promise.resolve(E.right(undefined));
  }

  /** The allocation unit at a checked location: 512-byte sectors unless a backend says otherwise. */
  protected unit(_location: LocationOf<B>): Ran<number> {
    return Promise.resolve(SECTOR);
  }

  /** Extra size rules of a backend (ploop: whole KiB). */
  protected checkBackendSize(size: ByteSize): E.Either<StorageError, ByteSize> {
    return E.right(size);
  }

  // ---- the port ----

  createBlank(disk: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return async () => {
      const target = this.checkTarget(disk, size);
      if (E.isLeft(target)) return target;
      const { d, n } = target.right;
      const free = await this.refuseExisting(d.location);
      if (E.isLeft(free)) return free;
      return this.undoOnFailure(d.location, () => this.blank(d, n));
    };
  }

  createFromBase(disk: DiskImage, base: BaseImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return async () => {
      const target = this.checkTarget(disk, size);
      if (E.isLeft(target)) return target;
      const b = checkBase(base);
      if (E.isLeft(b)) return b;
      const { d, n } = target.right;
      const known = b.right.virtualSize;
      // A stated size is the caller's knowledge of an entry that never changes; else it is read here.
      const source = known === null ? await this.sized(b.right, true, b.right.path) : E.right<StorageError, SizedImage>({ qpath: b.right.qpath, format: b.right.format, virtualSize: known, local: true });
      if (E.isLeft(source)) return source;
      const fits = this.fitsIn(source.right, n, 'base image');
      if (E.isLeft(fits)) return fits;
      const free = await this.refuseExisting(d.location);
      if (E.isLeft(free)) return free;
      return this.undoOnFailure(d.location, () => this.then(this.fromBase(d, source.right, n), () => this.made(d, n)));
    };
  }

  copyFrom(disk: DiskImage, source: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return async () => {
      const target = this.checkTarget(disk, size);
      if (E.isLeft(target)) return target;
      const s = checkSource(source, 'source', this.rbdClient);
      if (E.isLeft(s)) return s;
      const { d, n } = target.right;
      const sized = await this.sized(s.right.image, s.right.location.backend !== 'rbd', fileOf(s.right.location));
      if (E.isLeft(sized)) return sized;
      const fits = this.fitsIn(sized.right, n, 'source disk');
      if (E.isLeft(fits)) return fits;
      const free = await this.refuseExisting(d.location);
      if (E.isLeft(free)) return free;
      return this.undoOnFailure(d.location, () => this.then(this.fill(d, sized.right, n), () => this.made(d, n)));
    };
  }

  resize(disk: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return async () => {
      const target = this.checkTarget(disk, size);
      if (E.isLeft(target)) return target;
      const { d, n } = target.right;
      const st = await this.state(d);
      if (E.isLeft(st)) return st;
      if (!st.right.exists) return E.left(diskNotFound(showLocation(d.location)));
      const current = st.right.virtualSize;
      if (n < current) return E.left(unsupported(`cannot shrink ${showLocation(d.location)} from ${current} to ${n} bytes`));
      return n === current ? DONE : this.grow(d, n, current);
    };
  }

  exportTo(disk: DiskImage, dest: HostPath, format: ExportFormat): TE.TaskEither<StorageError, void> {
    return async () => {
      const d = checkDisk(this.backend, disk, 'disk', this.rbdClient);
      if (E.isLeft(d)) return d;
      const out = checkExport(dest, format);
      if (E.isLeft(out)) return out;
      const there = await this.requirePresent(d.right.location);
      if (E.isLeft(there)) return there;
      const taken = await this.files.exists(out.right.path)();
      if (E.isLeft(taken)) return taken;
      if (taken.right) return E.left(diskExists(out.right.path));
      const converted = await this.run(Q.convert(d.right.image, out.right));
      if (E.isRight(converted)) return converted;
      // The partial output goes; the conversion's error is the one reported, whether or not the removal worked.
      await this.files.remove(out.right.path)();
      return converted;
    };
  }

  remove(location: DiskLocation): TE.TaskEither<StorageError, void> {
    return async () => {
      const loc = checkLocationFor(this.backend, location);
      return E.isLeft(loc) ? loc : this.drop(loc.right);
    };
  }

  inspect(disk: DiskImage): TE.TaskEither<StorageError, DiskState> {
    return async () => {
      const d = checkDisk(this.backend, disk, 'disk', this.rbdClient);
      return E.isLeft(d) ? d : this.state(d.right);
    };
  }

  allocationUnit(location: DiskLocation): TE.TaskEither<StorageError, number> {
    return async () => {
      const loc = checkLocationFor(this.backend, location);
      return E.isLeft(loc) ? loc : this.unit(loc.right);
    };
  }

  // ---- helpers for backends ----

  /** Run one argv; its output is not needed. */
  protected async run(argv: Argv): Ran<void> {
    const r = await this.exec.run({ argv })();
    return E.isLeft(r) ? r : DONE;
  }

  /** Virtual size of an image, read with its named format. */
  protected async virtualSize(image: Q.QemuImage): Ran<number> {
    const i = await this.described(image);
    return E.isLeft(i) ? i : E.right(i.right.virtualSize);
  }

  /**
   * What the host holds for an existing image, read with its named format:
   * size and any backing or data file it names. Under resource limits: the
   * bytes are a guest's, and qemu-img parses its header.
   */
  protected async described(image: Q.QemuImage): Ran<Q.QemuInfoSummary> {
    const r = await this.exec.run({ argv: Q.info(image), limits: DEFAULT_INSPECT_LIMITS })();
    return E.isLeft(r) ? r : Q.decodeInfo(r.right.stdout, image.format);
  }

  /** The `DiskState` of an image known to exist. */
  protected async existing(image: Q.QemuImage): Ran<DiskState> {
    const i = await this.described(image);
    if (E.isLeft(i)) return i;
    const { virtualSize, backing, dataFile } = i.right;
    if (backing === null && dataFile === null) return E.right({ exists: true, virtualSize });
    return E.right({ exists: true, virtualSize, ...(backing === null ? {} : { backing }), ...(dataFile === null ? {} : { dataFile }) });
  }

  private checkTarget(disk: DiskImage, size: ByteSize): E.Either<StorageError, { readonly d: CheckedDisk<B>; readonly n: ByteSize }> {
    const d = checkDisk(this.backend, disk, 'disk', this.rbdClient);
    if (E.isLeft(d)) return d;
    const checked = checkSize(size);
    if (E.isLeft(checked)) return checked;
    const n = this.checkBackendSize(checked.right);
    return E.isLeft(n) ? n : E.right({ d: d.right, n: n.right });
  }

  private async sized(image: Q.QemuImage, local: boolean, file: HostPath | null): Ran<SizedImage> {
    if (file !== null) {
      const there = await this.files.exists(file)();
      if (E.isLeft(there)) return there;
      if (!there.right) return E.left(diskNotFound(file));
    }
    // `described` rather than `virtualSize`: one async step less on every copy and creation from a base.
    const info = await this.described(image);
    // Named fields, not a spread: a spread that adds properties costs V8 a slow path on every call.
    return E.isLeft(info) ? info : E.right({ qpath: image.qpath, format: image.format, virtualSize: info.right.virtualSize, local });
  }

  private fitsIn(source: SizedImage, size: ByteSize, what: string): E.Either<StorageError, void> {
    return source.virtualSize > size
      ? E.left(unsupported(`the ${what} (${source.virtualSize} bytes) is larger than the disk (${size} bytes); disks never shrink`))
      : DONE;
  }

  private async refuseExisting(location: LocationOf<B>): Ran<void> {
    const there = await this.present(location);
    if (E.isLeft(there)) return there;
    return there.right ? E.left(diskExists(showLocation(location))) : DONE;
  }

  private async requirePresent(location: LocationOf<B>): Ran<void> {
    const there = await this.present(location);
    if (E.isLeft(there)) return there;
    return there.right ? DONE : E.left(diskNotFound(showLocation(location)));
  }

  /** `next` once `first` succeeded. */
  private async then(first: Ran<void>, next: () => Ran<void>): Ran<void> {
    const r = await first;
    return E.isLeft(r) ? r : next();
  }

  /** Creation is all or nothing: on failure remove what was made and report the original error. */
  private async undoOnFailure(location: LocationOf<B>, make: () => Ran<void>): Ran<void> {
    const made = await make();
    if (E.isRight(made)) return made;
    await this.drop(location);
    return made;
  }
}

/** The host file holding a disk of a file backend, checked for presence before it is opened. */
const fileOf = (loc: DiskLocation): HostPath | null => {
  switch (loc.backend) {
    case 'flat':
    case 'qcow2':
      return loc.path;
    case 'ploop':
      return ploopImagePath(loc.path);
    default:
      return null;
  }
};
