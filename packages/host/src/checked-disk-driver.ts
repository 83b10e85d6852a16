/**
 * The part every host disk driver shares: each public method checks its whole
 * input first (sizes, names, backend/format pair, location backend) and only
 * then runs commands; creation refuses an existing target; a creation that
 * fails half-way removes what it made; shrinking is refused after reading
 * the current size with the recorded format. A backend supplies the few
 * steps that differ (presence, size, blank, fill, grow, drop).
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
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
import * as Q from './qemu-img.js';
import { checkLocationFor, ploopImagePath, type LocationOf } from './qemu-path.js';

/** A source image with its format and virtual size, read before anything is created. */
export interface SizedImage extends Q.QemuImage {
  readonly virtualSize: number;
  /** The source is a host file or block device, so tools other than qemu-img can read it. */
  readonly local: boolean;
}

/** Base class of the host drivers; see the module comment for what it guarantees. */
export abstract class CheckedDiskDriver<B extends Backend> implements DiskDriver {
  protected constructor(
    readonly backend: B,
    protected readonly exec: CommandExecutor,
    protected readonly files: HostFiles,
  ) {}

  // ---- steps a backend supplies (inputs are already checked) ----

  /** Whether anything is at the location. */
  protected abstract present(location: LocationOf<B>): TE.TaskEither<StorageError, boolean>;
  /** Whether the disk exists and its virtual size, read with its recorded format. */
  protected abstract state(disk: CheckedDisk<B>): TE.TaskEither<StorageError, DiskState>;
  /** Make an empty disk; the location is free. */
  protected abstract blank(disk: CheckedDisk<B>, size: ByteSize): TE.TaskEither<StorageError, void>;
  /** Make the disk from `source` (no larger than `size`), grown to `size`; the location is free. */
  protected abstract fill(disk: CheckedDisk<B>, source: SizedImage, size: ByteSize): TE.TaskEither<StorageError, void>;
  /** Grow an existing disk from `current` to `size` (larger). */
  protected abstract grow(disk: CheckedDisk<B>, size: ByteSize, current: number): TE.TaskEither<StorageError, void>;
  /** Remove whatever is at the location; succeed when nothing is. */
  protected abstract drop(location: LocationOf<B>): TE.TaskEither<StorageError, void>;

  /** Make the disk from a cached base; a converted copy unless a backend overrides it. */
  protected fromBase(disk: CheckedDisk<B>, base: SizedImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return this.fill(disk, base, size);
  }

  /** Extra size rules of a backend (ploop: whole KiB). */
  protected checkBackendSize(size: ByteSize): E.Either<StorageError, ByteSize> {
    return E.right(size);
  }

  // ---- the port ----

  createBlank(disk: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      TE.fromEither(this.checkTarget(disk, size)),
      TE.chainFirst(({ d }) => this.refuseExisting(d.location)),
      TE.chain(({ d, n }) => this.undoOnFailure(d.location, this.blank(d, n))),
    );
  }

  createFromBase(disk: DiskImage, base: BaseImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      TE.fromEither(pipe(this.checkTarget(disk, size), E.bind('b', () => checkBase(base)))),
      TE.bind('source', ({ b }) => this.sized(b, true, b.path)),
      TE.chainFirst(({ source, n }) => TE.fromEither(this.fitsIn(source, n, 'base image'))),
      TE.chainFirst(({ d }) => this.refuseExisting(d.location)),
      TE.chain(({ d, n, source }) => this.undoOnFailure(d.location, this.fromBase(d, source, n))),
    );
  }

  copyFrom(disk: DiskImage, source: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      TE.fromEither(pipe(this.checkTarget(disk, size), E.bind('s', () => checkSource(source)))),
      TE.bind('sized', ({ s }) => this.sized(s.image, s.location.backend !== 'rbd', fileOf(s.location))),
      TE.chainFirst(({ sized, n }) => TE.fromEither(this.fitsIn(sized, n, 'source disk'))),
      TE.chainFirst(({ d }) => this.refuseExisting(d.location)),
      TE.chain(({ d, n, sized }) => this.undoOnFailure(d.location, this.fill(d, sized, n))),
    );
  }

  resize(disk: DiskImage, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      TE.fromEither(this.checkTarget(disk, size)),
      TE.chain(({ d, n }) =>
        pipe(
          this.state(d),
          TE.chain((st): TE.TaskEither<StorageError, void> => {
            if (!st.exists) return TE.left(diskNotFound(showLocation(d.location)));
            if (n < st.virtualSize) return TE.left(unsupported(`cannot shrink ${showLocation(d.location)} from ${st.virtualSize} to ${n} bytes`));
            return n === st.virtualSize ? TE.right(undefined) : this.grow(d, n, st.virtualSize);
          }),
        ),
      ),
    );
  }

  exportTo(disk: DiskImage, dest: HostPath, format: ExportFormat): TE.TaskEither<StorageError, void> {
    return pipe(
      TE.fromEither(pipe(E.Do, E.apS('d', checkDisk(this.backend, disk)), E.apS('out', checkExport(dest, format)))),
      TE.chainFirst(({ d }) => this.requirePresent(d.location)),
      TE.chainFirst(({ out }) =>
        pipe(
          this.files.exists(out.path),
          TE.chainW((there): TE.TaskEither<StorageError, void> => (there ? TE.left(diskExists(out.path)) : TE.right(undefined))),
        ),
      ),
      TE.chain(({ d, out }) =>
        pipe(
          this.run(Q.convert(d.image, out)),
          TE.orElse((e) => pipe(this.files.remove(out.path), TE.foldW(() => TE.left(e), () => TE.left(e)))),
        ),
      ),
    );
  }

  remove(location: DiskLocation): TE.TaskEither<StorageError, void> {
    return pipe(TE.fromEither(checkLocationFor(this.backend, location)), TE.chain((loc) => this.drop(loc)));
  }

  inspect(disk: DiskImage): TE.TaskEither<StorageError, DiskState> {
    return pipe(TE.fromEither(checkDisk(this.backend, disk)), TE.chain((d) => this.state(d)));
  }

  // ---- helpers for backends ----

  /** Run one argv; its output is not needed. */
  protected run(argv: Argv): TE.TaskEither<StorageError, void> {
    return pipe(this.exec.run({ argv }), TE.map(() => undefined));
  }

  /** Run one argv and keep its stdout. */
  protected read(argv: Argv): TE.TaskEither<StorageError, string> {
    return pipe(this.exec.run({ argv }), TE.map((r) => r.stdout));
  }

  /** Virtual size of an image, read with its named format. */
  protected virtualSize(image: Q.QemuImage): TE.TaskEither<StorageError, number> {
    return pipe(this.described(image), TE.map((i) => i.virtualSize));
  }

  /** What the host holds for an existing image, read with its named format: size and any backing file it names. */
  protected described(image: Q.QemuImage): TE.TaskEither<StorageError, Q.QemuInfoSummary> {
    return pipe(this.read(Q.info(image)), TE.chainEitherKW((out) => Q.decodeInfo(out, image.format)));
  }

  /** The `DiskState` of an image known to exist. */
  protected existing(image: Q.QemuImage): TE.TaskEither<StorageError, DiskState> {
    return pipe(
      this.described(image),
      TE.map((i): DiskState => (i.backing === null ? { exists: true, virtualSize: i.virtualSize } : { exists: true, virtualSize: i.virtualSize, backing: i.backing })),
    );
  }

  private checkTarget(disk: DiskImage, size: ByteSize) {
    return pipe(
      E.Do,
      E.apS('d', checkDisk(this.backend, disk)),
      E.apS('n', pipe(checkSize(size), E.chain((n) => this.checkBackendSize(n)))),
    );
  }

  private sized(image: Q.QemuImage, local: boolean, file: HostPath | null): TE.TaskEither<StorageError, SizedImage> {
    return pipe(
      file === null ? TE.right(true) : this.files.exists(file),
      TE.chainW((there) => (there ? this.virtualSize(image) : TE.left(diskNotFound(file ?? image.qpath)))),
      TE.map((virtualSize) => ({ ...image, virtualSize, local })),
    );
  }

  private fitsIn(source: SizedImage, size: ByteSize, what: string): E.Either<StorageError, void> {
    return source.virtualSize > size
      ? E.left(unsupported(`the ${what} (${source.virtualSize} bytes) is larger than the disk (${size} bytes); disks never shrink`))
      : E.right(undefined);
  }

  private refuseExisting(location: LocationOf<B>): TE.TaskEither<StorageError, void> {
    return pipe(
      this.present(location),
      TE.chain((there) => (there ? TE.left(diskExists(showLocation(location))) : TE.right(undefined))),
    );
  }

  private requirePresent(location: LocationOf<B>): TE.TaskEither<StorageError, void> {
    return pipe(
      this.present(location),
      TE.chain((there) => (there ? TE.right(undefined) : TE.left(diskNotFound(showLocation(location))))),
    );
  }

  /** Creation is all or nothing: on failure remove what was made and report the original error. */
  private undoOnFailure(location: LocationOf<B>, make: TE.TaskEither<StorageError, void>): TE.TaskEither<StorageError, void> {
    return pipe(
      make,
      TE.orElse((e) => pipe(this.drop(location), TE.foldW(() => TE.left(e), () => TE.left(e)))),
    );
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
