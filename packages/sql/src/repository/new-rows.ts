/**
 * The rows this package inserts, shaped as nova shapes them for local disks:
 * root `image → local` with boot index 0, ephemeral and swap `blank → local`
 * with boot index -1, swap with guest format `swap`, `device_type` `disk`,
 * deleted with the instance, and a uuid (nova gives every BDM one).
 * `image_id` is not known here and stays NULL.
 */
import type { BdmKind } from '../mapping/disk-slot.js';

/** What a new BDM row needs. */
export interface NewBdm {
  readonly instance: string;
  readonly kind: BdmKind;
  readonly deviceName: string | null;
  readonly now: string;
  readonly uuid: string;
  readonly driverInfo: string | null;
}

/** The column values of a new local BDM row. */
export const newBdmRow = (b: NewBdm) => ({
  created_at: b.now,
  deleted: 0,
  instance_uuid: b.instance,
  source_type: b.kind === 'root' ? 'image' : 'blank',
  destination_type: 'local',
  guest_format: b.kind === 'swap' ? 'swap' : null,
  device_type: 'disk',
  boot_index: b.kind === 'root' ? 0 : -1,
  device_name: b.deviceName,
  // 1, not true: SQLite's driver binds no booleans, and PostgreSQL reads '1' as true.
  delete_on_termination: 1,
  uuid: b.uuid,
  driver_info: b.driverInfo,
});
