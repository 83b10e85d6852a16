import type { Flavor, HostContext } from '@disk-ledger/core';
import { ALL_BACKENDS, Fleet, fakeHostModule } from '@disk-ledger/core/composition';
import {
  hostPath,
  type BlockDeviceMappingRepository,
  type HostPath,
  type HostStorageOptions,
  type InstanceId,
} from '@disk-ledger/domain';
import { FakeCluster, FakeDiskTransfer, InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import { HostDiskDrivers } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';
import type { Scenario } from '../scenario/load-scenario.js';
import type { SimInstance } from './sim-instance.js';

/** nova's default `instances_path`. */
export const INSTANCES_PATH: HostPath = E.getOrElse((): HostPath => {
  throw new Error('unreachable: constant path is valid');
})(hostPath('/var/lib/nova/instances'));

/** Which driver a host runs: the classic (inferring) one, or the metadata-persisting one. */
export type HostDriverMode = 'legacy' | 'metadata';

/** A repository with a round-trip counter, as the simulator reports `dbRoundTrips`. */
export interface CountingRepository extends BlockDeviceMappingRepository {
  readonly roundTrips: number;
}

/** Everything a replay acts on: the in-memory cluster, the fleet over it, and the simulator's bookkeeping. */
export class World {
  readonly cluster: FakeCluster;
  readonly fleet: Fleet;
  readonly options = new Map<string, HostStorageOptions>();
  readonly modes = new Map<string, HostDriverMode>();
  readonly instances = new Map<string, SimInstance>();
  readonly flavors: ReadonlyMap<string, Flavor>;
  /** Hosts that are down (evacuation sources). */
  readonly down = new Set<string>();

  constructor(
    readonly scenario: Scenario,
    readonly repository: CountingRepository,
    readonly mode: 'metadata' | 'legacy',
    commandLog: 'all' | 'none' = 'all',
  ) {
    this.cluster = new FakeCluster({ commandLog: commandLog === 'all' ? 'all' : 'none' });
    for (const h of scenario.hosts) {
      this.cluster.addHost({ name: h.name, secrets: h.secrets ?? [], directories: [INSTANCES_PATH] });
    }
    this.fleet = new Fleet({ repository, images: this.cluster.imageService(firstHost(scenario)), transfer: new FakeDiskTransfer(this.cluster) });
    const upgraded = new Set(scenario.steps.flatMap((s) => (s.op === 'upgrade' ? [s.host] : [])));
    for (const h of scenario.hosts) {
      const options = scenario.hostOptions.get(h.name);
      if (options === undefined) throw new Error(`unreachable: options of ${h.name} were checked`);
      this.setOptions(h.name, options);
      this.modes.set(h.name, mode === 'legacy' || upgraded.has(h.name) ? 'legacy' : 'metadata');
    }
    const fallbackTarget = scenario.hosts.flatMap((h) => h.secrets ?? [])[0] ?? '/etc/shadow';
    for (const img of scenario.images ?? []) {
      this.cluster.addImage({
        id: img.id,
        diskFormat: img.disk_format,
        virtualSize: img.virtual_size ?? 1024 ** 3,
        content: img.content ?? 'benign',
        ...(img.content !== undefined && img.content !== 'benign' ? { target: img.target ?? fallbackTarget } : {}),
        ...(img.container_format === undefined ? {} : { containerFormat: img.container_format }),
        kernelId: img.kernel_id ?? null,
        ramdiskId: img.ramdisk_id ?? null,
      });
    }
    this.flavors = new Map(Object.entries(scenario.flavors ?? {}).map(([k, f]) => [k, { root: f.root, ephemeral: f.ephemeral ?? 0, swap: f.swap ?? 0 }]));
  }

  /** Give a host new options: a new context, and new services for it (records are unaffected). */
  setOptions(host: string, options: HostStorageOptions): void {
    this.options.set(host, options);
    if (options.imagesVolumeGroup !== null && !this.cluster.hosts.get(host)?.volumeGroups.has(options.imagesVolumeGroup)) {
      this.cluster.addVolumeGroup(host, { name: options.imagesVolumeGroup });
    }
    if (options.imagesRbdPool !== null) this.cluster.addRbdPool(host, options.imagesRbdPool);
    const ctx: HostContext = { name: host, options, instancesPath: INSTANCES_PATH };
    this.fleet.setHost(ctx, fakeHostModule(this.cluster, ctx, ALL_BACKENDS));
  }

  /** The host's context as it is now. */
  context(host: string): HostContext {
    const options = this.options.get(host);
    if (options === undefined) throw new Error(`unreachable: unknown host ${host}`);
    return { name: host, options, instancesPath: INSTANCES_PATH };
  }

  /** The real host drivers over one host's emulated commands, for acts outside the lifecycle (a vanished disk, a returning host). */
  drivers(host: string): HostDiskDrivers {
    return new HostDiskDrivers(this.cluster.executor(host), this.cluster.files(host), ALL_BACKENDS);
  }

  instance(id: string): SimInstance | undefined {
    return this.instances.get(id);
  }

  /** The instance directory on a host. */
  instanceDir(id: InstanceId): HostPath {
    return `${INSTANCES_PATH}/${id}` as HostPath;
  }
}

const firstHost = (s: Scenario): string => s.hosts[0]?.name ?? 'compute';

/** The embedded default repository. */
export const inMemoryRepository = (): CountingRepository => new InMemoryBlockDeviceMappingRepository();
