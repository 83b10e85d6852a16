/**
 * The columns of nova's tables this package reads or writes, as kysely sees
 * them. Nova's tables have many more; they are left alone. Timestamps are
 * written as nova-format text (see nova-timestamp.ts) and read only through
 * a dialect's formatting function, never as driver `Date`s.
 */
import type { Generated } from 'kysely';

/** `instances`: one row per instance, soft-deleted with `deleted = id`. */
export interface InstancesTable {
  readonly id: Generated<number>;
  readonly uuid: string;
  readonly host: string | null;
  readonly node: string | null;
  /** The image the instance was booted or last rebuilt from; `''` when booted from a volume. */
  readonly image_ref: string | null;
  readonly created_at: string | null;
  readonly updated_at: string | null;
  readonly deleted_at: string | null;
  readonly deleted: number | null;
}

/** `instance_extra`: one row per instance, keyed by `instance_uuid`. */
export interface InstanceExtraTable {
  readonly id: Generated<number>;
  readonly instance_uuid: string;
  readonly created_at: string | null;
  readonly updated_at: string | null;
  readonly deleted_at: string | null;
  readonly deleted: number | null;
  /** Added by this package: JSON object, disk name → encoded record, for disks without a BDM. */
  readonly libvirt_disk_metadata: string | null;
}

/** `block_device_mapping`: one row per block device of an instance. */
export interface BlockDeviceMappingTable {
  readonly id: Generated<number>;
  readonly instance_uuid: string | null;
  readonly created_at: string | null;
  readonly updated_at: string | null;
  readonly deleted_at: string | null;
  readonly deleted: number | null;
  readonly source_type: string | null;
  readonly destination_type: string | null;
  readonly guest_format: string | null;
  readonly device_type: string | null;
  readonly disk_bus: string | null;
  readonly boot_index: number | null;
  readonly device_name: string | null;
  readonly delete_on_termination: boolean | number | null;
  /** Nova's mark of a row that maps no device (an image's mapping suppressed): no disk of the instance. */
  readonly no_device: boolean | number | null;
  readonly image_id: string | null;
  readonly volume_size: number | null;
  readonly uuid: string | null;
  /** Added by this package: the encoded LibvirtDiskMetadata of a local disk. */
  readonly driver_info: string | null;
}

/** The database as this package's queries see it. */
export interface NovaTables {
  readonly instances: InstancesTable;
  readonly instance_extra: InstanceExtraTable;
  readonly block_device_mapping: BlockDeviceMappingTable;
}

/** The two columns this package adds to nova's schema. */
export const ADDED_COLUMNS = [
  { table: 'block_device_mapping', column: 'driver_info', type: 'text' },
  { table: 'instance_extra', column: 'libvirt_disk_metadata', type: 'mediumtext' },
] as const;
