/**
 * Removing an instance's volumes by the names nova gives them, for disks no
 * record places, and for the first ephemeral disk of the classic driver,
 * which nova may have made under either of its names (`disk.eph0`,
 * `disk.local`): the record names the one adoption found, and the other,
 * if it is there too, goes with the instance as well.
 */
import type { DiskMetadata, DiskName, InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { HostServices } from './host-registry.js';
import { run, sequence, type Step } from './lifecycle-deps.js';

/** Recorded disks whose volume may have a second nova name: a first ephemeral disk the classic driver made in a group or pool. */
export const aliasedDisks = (records: ReadonlyMap<DiskName, DiskMetadata>): DiskName[] =>
  [...records].filter(([disk, meta]) => disk === 'ephemeral0' && meta.provenance !== 'created' && (meta.backend === 'lvm' || meta.backend === 'rbd')).map(([disk]) => disk);

/** Remove every volume nova's names for `disks` name, in the volume group and in the pool the host's options name. */
export const removeByNovaNames = (host: HostServices, instance: InstanceId, disks: readonly DiskName[]): Step<void> =>
  sequence(disks, async (disk) => {
    const lv = await run(host.realizer.removeNamed(instance, disk, 'lvm'));
    return E.isLeft(lv) ? lv : run(host.realizer.removeNamed(instance, disk, 'rbd'));
  });
