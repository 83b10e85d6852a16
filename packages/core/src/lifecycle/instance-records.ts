import type { DiskMetadata, DiskName, InstanceId, InstanceRow } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { HostServices } from './host-registry.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';

/** An instance, its host's services, and the record of each of its local disks. */
export interface InstanceView {
  readonly row: InstanceRow;
  readonly host: HostServices;
  readonly records: ReadonlyMap<DiskName, DiskMetadata>;
}

/**
 * Load an instance with a record for every local disk: disks made before
 * records existed go through first-touch derivation here, whichever
 * operation reaches them first.
 */
export const loadInstance = async (deps: LifecycleDeps, instance: InstanceId): Step<InstanceView> => {
  const row = await run(deps.repository.getInstance(instance));
  if (E.isLeft(row)) return row;
  const host = deps.hosts.get(row.right.host);
  if (E.isLeft(host)) return host;
  const stored = await run(deps.metadata.records(instance));
  if (E.isLeft(stored)) return stored;
  const records = new Map<DiskName, DiskMetadata>();
  for (const [disk, s] of stored.right) {
    if (s.meta !== null) {
      records.set(disk, s.meta);
      continue;
    }
    const adopted = await run(host.right.adoption.ensure(instance, disk));
    if (E.isLeft(adopted)) return adopted;
    records.set(disk, adopted.right);
  }
  return E.right({ row: row.right, host: host.right, records });
};
