/**
 * What guests do to their disks between operations: write benign data or a
 * hostile header, through the format their disk is recorded with, into every
 * disk a guest can write. Test-only.
 */
import type { DiskName, HostileKind, InstanceId } from '@disk-ledger/domain';
import { SECRET } from './catalogue.js';
import type { FakeFleet } from './fake-fleet.js';

/** Disks a guest writes to: root, ephemerals, swap and (while rescued) the rescue disk. */
export const isGuestWritable = (disk: DiskName): boolean => disk === 'root' || disk === 'swap' || disk === 'rescue' || disk.startsWith('ephemeral');

/** The guest of `instance` writes a `kind` header pointing at the host secret into each writable disk; returns the disks written. */
export const plantHostile = async (f: FakeFleet, instance: InstanceId, kind: HostileKind): Promise<readonly DiskName[]> => {
  const written: DiskName[] = [];
  for (const [disk, meta] of await f.records(instance)) {
    if (meta === null || !isGuestWritable(disk)) continue;
    const { host, location } = await f.location(instance, disk);
    const w = f.cluster.guestWrite(host, location, meta.format, { kind, target: SECRET });
    if (!w.ok) throw new Error(`guest write into ${instance}/${disk}: ${w.message}`);
    written.push(disk);
  }
  return written;
};

/** The guest writes benign data into each writable disk; returns the markers, by disk, so a test can follow the data. */
export const writeBenign = async (f: FakeFleet, instance: InstanceId): Promise<ReadonlyMap<DiskName, string>> => {
  const markers = new Map<DiskName, string>();
  for (const [disk, meta] of await f.records(instance)) {
    if (meta === null || !isGuestWritable(disk)) continue;
    const { host, location } = await f.location(instance, disk);
    const w = f.cluster.guestWrite(host, location, meta.format, { kind: 'benign' });
    if (!w.ok) throw new Error(`guest write into ${instance}/${disk}: ${w.message}`);
    markers.set(disk, w.marker);
  }
  return markers;
};
