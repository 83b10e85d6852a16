import {
  byteSize,
  deriveLegacyLayout,
  diskInfoEntry,
  instanceDir,
  isAllowedPair,
  legacyBackend,
  novaFileName,
  novaFileNames,
  type Backend,
  type DiskDrivers,
  type DiskInfo,
  type HostFiles,
  type HostPath,
  type DiskMetadata,
  type DerivedLayout,
  type DiskLocation,
  type DiskName,
  type InstanceId,
  type HostStorageOptions,
  type ImageId,
  type ImagesType,
  type LegacyHostFacts,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { CoreError } from '../errors/core-error.js';
import { imageCacheDir, type HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { chainRefusal } from './backing-chain.js';
import { LOCAL_BESIDE_VOLUME, USUAL_BDM_DISKS } from './usual-disks.js';
import { DiskRealizer } from './disk-realizer.js';
import { cannotHold, derivedProbe } from './legacy-places.js';
import { locationTaken } from './supplied-location.js';
import { factsContradict, imageRefUnusable, imageWithoutBase, missingDisk, notOpening, notRegularFile, recordExists, unconfirmedQcow2 } from './adoption-errors.js';
import { DiskMetadataService } from './metadata-service.js';
import { plainBase } from './plain-base.js';

/** What became of one hinted instance-level disk that is on the host: its record, or why it could not be adopted. */
export interface HintedAdoption {
  readonly disk: DiskName;
  readonly result: E.Either<CoreError, DiskMetadata>;
}

/** A layout an operator states for a disk whose facts could not be derived. */
export interface OperatorLayout {
  readonly backend: DiskMetadata['backend'];
  readonly format: DiskMetadata['format'];
  readonly location: string | null;
  /**
   * The image a root overlay was made from, whose cache entry its base must
   * be (default: the instance's `image_ref`). Nova's unshelve makes the root
   * from the shelved snapshot while `image_ref` keeps naming the original.
   */
  readonly imageId?: ImageId | null;
}

/** Disks without a BDM row that the classic driver kept in files of the instance directory. */
const INSTANCE_LEVEL: readonly DiskName[] = ['config', 'kernel', 'ramdisk', 'rescue'];

/** Failures of the tools themselves: the place could not be looked at. */
const LOOK_FAILED: ReadonlySet<string> = new Set(['COMMAND_FAILED', 'COMMAND_KILLED', 'COMMAND_UNSUPPORTED', 'EXECUTOR_FAILED']);

/** Backends whose disks are volumes: their layout is the options' alone. */
const VOLUME_BACKENDS: ReadonlySet<Backend> = new Set(['lvm', 'rbd']);

/**
 * Where else the classic driver may have put a disk that is not where
 * today's options say: a file, when the options point into a volume group
 * or pool (disk.info names it); the volume group or pool the options still
 * name, when they point at files.
 */
const elsewhere = (backend: string, options: HostStorageOptions): ImagesType[] => {
  if (backend === 'lvm' || backend === 'rbd') return ['flat'];
  return [...(options.imagesVolumeGroup === null ? [] : ['lvm' as const]), ...(options.imagesRbdPool === null ? [] : ['rbd' as const])];
};

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
    @inject(TOKENS.HostFiles) private readonly files: HostFiles,
    @inject(TOKENS.DiskDrivers) private readonly drivers: DiskDrivers,
  ) {}

  /** The disk's record: the stored one, or one derived and claimed now. */
  ensure(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, DiskMetadata> {
    return async () => {
      const meta = await this.metadata.record(instance, disk)();
      if (E.isLeft(meta)) return meta;
      return meta.right !== null ? E.right(meta.right) : this.adopt(instance, disk)();
    };
  }

  /** Derive a record for a disk whose slot the caller has just read without one, and claim it (a concurrent claim's record wins). */
  adopt(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, DiskMetadata> {
    return async () => {
      const meta = await this.derived(instance, disk);
      return E.isLeft(meta) ? meta : this.metadata.claim(instance, disk, meta.right)();
    };
  }

  /**
   * Give a record to each instance-level disk (config drive, kernel, ramdisk,
   * rescue) that a hint names and `known` lacks. These disks have no BDM row
   * to say that they exist: the classic driver's `disk.info` lists the files,
   * and a config drive (or a rescue disk) in a pool or a volume group is
   * always looked for. `disk.info` is read once for all of them. For an
   * instance the caller found `rowless` (no row at all), its root, first
   * ephemeral and swap disks are looked for too, and given a row with their
   * record; `rootImage` is then the image the root's base must be the entry
   * of, where the caller knows it better than `image_ref` (nova's unshelve
   * makes the root from the shelved snapshot while `image_ref` keeps naming
   * the original).
   *
   * A hinted disk is looked for before its facts are read, in every place
   * the classic driver could have put it: one that is nowhere is a stale
   * hint (or a disk never made) and is left out, whatever a stale or garbled
   * `disk.info` says of it. That file is the classic driver's and outlives
   * what it lists; an instance whose disks all have records must not be
   * stopped by it. Each disk that is there comes back with its record, or
   * with why it cannot be adopted.
   */
  adoptHinted(instance: InstanceId, known: ReadonlySet<DiskName>, rowless: boolean | 'volume' = false, rootImage: ImageId | null = null): TE.TaskEither<CoreError, readonly HintedAdoption[]> {
    const dir = instanceDir(this.ctx.instancesPath, instance);
    return async () => {
      const read = await this.facts.diskInfo(instance)();
      if (E.isLeft(read) && read.left.code !== 'DISK_INFO_CORRUPT') return read;
      const info = E.isLeft(read) ? null : read.right;
      const { imagesType } = this.facts.options();
      const pooled: readonly DiskName[] = imagesType === 'lvm' || imagesType === 'rbd' ? ['config', 'rescue'] : ['config'];
      const out: HintedAdoption[] = [];
      // An instance with no row at all may still have disks: nova keeps an instance's rows through a shelve, so a
      // compute not yet upgraded that unshelves one whose rows a shelve here dropped makes its disks without rows.
      // `volume`: one booted from a volume, which a compute not yet upgraded unshelved (shelve-settle.ts): no root.
      const usual: readonly DiskName[] = rowless === false ? [] : (rowless === true ? USUAL_BDM_DISKS : LOCAL_BESIDE_VOLUME).filter((d) => !known.has(d));
      for (const disk of [...usual, ...INSTANCE_LEVEL]) {
        const hinted = usual.includes(disk) || pooled.includes(disk) || info?.has(`${dir}/${novaFileName(disk)}`) === true;
        if (!hinted || known.has(disk)) continue;
        const there = await this.heldAt(instance, disk);
        if (E.isLeft(there)) {
          out.push({ disk, result: there });
          continue;
        }
        if (there.right === null) continue;
        const meta = E.isLeft(read) ? read : await this.derivedFrom(instance, disk, read.right, disk === 'root' ? rootImage : null);
        out.push({ disk, result: E.isLeft(meta) ? meta : await this.metadata.claim(instance, disk, meta.right)() });
      }
      return E.right(out);
    };
  }

  /**
   * Where the classic driver's disk of this name is on this host, if it made
   * one (see `heldAt`); `null` when nothing is there.
   */
  legacyDiskAt(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, string | null> {
    return () => this.heldAt(instance, disk);
  }

  /** Derive a record for a legacy disk without storing it (the online migration stores in batches). */
  derive(instance: InstanceId, disk: DiskName): TE.TaskEither<CoreError, DiskMetadata> {
    return () => this.derived(instance, disk);
  }

  /** Record an operator-supplied layout for a disk that has no record, after checking the host holds it. */
  supply(instance: InstanceId, disk: DiskName, layout: OperatorLayout): TE.TaskEither<CoreError, DiskMetadata> {
    if (!isAllowedPair(layout.backend, layout.format)) {
      return async () => E.left({ _tag: 'InconsistentOptions', code: 'OPTIONS_INCONSISTENT', path: 'format', message: `${layout.backend} disks cannot be ${layout.format}` });
    }
    if (layout.imageId != null && disk !== 'root') {
      return async () => E.left({ _tag: 'InconsistentOptions', code: 'OPTIONS_INCONSISTENT', path: 'imageId', message: `only a root disk's layout names its image, not ${disk}'s` });
    }
    return async () => {
      const existing = await this.metadata.record(instance, disk)();
      if (E.isLeft(existing)) return existing;
      if (existing.right !== null) return E.left(recordExists(instance, disk, existing.right));
      const others = await this.metadata.readableSlots(instance)();
      if (E.isLeft(others)) return others;
      const probe: DiskMetadata = {
        backend: layout.backend, format: layout.format, location: layout.location, provenance: 'operator', size: 1, imageId: layout.imageId ?? null, imageFormat: null, state: 'ready',
      };
      const taken = locationTaken(this.ctx, instance, disk, probe, others.right.slots);
      if (taken !== null) return E.left(taken);
      const meta = await this.sized(instance, disk, probe);
      return E.isLeft(meta) ? meta : this.metadata.claim(instance, disk, meta.right)();
    };
  }

  private async derived(instance: InstanceId, disk: DiskName): Promise<E.Either<CoreError, DiskMetadata>> {
    const diskInfo = await this.facts.diskInfo(instance)();
    if (E.isRight(diskInfo)) return this.derivedFrom(instance, disk, diskInfo.right, null);
    // A volume's layout comes from the options alone (its disk.info entry can only contradict it), so a garbled
    // file says nothing about it; a file's format is what the entry would have said, and stays unknown.
    if (diskInfo.left.code === 'DISK_INFO_CORRUPT' && VOLUME_BACKENDS.has(legacyBackend(this.facts.options(), disk))) {
      return this.derivedFrom(instance, disk, null, null);
    }
    return diskInfo;
  }

  /**
   * Where something is that the classic driver could have made of this disk
   * under any options: its file in the instance directory, or its volume in
   * the volume group or the pool the options name, under any name nova gives
   * it (`disk.local` too, for the first ephemeral disk); `null` when nothing is.
   * Presence only: a file is not opened, and volumes hold raw data alone.
   */
  private async heldAt(instance: InstanceId, disk: DiskName): Promise<E.Either<CoreError, string | null>> {
    const dir = instanceDir(this.ctx.instancesPath, instance);
    const names = novaFileNames(disk);
    for (const name of names) {
      const path = `${dir}/${name}` as HostPath;
      const inFile = await this.files.exists(path)();
      if (E.isLeft(inFile) || inFile.right) return E.isLeft(inFile) ? inFile : E.right(path);
    }
    const { imagesVolumeGroup: vg, imagesRbdPool: pool } = this.facts.options();
    const volumes: DerivedLayout[] = names.flatMap((file) => [
      ...(vg === null ? [] : [{ backend: 'lvm' as const, format: 'raw' as const, location: `${vg}/${instance}_${file}` }]),
      ...(pool === null ? [] : [{ backend: 'rbd' as const, format: 'raw' as const, location: `${pool}/${instance}_${file}` }]),
    ]);
    for (const layout of volumes) {
      const opened = await this.realizer.open(instance, disk, derivedProbe(layout))();
      if (E.isLeft(opened) && cannotHold(opened.left.code)) continue;
      if (E.isLeft(opened)) return opened;
      const state = await opened.right.driver.inspect(opened.right.image)();
      if (E.isLeft(state) && cannotHold(state.left.code)) continue;
      if (E.isLeft(state) || state.right.exists) return E.isLeft(state) ? state : E.right(layout.location);
    }
    return E.right(null);
  }

  private async derivedFrom(instance: InstanceId, disk: DiskName, diskInfo: DiskInfo | null, image: ImageId | null): Promise<E.Either<CoreError, DiskMetadata>> {
    const facts = { options: this.facts.options(), instance, instanceDir: instanceDir(this.ctx.instancesPath, instance), diskInfo, disk };
    const layout = deriveLegacyLayout(facts);
    if (E.isLeft(layout) && layout.left.code === 'LEGACY_FACTS_MISSING') return this.factsMissing(instance, disk, layout.left);
    // The codec names the disk alone; the instance's disk is what an operator looks up.
    if (E.isLeft(layout)) return E.left(layout.left.code === 'LEGACY_FACTS_CONTRADICT' ? { ...layout.left, path: `${instance}/${disk}` } : layout.left);
    const meta = layout.right.backend === 'qcow2' && diskInfoEntry(facts) === null
      ? await this.unconfirmedQcow2(instance, disk, layout.right)
      : await this.sizedVolume(instance, disk, layout.right, image);
    if (E.isRight(meta) || meta.left.code !== 'LEGACY_DISK_MISSING') return meta;
    // Today's options put the disk where it is not, while it is where other facts of the host put it: disk.info
    // names a file, or the options still name a volume group or pool holding it. The options changed after the
    // disk was made, or the facts disagree; either way, not a guess to make.
    for (const imagesType of elsewhere(layout.right.backend, facts.options)) {
      const there = deriveLegacyLayout({ ...facts, options: { ...facts.options, imagesType } });
      if (E.isLeft(there)) continue;
      const found = await this.sized(instance, disk, derivedProbe(there.right, image));
      if (E.isLeft(found) && (found.left.code === 'LEGACY_DISK_MISSING' || cannotHold(found.left.code))) continue;
      // A look that failed (a cluster down) is its own failure, not a sign that the disk is there.
      if (E.isLeft(found) && LOOK_FAILED.has(found.left.code)) return found;
      const loc = there.right.location;
      const where = imagesType !== 'flat' || loc?.startsWith('/') === true ? loc : `${facts.instanceDir}/${loc ?? ''}`;
      return E.left(factsContradict(instance, disk, layout.right, where));
    }
    // Nothing is where any facts put it; if something of it is on the host all the same (a file where the
    // options now want a ploop directory or a volume, with no disk.info entry to say its format), the disk is
    // not missing, and its layout is an operator's to state.
    const held = await this.heldAt(instance, disk);
    if (E.isLeft(held)) return held;
    return held.right === null ? meta : E.left(factsContradict(instance, disk, layout.right, held.right));
  }

  /**
   * Facts that would be needed for a disk the host may not hold at all: a
   * disk nothing of which is anywhere nova could have put it is missing
   * (`LEGACY_DISK_MISSING`), not one whose layout an operator must state.
   */
  private async factsMissing(instance: InstanceId, disk: DiskName, missing: CoreError): Promise<E.Either<CoreError, DiskMetadata>> {
    const held = await this.heldAt(instance, disk);
    if (E.isLeft(held)) return held;
    return E.left(held.right === null ? missingDisk(instance, disk) : { ...missing, path: `${instance}/${disk}` });
  }

  /**
   * A file in the instance directory that today's options call qcow2 but no
   * `disk.info` entry confirms: the host may have made it raw under earlier
   * options, and then only the guest's bytes would say qcow2, which is no
   * fact. A file that is there is left to an operator (`LEGACY_FACTS_MISSING`),
   * unread; one that is not is missing, and the other places facts could put
   * it are looked at next.
   */
  private async unconfirmedQcow2(instance: InstanceId, disk: DiskName, layout: DerivedLayout): Promise<E.Either<CoreError, DiskMetadata>> {
    const probe = derivedProbe(layout);
    const opened = await this.realizer.open(instance, disk, probe)();
    if (E.isLeft(opened)) return opened;
    const location = opened.right.image.location;
    const there = location.backend === 'qcow2' ? await this.files.exists(location.path)() : E.right(false);
    if (E.isLeft(there)) return there;
    if (!there.right) return E.left(missingDisk(instance, disk, probe));
    return E.left(unconfirmedQcow2(instance, disk));
  }

  /**
   * A derived layout sized on the host; a volume the options place is
   * looked for under each name nova gives the disk (a flavor's first
   * ephemeral disk is `<instance>_disk.local`, a block device mapping's
   * `<instance>_disk.eph0`), the first found kept.
   */
  private async sizedVolume(instance: InstanceId, disk: DiskName, layout: DerivedLayout, image: ImageId | null): Promise<E.Either<CoreError, DiskMetadata>> {
    const found = await this.sized(instance, disk, derivedProbe(layout, image));
    if (E.isRight(found) || found.left.code !== 'LEGACY_DISK_MISSING' || (layout.backend !== 'lvm' && layout.backend !== 'rbd')) return found;
    const [first = '', ...others] = novaFileNames(disk);
    if (!layout.location.endsWith(`_${first}`)) return found;
    for (const file of others) {
      const location = `${layout.location.slice(0, -first.length)}${file}`;
      const there = await this.sized(instance, disk, derivedProbe({ ...layout, location }, image));
      if (E.isRight(there) || there.left.code !== 'LEGACY_DISK_MISSING') return there;
    }
    return found;
  }

  /** Complete a record of a layout (`probe`, any size) with the size the host reports when the disk is opened with that format. */
  private async sized(instance: InstanceId, disk: DiskName, probe: DiskMetadata): Promise<E.Either<CoreError, DiskMetadata>> {
    const opened = await this.realizer.open(instance, disk, probe)();
    if (E.isLeft(opened)) return opened;
    const linked = await this.linkRefusal(instance, disk, probe, opened.right.image.location);
    if (linked !== null) return E.left(linked);
    const state = await opened.right.driver.inspect(opened.right.image)();
    if (E.isLeft(state)) return E.left(probe.backend === 'lvm' || probe.backend === 'rbd' ? state.left : notOpening(instance, disk, probe, state.left));
    if (!state.right.exists) return E.left(missingDisk(instance, disk, probe));
    const { backing } = state.right;
    // An image an operator states is the base's image: a disk with no base has none to check it against.
    // A derived root made whole from its image (a flat copy) names it as a record of this library's would.
    if (backing === undefined && probe.imageId !== null && probe.provenance === 'operator') return E.left(imageWithoutBase(instance, disk, probe.imageId));
    const imaged = backing !== undefined && (disk === 'root' || disk === 'rescue') && probe.imageId === null ? await this.withImageRef(instance, disk, probe, backing.file) : E.right(probe);
    if (E.isLeft(imaged)) return imaged;
    // A legacy qcow2 may name a backing file or an external data file no one verified (a planted header the
    // classic driver took for the disk's format): adopting it would have every later operation follow that
    // file. Only a complete base of the cache, with its format stored, is acceptable (a root's, its own
    // image's entry, and a rescue disk's too); a data file never is.
    const refused = chainRefusal(instance, disk, imaged.right, state.right, { dir: imageCacheDir(this.ctx) });
    if (refused !== null) return E.left(refused);
    if (backing !== undefined) {
      const plain = await plainBase(this.drivers, instance, disk, backing.file, backing.format);
      if (E.isLeft(plain)) return plain;
    }
    const size = byteSize(state.right.virtualSize);
    return E.isLeft(size) ? size : E.right({ ...imaged.right, size: size.right });
  }

  /**
   * A flat or qcow2 disk that is a symbolic link, a hard link (a file with
   * other names) or not a file at all, or that is reached through an
   * instance directory that is a link, is refused: qemu-img would open what
   * the link names, and a copy of the disk would carry a host file's bytes.
   * A missing disk is left for inspection to report.
   */
  private async linkRefusal(instance: InstanceId, disk: DiskName, probe: DiskMetadata, location: DiskLocation): Promise<CoreError | null> {
    if (location.backend !== 'flat' && location.backend !== 'qcow2') return null;
    const dir = instanceDir(this.ctx.instancesPath, instance);
    for (const [path, expected, what] of [[dir, 'directory', `its instance directory ${dir}`], [location.path, 'file', location.path]] as const) {
      const kind = await this.files.entryKind(path)();
      if (E.isLeft(kind)) return kind.left;
      if (kind.right !== null && kind.right !== expected) return notRegularFile(instance, disk, probe, what, kind.right);
    }
    return null;
  }

  /**
   * A root overlay's record with the image nova says the instance was booted
   * or rebuilt from (`image_ref`): the only entry of the cache its base may
   * be. Its declared format is not known, so the record names none, and the
   * disk is never made anew from it without asking the image service.
   */
  private async withImageRef(instance: InstanceId, disk: DiskName, probe: DiskMetadata, base: string): Promise<E.Either<CoreError, DiskMetadata>> {
    const found = await this.metadata.instanceImage(instance)();
    if (E.isLeft(found)) return found;
    const { ref, image } = found.right;
    if (ref === null) return E.right(probe);
    return image === null ? E.left(imageRefUnusable(instance, disk, base, ref)) : E.right({ ...probe, imageId: image });
  }
}
