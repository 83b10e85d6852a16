/**
 * One compute host of the fake cluster: its file system, its LVM volume
 * groups, and the names of the RBD pools it is configured to reach.
 */
import { FakeFileSystem } from './file-system.js';
import type { FakeVolumeGroup } from './volume-group.js';

/** A host. */
export class FakeHost {
  readonly fs = new FakeFileSystem();
  readonly volumeGroups = new Map<string, FakeVolumeGroup>();
  /** RBD pools this host's Ceph configuration names. */
  readonly rbdPools = new Set<string>();
  /** While down, every command and file operation on the host throws {@link HostDown}. */
  down = false;

  constructor(readonly name: string) {}
}
