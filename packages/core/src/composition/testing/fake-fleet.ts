/**
 * A fleet of compute hosts on the in-memory host, for tests: a
 * `FakeCluster` with one host per setup (volume groups and rbd pools as the
 * options name them, the secret planted), the catalogue of benign and hostile
 * images, the in-memory repository wrapped to log its writes, and the
 * composition root over all of it. Also the readers a test needs: commands,
 * probes, leaks, disks, records, and the invariant check. Test-only; it lives
 * in the composition folder because only the composition root names adapters.
 */
import { decodePending, heldByShelve } from '../../lifecycle/shelve-intent.js';
import { sourceDisks } from '../../lifecycle/move-settle.js';
import {
  decodeDiskMetadata,
  type ConfigDriveContents,
  type ConfigDriveFile,
  type HostFiles,
  hostStorageOptions,
  type DiskLocation,
  type DiskMetadata,
  type DiskName,
  type HostPath,
  type HostStorageOptionsInput,
  type VolumeName,
  type InstanceId,
} from '@disk-ledger/domain';
import { FakeCluster, FakeDiskTransfer, InMemoryBlockDeviceMappingRepository, type CommandRecord, type ImageSpec } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { ContainerModule } from 'inversify';
import type { HostContext } from '../../host-context.js';
import type { HostServices } from '../../lifecycle/host-registry.js';
import type { InstanceLifecycle } from '../../lifecycle/instance-lifecycle.js';
import { locate } from '../../services/disk-locator.js';
import { violations, type FleetSnapshot, type InvariantOptions, type LiveRecord } from '../../testing/invariants.js';
import { RecordingRepository } from '../../testing/recording-repository.js';
import { TOKENS } from '../../tokens.js';
import { fakeHostModule } from '../fake-host-module.js';
import type { HostDriversConfig } from '@disk-ledger/host';
import { Fleet } from '../fleet-container.js';
import type { Flavor } from '../../lifecycle/flavor.js';
import { img } from '../../testing/names.js';
import { CATALOGUE, FLAVOR, IMAGES, SECRET } from './catalogue.js';

// ---- types

/** nova's instances path on every fake host. */
export const INSTANCES_PATH = '/var/lib/nova/instances' as HostPath;

/** One host: its name and storage options as an operator writes them. */
export interface HostSetup {
  readonly name: string;
  readonly options: HostStorageOptionsInput;
  /** The backends its drivers run (default: all five). */
  readonly backends?: HostDriversConfig['backends'];
  /** nova's `[image_cache] subdirectory_name` (default `_base`). */
  readonly imageCacheSubdirectory?: string;
}

/** What to build. */
export interface FleetSetup {
  readonly hosts: readonly HostSetup[];
  /** Default: {@link CATALOGUE}. */
  readonly images?: readonly ImageSpec[];
  /** Where config drives' files come from (default: {@link fakeConfigFiles}; `null`: no port bound). */
  readonly configDrives?: ConfigDriveContents | null;
}

// ---- constructors

/** The context of a host with these options; inconsistent options are a broken test. */
export const hostContext = (name: string, input: HostStorageOptionsInput, imageCacheSubdirectory?: string): HostContext => {
  const options = hostStorageOptions(input);
  if (E.isLeft(options)) throw new Error(`host ${name}: ${options.left.message}`);
  return { name, options: options.right, instancesPath: INSTANCES_PATH, ...(imageCacheSubdirectory === undefined ? {} : { imageCacheSubdirectory: imageCacheSubdirectory as VolumeName }) };
};

/** The config drive files the fake fleet's port gives an instance: its id, so a drive made again can be told from an empty one. */
export const fakeConfigFiles = (instance: string): readonly ConfigDriveFile[] => [{ path: 'openstack/latest/meta_data.json', content: JSON.stringify({ uuid: instance }) }];

/** A fleet on a fresh in-memory cluster. */
export class FakeFleet {
  readonly cluster = new FakeCluster();
  readonly store = new InMemoryBlockDeviceMappingRepository();
  readonly repository = new RecordingRepository(this.store, () => this.cluster.commandCount, () => this.cluster.step);
  readonly fleet: Fleet;
  readonly contexts = new Map<string, HostContext>();
  private readonly drivers = new Map<string, HostDriversConfig>();

  constructor(setup: FleetSetup) {
    const first = setup.hosts[0];
    if (first === undefined) throw new Error('a fleet needs a host');
    for (const h of setup.hosts) {
      this.cluster.addHost({ name: h.name, secrets: [SECRET], directories: [INSTANCES_PATH] });
    }
    for (const image of setup.images ?? CATALOGUE) this.cluster.addImage(image);
    this.fleet = new Fleet({
      repository: this.repository,
      images: this.cluster.imageService(first.name),
      transfer: new FakeDiskTransfer(this.cluster),
      ...(setup.configDrives === null ? {} : { configDrives: setup.configDrives ?? { files: (instance) => TE.right(fakeConfigFiles(instance)) } }),
    });
    for (const h of setup.hosts) {
      if (h.backends !== undefined) this.drivers.set(h.name, { backends: h.backends });
      this.reconfigure(h.name, h.options, h.imageCacheSubdirectory);
    }
  }

  // ---- operations

  /** Give `host` these options (a new context, as an operator's restart would), with the storage they name. */
  reconfigure(host: string, input: HostStorageOptionsInput, imageCacheSubdirectory: string | undefined = this.contexts.get(host)?.imageCacheSubdirectory): HostContext {
    const ctx = hostContext(host, input, imageCacheSubdirectory);
    const h = this.cluster.host(host);
    if (ctx.options.imagesVolumeGroup !== null && !h.volumeGroups.has(ctx.options.imagesVolumeGroup)) {
      this.cluster.addVolumeGroup(host, { name: ctx.options.imagesVolumeGroup });
    }
    if (ctx.options.imagesRbdPool !== null) this.cluster.addRbdPool(host, ctx.options.imagesRbdPool);
    this.contexts.set(host, ctx);
    const adapters = fakeHostModule(this.cluster, ctx, this.drivers.get(host));
    // The host's file port is wrapped so that a test can tell whether anything read a disk's leading bytes.
    const spied = new ContainerModule((o) => {
      void adapters.load(o);
      o.onActivation(TOKENS.HostFiles, (_c, files) => this.spy(host, files));
    });
    this.fleet.setHost(ctx, spied);
    return ctx;
  }

  /** Every `readHead` any host's services made: only image verification in the base cache may read bytes. */
  readonly headReads: { readonly host: string; readonly path: string }[] = [];

  private spy(host: string, files: HostFiles): HostFiles {
    const reads = this.headReads;
    return {
      exists: (p) => files.exists(p),
      mkdirp: (p) => files.mkdirp(p),
      readText: (p) => files.readText(p),
      writeTextAtomic: (p, t) => files.writeTextAtomic(p, t),
      readHead: (p, n) => {
        reads.push({ host, path: p });
        return files.readHead(p, n);
      },
      rename: (a, b) => files.rename(a, b),
      replace: (a, b) => files.replace(a, b),
      remove: (p) => files.remove(p),
      list: (p) => files.list(p),
      fileSize: (p) => files.fileSize(p),
      entryKind: (p) => files.entryKind(p),
    };
  }

  /** The lifecycle operations. */
  lifecycle(): InstanceLifecycle {
    return this.fleet.lifecycle();
  }

  /** The services of `host`; an unknown host is a broken test. */
  host(name: string): HostServices {
    const s = this.fleet.get(name);
    if (E.isLeft(s)) throw new Error(s.left.message);
    return s.right;
  }

  /** Boot an instance (default: the qcow2 image, {@link FLAVOR}, a config drive); a failed boot is a broken test. */
  async boot(instance: InstanceId, host: string, o: { readonly image?: string | null; readonly flavor?: Flavor; readonly configDrive?: boolean } = {}): Promise<void> {
    const image = o.image === undefined ? img(IMAGES.qcow2) : o.image === null ? null : img(o.image);
    const r = await this.lifecycle().spawn({ instance, host, image, flavor: o.flavor ?? FLAVOR, configDrive: o.configDrive ?? true })();
    if (E.isLeft(r)) throw new Error(`boot ${instance} on ${host}: ${r.left.code}: ${r.left.message}`);
  }

  /** The host an instance is on. */
  async hostOf(instance: InstanceId): Promise<string> {
    const row = await this.store.getInstance(instance)();
    if (E.isLeft(row)) throw new Error(row.left.message);
    return row.right.host;
  }

  /** The decoded live records of an instance, by disk (`null`: a slot without a record). */
  async records(instance: InstanceId): Promise<ReadonlyMap<DiskName, DiskMetadata | null>> {
    const rows = await this.store.listDisks(instance)();
    if (E.isLeft(rows)) return new Map();
    return new Map(
      rows.right.map((r) => {
        if (r.driverInfo === null) return [r.disk, null] as const;
        const meta = decodeDiskMetadata(r.driverInfo);
        if (E.isLeft(meta)) throw new Error(`${instance}/${r.disk}: ${meta.left.message}`);
        return [r.disk, meta.right] as const;
      }),
    );
  }

  /** The disk location of a recorded disk on its instance's host. */
  async location(instance: InstanceId, disk: DiskName): Promise<{ readonly host: string; readonly location: DiskLocation; readonly meta: DiskMetadata }> {
    const host = await this.hostOf(instance);
    const meta = (await this.records(instance)).get(disk);
    if (meta === undefined || meta === null) throw new Error(`${instance}/${disk} has no record`);
    const ctx = this.contexts.get(host);
    if (ctx === undefined) throw new Error(`unknown host ${host}`);
    const loc = locate(ctx, instance, disk, meta);
    if (E.isLeft(loc)) throw new Error(loc.left.message);
    return { host, location: loc.right.location, meta };
  }

  /** Make a recorded disk vanish from its host (lost host state, an operator's mistake). */
  async lose(instance: InstanceId, disk: DiskName): Promise<void> {
    const { host, location } = await this.location(instance, disk);
    switch (location.backend) {
      case 'lvm':
        this.cluster.host(host).volumeGroups.get(location.vg)?.remove(location.lv);
        return;
      case 'rbd':
        this.cluster.pools.get(location.pool)?.images.delete(location.image);
        return;
      default:
        this.cluster.host(host).fs.remove(location.path);
    }
  }

  /** Every live record of every instance registered so far. */
  async liveRecords(): Promise<readonly LiveRecord[]> {
    const out: LiveRecord[] = [];
    for (const instance of [...this.repository.instances, ...this.legacy]) {
      const row = await this.store.getInstance(instance)();
      if (E.isLeft(row)) continue;
      for (const [disk, meta] of await this.records(instance)) if (meta !== null) out.push({ instance, host: row.right.host, disk, meta });
      out.push(...keptForRevert(instance, row.right.migration));
    }
    return out;
  }

  /** Instances registered behind the port (legacy seeds). */
  readonly legacy = new Set<InstanceId>();

  /** Everything the invariant check reads. */
  async snapshot(): Promise<FleetSnapshot> {
    return {
      probes: this.cluster.probes(),
      leaks: this.cluster.leaks(),
      disks: this.cluster.disks(),
      records: await this.liveRecords(),
      hosts: this.contexts,
    };
  }

  /** The violated invariants, one line each. */
  async violations(options?: InvariantOptions): Promise<readonly string[]> {
    return violations(await this.snapshot(), options);
  }

  /** How many commands have run: a mark to slice the log at. */
  mark(): number {
    return this.cluster.commandCount;
  }

  /** Commands run after `mark`. */
  commandsSince(mark: number): readonly CommandRecord[] {
    return this.cluster.commands().filter((c) => c.seq > mark);
  }
}

/** The source's disks a resize waiting for confirm or revert keeps, or a shelve cut part-way: its stored record describes them. */
const keptForRevert = (instance: InstanceId, text: string | null): LiveRecord[] => {
  if (text === null) return [];
  const op = decodePending(instance, text);
  if (E.isLeft(op)) throw new Error(op.left.message);
  // A shelve cut part-way still describes the disks it had not removed yet: they may be gone.
  if (op.right.kind === 'shelve') return heldByShelve(op.right.shelve).map((u) => ({ instance, ...u, optional: true }));
  const m = op.right.move;
  // A confirm cut short (`confirming`) still describes the source disks it has not removed yet: they may be gone.
  if (m.status === 'confirming') return sourceDisks(m).map((d) => ({ instance, host: m.source, ...d, optional: true }));
  if (m.status !== 'unconfirmed') return [];
  return sourceDisks(m).map((d) => ({ instance, host: m.source, ...d }));
};
