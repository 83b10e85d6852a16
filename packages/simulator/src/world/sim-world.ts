import type { Flavor, HostContext } from '@disk-ledger/core';
import { Fleet } from '@disk-ledger/core/composition';
import type { BlockDeviceMappingRepository, DiskDrivers, HostPath, HostStorageOptions, InstanceId } from '@disk-ledger/domain';
import type { Scenario } from '../scenario/load-scenario.js';
import type { SimInstance } from './sim-instance.js';
import type { Site } from './site.js';
import { simConfigDrives } from './config-drive-files.js';

/** Which driver a host runs: the classic (inferring) one, or the metadata-persisting one. */
export type HostDriverMode = 'legacy' | 'metadata';

/** A repository with a round-trip counter, as the simulator reports `dbRoundTrips`. */
export interface CountingRepository extends BlockDeviceMappingRepository {
  readonly roundTrips: number;
}

/**
 * Everything a replay acts on, whatever the hosts are: the site holding
 * them, the fleet of disk-ledger services over it, and the simulator's own
 * bookkeeping (instances, host options and which driver each host runs).
 */
export class SimWorld {
  readonly fleet: Fleet;
  readonly options = new Map<string, HostStorageOptions>();
  readonly modes = new Map<string, HostDriverMode>();
  readonly instances = new Map<string, SimInstance>();
  /**
   * Instances whose last operation a crash cut short: the library brings
   * such a move to rest later (forward or back), so their host is read back
   * from the repository until then.
   */
  readonly unsettled = new Set<string>();
  readonly flavors: ReadonlyMap<string, Flavor>;
  /** Hosts that are down (evacuation sources). */
  readonly down = new Set<string>();
  /** Hosts that admit vmdk images (their config's `allow_vmdk`). */
  readonly vmdkAllowed = new Set<string>();

  constructor(
    readonly scenario: Scenario,
    readonly repository: CountingRepository,
    readonly mode: 'metadata' | 'legacy',
    readonly site: Site,
  ) {
    this.fleet = new Fleet({ repository, images: site.imageService(firstHost(scenario)), transfer: site.transfer, configDrives: simConfigDrives });
    const upgraded = new Set(scenario.steps.flatMap((s) => (s.op === 'upgrade' ? [s.host] : [])));
    for (const h of scenario.hosts) {
      const options = scenario.hostOptions.get(h.name);
      if (options === undefined) throw new Error(`unreachable: options of ${h.name} were checked`);
      this.setOptions(h.name, options, h.config?.allow_vmdk === true);
      this.modes.set(h.name, mode === 'legacy' || upgraded.has(h.name) ? 'legacy' : 'metadata');
    }
    this.flavors = new Map(Object.entries(scenario.flavors ?? {}).map(([k, f]) => [k, { root: f.root ?? 0, ephemeral: f.ephemeral ?? 0, swap: f.swap ?? 0 }]));
  }

  /** Give a host new options: a new context, and new services for it (records are unaffected). */
  setOptions(host: string, options: HostStorageOptions, allowVmdk = this.vmdkAllowed.has(host)): void {
    this.options.set(host, options);
    if (allowVmdk) this.vmdkAllowed.add(host);
    else this.vmdkAllowed.delete(host);
    const ctx = this.context(host);
    this.fleet.setHost(ctx, this.site.hostModule(ctx, { allowVmdk }));
  }

  /** The host's context as it is now. */
  context(host: string): HostContext {
    const options = this.options.get(host);
    if (options === undefined) throw new Error(`unreachable: unknown host ${host}`);
    return { name: host, options, instancesPath: this.site.instancesPath(host) };
  }

  /** The host's drivers over its ports, for acts outside the lifecycle (a vanished disk, a returning host). */
  drivers(host: string): DiskDrivers {
    return this.site.drivers(host);
  }

  instance(id: string): SimInstance | undefined {
    return this.instances.get(id);
  }

  /** The instance directory on a host. */
  instanceDir(host: string, id: InstanceId): HostPath {
    return `${this.site.instancesPath(host)}/${id}` as HostPath;
  }
}

const firstHost = (s: Scenario): string => s.hosts[0]?.name ?? 'compute';
