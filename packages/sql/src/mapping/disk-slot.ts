/**
 * Where each disk of the port lives in nova's tables.
 *
 * The port names disks by role (`root`, `ephemeral<N>`, `swap`, `config`, …);
 * nova's `block_device_mapping` has rows without names. The rule, shared by
 * every query of every dialect:
 *
 * - Only live rows count (`deleted = 0`) with `destination_type = 'local'`;
 *   volumes (`destination_type = 'volume'`) have no libvirt disk record.
 * - `source_type = 'image'` is the root disk; `source_type = 'blank'` with
 *   `guest_format = 'swap'` is the swap disk; any other `blank` row is an
 *   ephemeral disk.
 * - Within each kind, rows are ordered by device name the way nova assigns
 *   them (shorter first, then byte order, so `vdz` precedes `vdaa`), rows
 *   without a device name last, then by id. `ephemeral<N>` is the N-th
 *   ephemeral row in that order (from 0), as nova's `disk.eph<N>` files are
 *   numbered by position; the root and swap disks are the first row of their
 *   kind, and further rows of those kinds are anomalies that get no name.
 *
 * So removing an ephemeral disk renumbers the ones after it, exactly as nova
 * does. Rows the repository creates later (a re-created ephemeral, a record
 * written for a disk whose row was removed) get no device name, as nova's own
 * API leaves it for the driver to assign: they sort after every named row, in
 * creation order, so an ephemeral can only be created at the next free
 * position; a write that would leave a gap is refused.
 *
 * Config drive, kernel, ramdisk and rescue disks have no row: their records
 * live in `instance_extra.libvirt_disk_metadata`, a JSON object keyed by disk
 * name.
 */
import { hasBdm, type DiskName } from '@disk-ledger/domain';

/** The kinds of local BDM row. */
export type BdmKind = 'root' | 'ephemeral' | 'swap';

/** A disk's place: a BDM row of a kind at a position, or a key of the instance-level object. */
export type DiskSlot =
  | { readonly kind: BdmKind; readonly position: number }
  | { readonly kind: 'instance'; readonly disk: DiskName };

const EPHEMERAL = /^ephemeral(0|[1-9][0-9]*)$/;

/** The slot of a disk. */
export const slotOf = (disk: DiskName): DiskSlot => {
  if (!hasBdm(disk)) return { kind: 'instance', disk };
  if (disk === 'root' || disk === 'swap') return { kind: disk, position: 0 };
  const match = EPHEMERAL.exec(disk);
  // hasBdm admitted it, so it is `ephemeral<N>`; anything else is a broken invariant.
  if (match === null) throw new Error(`not a BDM disk name: ${disk}`);
  return { kind: 'ephemeral', position: Number(match[1]) };
};

/** The disk a BDM row of `kind` at `position` stands for, or `null` for an anomalous extra root or swap row. */
export const diskOfRow = (kind: BdmKind, position: number): DiskName | null => {
  if (kind === 'ephemeral') return `ephemeral${position}`;
  return position === 0 ? kind : null;
};

/** The instance-level disks, in the order listDisks returns them. */
export const INSTANCE_LEVEL_DISKS: readonly DiskName[] = ['config', 'kernel', 'ramdisk', 'rescue'];

/** Sort key of a disk in listDisks: root, ephemerals by number, swap, then instance-level disks. */
export const diskOrder = (disk: DiskName): number => {
  const slot = slotOf(disk);
  switch (slot.kind) {
    case 'root':
      return 0;
    case 'ephemeral':
      return 1 + slot.position;
    case 'swap':
      return 1_000_000;
    case 'instance':
      return 2_000_000 + INSTANCE_LEVEL_DISKS.indexOf(slot.disk);
  }
};

/**
 * The smallest number of live ephemeral rows an instance must already have
 * for these ephemeral positions to be written without leaving a gap: the
 * start of the last run of consecutive positions. Positions below the
 * instance's count exist and are updated; those at or above it are created,
 * and must then be exactly `count, count + 1, …`. 0 when there are none.
 */
export const minEphemeralCount = (positions: readonly number[]): number => {
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  let start = sorted.length - 1;
  while (start > 0 && sorted[start - 1] === (sorted[start] ?? 0) - 1) start -= 1;
  return sorted[start] ?? 0;
};

/**
 * Nova's device names for a new instance's local disks, in the order nova's
 * libvirt driver assigns them: root `vda`, ephemerals `vdb`, `vdc`, …, then
 * swap. After `vdz` come `vdaa`, `vdab`, … as in nova.
 */
export const deviceName = (index: number, prefix = '/dev/vd'): string => {
  let name = '';
  let n = index;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return prefix + name;
};
