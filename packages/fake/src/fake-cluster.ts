/**
 * The in-memory host: a cluster of compute hosts (each with a file system,
 * LVM volume groups and host secrets), the RBD pools they share, and an
 * image catalogue. Commands run on it through `FakeCommandExecutor`, files
 * through `FakeHostFiles`, images through `FakeImageService`. It records
 * every command, format probe and secret leak, can inject faults, and lets
 * tests and the simulator inspect every disk, see what a guest of a disk
 * sees, and write into a disk as its guest. Deterministic: ids come from
 * counters; nothing reads a clock or a random source.
 */
import { imageId, type DiskFormat, type DiskLocation, type ImageId, type ImageMeta } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { leadData, qcow2, storedMarkers, type QemuFormat } from './content/data.js';
import { writeThrough, type GuestContent } from './content/guest-write.js';
import { imageVolume } from './content/image-content.js';
import { MarkerSet, secretMarker } from './content/markers.js';
import { readAfresh } from './commands/context.js';
import { containerVolume, rawVolume, textVolume } from './content/volume.js';
import { openImage } from './commands/image-reader.js';
import { parseLocalPath, readTarget, showTarget, writeTarget } from './commands/qpath.js';
import { FakeCommandExecutor } from './fake-command-executor.js';
import { FakeHostFiles } from './fake-host-files.js';
import { FakeImageService } from './fake-image-service.js';
import type { FakeClusterOptions, HostSpec, ImageSpec, SecretInfo, VolumeGroupSpec } from './cluster-spec.js';
import { addressOf, qemuFormatOf, targetOf } from './disk-target.js';
import { describeVolume, hostForPool, listDisks, plantedIn, quietContext, type DiskInfo, type GuestViewResult, type GuestWriteResult } from './inspection.js';
import { ClusterState } from './state/cluster-state.js';
import { FakeHost } from './state/fake-host.js';
import type { FaultSpec } from './state/faults.js';
import { dirname } from './state/file-system.js';
import type { StepTag } from './state/records.js';
import { FakeRbdPool } from './state/rbd-pool.js';
import { FakeVolumeGroup } from './state/volume-group.js';

/** The prefix of the marker a benign guest write leaves. */
const GUEST_MARKER = 'guest:';

// ---- the cluster

/** The in-memory cluster. */
export class FakeCluster extends ClusterState {
  private readonly secretList: SecretInfo[] = [];

  constructor(options: FakeClusterOptions = {}) {
    super(options);
    for (const h of options.hosts ?? []) this.addHost(h);
  }

  // -- setup

  /** Add a host; a second host of the same name is a broken invariant. */
  addHost(spec: HostSpec): FakeHost {
    if (this.hosts.has(spec.name)) throw new Error(`host ${spec.name} already exists`);
    const host = new FakeHost(spec.name);
    this.hosts.set(spec.name, host);
    for (const vg of spec.volumeGroups ?? []) this.addVolumeGroup(spec.name, typeof vg === 'string' ? { name: vg } : vg);
    for (const pool of spec.rbdPools ?? []) this.addRbdPool(spec.name, pool);
    for (const dir of spec.directories ?? []) host.fs.mkdirp(dir);
    for (const path of spec.secrets ?? []) this.plantSecret(spec.name, path);
    return host;
  }

  /** Give `host` an LVM volume group. */
  addVolumeGroup(host: string, spec: VolumeGroupSpec): void {
    this.host(host).volumeGroups.set(spec.name, new FakeVolumeGroup(spec.name, spec.extentSize, spec.capacity));
  }

  /** Let `host` reach `pool`, creating the pool on first mention. */
  addRbdPool(host: string, pool: string): void {
    if (!this.pools.has(pool)) this.pools.set(pool, new FakeRbdPool(pool));
    this.host(host).rbdPools.add(pool);
  }

  /**
   * Plant a host file holding a unique secret marker; returns the marker. A
   * path `/dev/<vg>/<lv>` is a logical volume, as the tools address one (another
   * tenant's disk): it is made in that volume group, which is made if the host
   * has none of that name.
   */
  plantSecret(host: string, path: string): string {
    const h = this.host(host);
    const marker = secretMarker(host, path, this.nextId());
    const target = parseLocalPath(path);
    if (target?.kind === 'lv') {
      if (!h.volumeGroups.has(target.vg)) this.addVolumeGroup(host, { name: target.vg });
      h.volumeGroups.get(target.vg)?.set(target.lv, textVolume(`${marker}\n`));
      this.secretList.push({ host, path, marker });
      return marker;
    }
    const fs = h.fs;
    const dir = fs.mkdirp(dirname(path));
    const written = dir.ok ? fs.writeFile(path, textVolume(`${marker}\n`)) : dir;
    if (!written.ok) throw new Error(`cannot plant a secret at ${host}:${path}: ${written.failure.code}`);
    this.secretList.push({ host, path, marker });
    return marker;
  }

  /** Every planted secret. */
  secrets(): readonly SecretInfo[] {
    return this.secretList;
  }

  /** Put an image in the catalogue; an invalid id or a hostile kind without a target is a broken invariant. */
  addImage(spec: ImageSpec): ImageMeta {
    const id = imageId(spec.id);
    if (E.isLeft(id)) throw new Error(id.left.message);
    const kind = spec.content ?? 'benign';
    let content: GuestContent;
    if (kind === 'benign') content = { kind };
    else if (spec.target === undefined) throw new Error(`image ${spec.id}: content ${kind} needs a target`);
    else content = { kind, target: spec.target };
    const volume = imageVolume(spec.id, spec.diskFormat, spec.virtualSize, content);
    const ref = (v: string | null | undefined): ImageId | null => {
      if (v === null || v === undefined) return null;
      const r = imageId(v);
      if (E.isLeft(r)) throw new Error(r.left.message);
      return r.right;
    };
    const meta: ImageMeta = {
      id: id.right,
      diskFormat: spec.diskFormat,
      containerFormat: spec.containerFormat ?? 'bare',
      size: volume.length,
      virtualSize: spec.declaredVirtualSize === undefined ? spec.virtualSize : spec.declaredVirtualSize,
      kernelId: ref(spec.kernelId),
      ramdiskId: ref(spec.ramdiskId),
    };
    this.images.put({ meta, volume });
    return meta;
  }

  /** Remove an image from the catalogue, as an operator's `glance image-delete` does (copies in hosts' caches stay); whether there was one. */
  removeImage(id: string): boolean {
    return this.images.delete(id);
  }

  /**
   * Write an image file directly (a test fixture, not a command): `format`
   * raw or qcow2, of `virtualSize` bytes, whose guest data begins with the
   * literal bytes `lead` and holds the marker `fixture:<path>`. Missing
   * directories are created. Returns the marker.
   */
  writeFixture(host: string, path: string, spec: { readonly format: 'raw' | 'qcow2'; readonly virtualSize: number; readonly lead?: Uint8Array }): string {
    const fs = this.host(host).fs;
    const marker = `fixture:${path}`;
    const data = leadData(spec.lead ?? new Uint8Array(0), MarkerSet.of(marker));
    const volume = spec.format === 'raw' ? rawVolume(spec.virtualSize, data) : containerVolume(qcow2({ virtualSize: spec.virtualSize, clusters: data }));
    const dir = fs.mkdirp(dirname(path));
    const written = dir.ok ? fs.writeFile(path, volume) : dir;
    if (!written.ok) throw new Error(`cannot write a fixture at ${host}:${path}: ${written.failure.code}`);
    return marker;
  }

  /** The markers an image's bytes hold, sorted; `null` for an unknown image. */
  imageMarkers(id: string): readonly string[] | null {
    const image = this.images.get(id);
    return image === undefined ? null : storedMarkers(image.volume.data).toSortedArray();
  }

  // -- control

  /** Tag every record made from now on (a scenario step, a test phase). */
  setStep(step: StepTag): void {
    this.step = step;
  }

  /** Add a one-shot fault rule. */
  injectFault(rule: FaultSpec): void {
    this.faults.add(rule);
  }

  /** Drop every pending fault rule. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Take a host down (every operation on it rejects with `HostDown`) or bring it back. */
  setHostDown(host: string, down: boolean): void {
    this.host(host).down = down;
  }

  // -- adapters

  /** The command executor of `host`. */
  executor(host: string): FakeCommandExecutor {
    return new FakeCommandExecutor(this, host);
  }

  /** The file operations of `host`. */
  files(host: string): FakeHostFiles {
    return new FakeHostFiles(this, host);
  }

  /** The image service as `host` sees it. */
  imageService(host: string): FakeImageService {
    return new FakeImageService(this, host);
  }

  // -- inspection

  /** Every disk of the cluster. O(disks): meant for reports and end-of-run invariants. */
  disks(): readonly DiskInfo[] {
    return listDisks(this);
  }

  /** The disk at a location on `host`, or `null` when nothing is there. */
  diskAt(host: string, location: DiskLocation): DiskInfo | null {
    const t = targetOf(location);
    const h = t.kind === 'rbd' ? hostForPool(this, t.pool) : this.host(host);
    const volume = readTarget(quietContext(this, h), t);
    return volume === undefined ? null : describeVolume(this, h, addressOf(host, t), t, showTarget(t), volume);
  }

  /** The disk as a VM opens it with `format`, following its chain, on a context that records nothing itself; `read` is `null` when nothing is there. */
  private openedByGuest(host: string, location: DiskLocation, format: DiskFormat | QemuFormat) {
    const t = targetOf(location);
    const ctx = quietContext(this, this.host(host));
    const name = showTarget(t);
    const fmt = qemuFormatOf(format);
    const volume = readTarget(ctx, t);
    return { ctx, name, fmt, read: volume === undefined ? null : openImage(ctx, { target: t, name, volume }, fmt, { backing: true }) };
  }

  /**
   * What a VM that opens the disk as `format` sees. Formats probed on the way
   * (a backing file without a stored format) are recorded as probes; a secret
   * in the view is recorded as a leak into the guest (once per disk and secret).
   */
  guestView(host: string, location: DiskLocation, format: DiskFormat | QemuFormat): GuestViewResult {
    const { ctx, name, fmt, read } = this.openedByGuest(host, location, format);
    if (read === null) return { ok: false, message: `no disk at ${name} on ${host}` };
    for (const p of ctx.trace.probes) this.recordProbe({ seq: null, host, step: this.step, argv: null, image: p.image, detected: p.detected });
    if (!read.ok) return { ok: false, message: `Could not open '${name}': ${read.message}` };
    const markers = storedMarkers(read.opened.view);
    // A secret the view reads from the secret file itself, through a reference, is read afresh by whoever opened the disk so;
    // one held in the bytes of the disk or of its base travels with them (a copy made earlier).
    const fresh = new Set<string>();
    for (const f of ctx.trace.follows) for (const m of f.secrets) if (readAfresh(f, m)) fresh.add(m);
    const held = [...markers.secrets].filter((m) => !fresh.has(m));
    const followed = [...markers.secrets].filter((m) => fresh.has(m));
    this.recordSecretLeaks(host, held, `guest ${host}:${name}`, 'guest-view', null, true);
    this.recordSecretLeaks(host, followed, `guest ${host}:${name}`, 'guest-follow', null, true);
    return {
      ok: true,
      view: { format: fmt, virtualSize: read.opened.virtualSize, markers: markers.toSortedArray(), secrets: [...markers.secrets].sort(), plantedHeader: plantedIn(read.opened.view) },
    };
  }

  /**
   * The markers of what guests wrote (`guest:…`) that a VM opening the disk as
   * `format` would see, sorted; `null` when it cannot be opened so. Unlike
   * {@link guestView} it records nothing: checks of "nothing lost" read every
   * disk after every step, which no guest does.
   */
  guestData(host: string, location: DiskLocation, format: DiskFormat | QemuFormat): readonly string[] | null {
    const { read } = this.openedByGuest(host, location, format);
    if (read === null || !read.ok) return null;
    return storedMarkers(read.opened.view).toSortedArray().filter((m) => m.startsWith(GUEST_MARKER));
  }

  /** The guest of a disk opened as `format` writes `content` at offset 0; returns the marker of a benign write. */
  guestWrite(host: string, location: DiskLocation, format: DiskFormat | QemuFormat, content: GuestContent): GuestWriteResult {
    const t = targetOf(location);
    const ctx = quietContext(this, this.host(host));
    const volume = readTarget(ctx, t);
    if (volume === undefined) return { ok: false, message: `no disk at ${showTarget(t)} on ${host}` };
    const marker = `${GUEST_MARKER}${this.nextId()}`;
    const data = writeThrough(volume.data, volume.length, qemuFormatOf(format), content, marker);
    if (data === null) return { ok: false, message: `${showTarget(t)} cannot be opened as ${qemuFormatOf(format)}` };
    writeTarget(ctx, t, { ...volume, data, text: null });
    return { ok: true, marker };
  }
}
