/**
 * The standalone schema: nova's three tables as nova defines them (the
 * columns that matter to a libvirt host's disks, with nova's names, types
 * and indexes), plus the two added columns. Types are abstract here; each
 * dialect maps them (see `SqlFlavour.columnType`).
 *
 * One deliberate difference: nova keeps `instances.uuid` unique for ever
 * (`uniq_instances0uuid`, referenced by foreign keys), because it never
 * reuses a uuid. The port lets a deleted instance's id be registered again,
 * so the standalone schema makes `(uuid, deleted)` unique instead, the way
 * nova's other soft-deleted tables do (`uniq_key_pairs0user_id0name0deleted`),
 * and has no foreign keys on `uuid`. Attached to nova, re-registering a
 * deleted uuid is refused as INSTANCE_EXISTS.
 */

/** A column type before a dialect names it. */
export type ColumnType =
  | 'id'
  | 'datetime'
  | 'int'
  | 'bool'
  | 'text'
  | 'mediumtext'
  | { readonly varchar: number };

/** One column. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull?: boolean;
  readonly defaultValue?: number | boolean;
}

/** One table with its constraints and indexes. */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly unique: readonly { readonly name: string; readonly columns: readonly string[] }[];
  readonly indexes: readonly { readonly name: string; readonly columns: readonly string[] }[];
}

const v = (varchar: number): ColumnType => ({ varchar });

// oslo.db's SoftDeleteMixin and TimestampMixin, first in every nova table.
const SOFT_DELETE: readonly ColumnSpec[] = [
  { name: 'created_at', type: 'datetime' },
  { name: 'updated_at', type: 'datetime' },
  { name: 'deleted_at', type: 'datetime' },
  { name: 'id', type: 'id' },
  { name: 'deleted', type: 'int', defaultValue: 0 },
];

/** `instances`, reduced to what a standalone deployment needs. */
export const INSTANCES: TableSpec = {
  name: 'instances',
  columns: [
    ...SOFT_DELETE,
    // Nova's uuid column is 36 characters; disk-ledger's instance ids may be
    // up to 64, so the standalone schema is wider. Attached to nova, ids are uuids.
    { name: 'uuid', type: v(64), notNull: true },
    { name: 'host', type: v(255) },
    { name: 'node', type: v(255) },
    { name: 'hostname', type: v(255) },
    { name: 'vm_state', type: v(255) },
    { name: 'task_state', type: v(255) },
    { name: 'image_ref', type: v(255) },
    { name: 'project_id', type: v(255) },
    { name: 'user_id', type: v(255) },
  ],
  unique: [{ name: 'uniq_instances0uuid0deleted', columns: ['uuid', 'deleted'] }],
  indexes: [
    { name: 'instances_host_deleted_idx', columns: ['host', 'deleted'] },
  ],
};

/** `instance_extra`, with the added instance-level records column. */
export const INSTANCE_EXTRA: TableSpec = {
  name: 'instance_extra',
  columns: [
    ...SOFT_DELETE,
    { name: 'instance_uuid', type: v(64), notNull: true },
    { name: 'device_metadata', type: 'text' },
    { name: 'numa_topology', type: 'text' },
    { name: 'pci_requests', type: 'text' },
    { name: 'flavor', type: 'text' },
    { name: 'vcpu_model', type: 'text' },
    { name: 'migration_context', type: 'text' },
    { name: 'keypairs', type: 'text' },
    { name: 'trusted_certs', type: 'text' },
    { name: 'libvirt_disk_metadata', type: 'mediumtext' },
  ],
  unique: [],
  indexes: [{ name: 'instance_extra_idx', columns: ['instance_uuid'] }],
};

/** `block_device_mapping`, with the added `driver_info` column (no index, no constraint). */
export const BLOCK_DEVICE_MAPPING: TableSpec = {
  name: 'block_device_mapping',
  columns: [
    ...SOFT_DELETE,
    { name: 'device_name', type: v(255) },
    { name: 'delete_on_termination', type: 'bool', defaultValue: false },
    { name: 'snapshot_id', type: v(36) },
    { name: 'volume_id', type: v(36) },
    { name: 'volume_size', type: 'int' },
    { name: 'no_device', type: 'bool' },
    { name: 'connection_info', type: 'mediumtext' },
    { name: 'instance_uuid', type: v(64) },
    { name: 'source_type', type: v(255) },
    { name: 'destination_type', type: v(255) },
    { name: 'guest_format', type: v(255) },
    { name: 'device_type', type: v(255) },
    { name: 'disk_bus', type: v(255) },
    { name: 'boot_index', type: 'int' },
    { name: 'image_id', type: v(36) },
    { name: 'tag', type: v(255) },
    { name: 'attachment_id', type: v(36) },
    { name: 'uuid', type: v(36) },
    { name: 'volume_type', type: v(255) },
    { name: 'encrypted', type: 'bool', defaultValue: false },
    { name: 'encryption_secret_uuid', type: v(36) },
    { name: 'encryption_format', type: v(128) },
    { name: 'encryption_options', type: v(4096) },
    { name: 'driver_info', type: 'text' },
  ],
  unique: [{ name: 'uniq_block_device_mapping0uuid', columns: ['uuid'] }],
  indexes: [
    { name: 'snapshot_id', columns: ['snapshot_id'] },
    { name: 'volume_id', columns: ['volume_id'] },
    { name: 'block_device_mapping_instance_uuid_idx', columns: ['instance_uuid'] },
    { name: 'block_device_mapping_instance_uuid_device_name_idx', columns: ['instance_uuid', 'device_name'] },
    { name: 'block_device_mapping_instance_uuid_volume_id_idx', columns: ['instance_uuid', 'volume_id'] },
  ],
};

/**
 * The standalone schema, in creation order (referenced tables first). A
 * column added here later must be added to existing databases by migrate,
 * as ADDED_COLUMNS are: migrate takes a table of these names that lacks
 * one of these columns for someone else's, and refuses the database.
 */
export const STANDALONE_TABLES: readonly TableSpec[] = [INSTANCES, INSTANCE_EXTRA, BLOCK_DEVICE_MAPPING];
