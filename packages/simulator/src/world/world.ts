import { type FakeCluster, InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import type { Scenario } from '../scenario/load-scenario.js';
import { FakeSite } from './fake-site.js';
import { SimWorld, type CountingRepository } from './sim-world.js';

export { INSTANCES_PATH } from './nova-paths.js';
export { SimWorld, type CountingRepository, type HostDriverMode } from './sim-world.js';

/**
 * A world on the in-memory host. Its cluster stays reachable for what only
 * the fake can do (fleet runs counting probes as they happen, tests that
 * inject faults or inspect every disk).
 */
export class World extends SimWorld {
  readonly cluster: FakeCluster;

  constructor(scenario: Scenario, repository: CountingRepository, mode: 'metadata' | 'legacy', commandLog: 'all' | 'none' = 'all') {
    const site = new FakeSite(scenario, commandLog);
    super(scenario, repository, mode, site);
    this.cluster = site.cluster;
  }
}

/** The embedded default repository. */
export const inMemoryRepository = (): CountingRepository => new InMemoryBlockDeviceMappingRepository();
