/**
 * Following data through operations: whether a marker a guest wrote is what
 * a guest of the disk sees now, and whether it survives anywhere at all.
 * Test-only.
 */
import type { DiskName, InstanceId } from '@disk-ledger/domain';
import type { FakeFleet } from './fake-fleet.js';

/** Whether the guest of `instance`'s `disk`, opened with its recorded format, sees `marker`. */
export const sees = async (f: FakeFleet, instance: InstanceId, disk: DiskName, marker: string): Promise<boolean> => {
  const { host, location, meta } = await f.location(instance, disk);
  const view = f.cluster.guestView(host, location, meta.format);
  return view.ok && view.view.markers.includes(marker);
};

/** Whether any disk or file of the cluster still holds `marker` (data that was not destroyed, wherever it is). */
export const survives = (f: FakeFleet, marker: string): boolean => f.cluster.disks().some((d) => d.markers.includes(marker));
