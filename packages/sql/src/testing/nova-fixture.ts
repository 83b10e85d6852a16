/**
 * A nova-like database: a subset of nova's real DDL for the tables this
 * package touches, their shadow tables (where archive_deleted_rows moves
 * soft-deleted rows), and a few other nova tables, per dialect, with nova's
 * types, unique constraints, foreign keys and indexes. Test-only.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../repository/sql-flavour.js';

type Type = 'id' | 'datetime' | 'int' | 'bool' | 'text' | 'mediumtext' | `varchar(${number})`;

const TYPES: Readonly<Record<DialectName, Readonly<Record<Exclude<Type, `varchar(${number})`>, string>>>> = {
  // SQLAlchemy's SQLite DDL: no AUTOINCREMENT, as nova's own SQLite test databases.
  sqlite: { id: 'INTEGER NOT NULL PRIMARY KEY', datetime: 'DATETIME', int: 'INTEGER', bool: 'BOOLEAN', text: 'TEXT', mediumtext: 'TEXT' },
  postgres: { id: 'SERIAL PRIMARY KEY', datetime: 'TIMESTAMP WITHOUT TIME ZONE', int: 'INTEGER', bool: 'BOOLEAN', text: 'TEXT', mediumtext: 'TEXT' },
  mysql: { id: 'INT(11) NOT NULL AUTO_INCREMENT PRIMARY KEY', datetime: 'DATETIME', int: 'INT(11)', bool: 'TINYINT(1)', text: 'TEXT', mediumtext: 'MEDIUMTEXT' },
};

const SOFT: readonly [string, Type][] = [['created_at', 'datetime'], ['updated_at', 'datetime'], ['deleted_at', 'datetime'], ['id', 'id'], ['deleted', 'int']];

const TABLES: readonly { name: string; columns: readonly [string, Type][]; extra: readonly string[]; shadow: boolean }[] = [
  {
    name: 'instances',
    columns: [...SOFT, ['uuid', 'varchar(36)'], ['host', 'varchar(255)'], ['node', 'varchar(255)'], ['hostname', 'varchar(255)'], ['vm_state', 'varchar(255)'], ['task_state', 'varchar(255)'], ['image_ref', 'varchar(255)'], ['root_gb', 'int'], ['ephemeral_gb', 'int'], ['locked', 'bool']],
    extra: ['CONSTRAINT uniq_instances0uuid UNIQUE (uuid)'],
    shadow: true,
  },
  {
    name: 'instance_extra',
    columns: [...SOFT, ['instance_uuid', 'varchar(36)'], ['numa_topology', 'text'], ['pci_requests', 'text'], ['flavor', 'text'], ['vcpu_model', 'text'], ['migration_context', 'text'], ['keypairs', 'text'], ['device_metadata', 'text'], ['trusted_certs', 'text'], ['vpmems', 'text'], ['resources', 'text']],
    extra: ['CONSTRAINT instance_extra_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)'],
    shadow: true,
  },
  {
    name: 'block_device_mapping',
    columns: [
      ...SOFT, ['device_name', 'varchar(255)'], ['delete_on_termination', 'bool'], ['snapshot_id', 'varchar(36)'], ['volume_id', 'varchar(36)'], ['volume_size', 'int'],
      ['no_device', 'bool'], ['connection_info', 'mediumtext'], ['instance_uuid', 'varchar(36)'], ['source_type', 'varchar(255)'], ['destination_type', 'varchar(255)'],
      ['guest_format', 'varchar(255)'], ['device_type', 'varchar(255)'], ['disk_bus', 'varchar(255)'], ['boot_index', 'int'], ['image_id', 'varchar(36)'], ['tag', 'varchar(255)'],
      ['attachment_id', 'varchar(36)'], ['uuid', 'varchar(36)'], ['volume_type', 'varchar(255)'], ['encrypted', 'bool'],
    ],
    extra: ['CONSTRAINT uniq_block_device_mapping0uuid UNIQUE (uuid)', 'CONSTRAINT block_device_mapping_instance_uuid_fkey FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)'],
    shadow: true,
  },
  { name: 'migrations', columns: [...SOFT, ['instance_uuid', 'varchar(36)'], ['source_compute', 'varchar(255)'], ['dest_compute', 'varchar(255)'], ['status', 'varchar(255)']], extra: [], shadow: true },
  { name: 'instance_faults', columns: [...SOFT, ['instance_uuid', 'varchar(36)'], ['code', 'int'], ['message', 'varchar(255)'], ['details', 'mediumtext']], extra: [], shadow: true },
];

const INDEXES: readonly [string, string, string][] = [
  ['instances_host_deleted_idx', 'instances', 'host, deleted'],
  ['instances_uuid_deleted_idx', 'instances', 'uuid, deleted'],
  ['instance_extra_idx', 'instance_extra', 'instance_uuid'],
  ['block_device_mapping_instance_uuid_idx', 'block_device_mapping', 'instance_uuid'],
  ['block_device_mapping_instance_uuid_device_name_idx', 'block_device_mapping', 'instance_uuid, device_name'],
  ['block_device_mapping_instance_uuid_volume_id_idx', 'block_device_mapping', 'instance_uuid, volume_id'],
  ['snapshot_id', 'block_device_mapping', 'snapshot_id'],
  ['volume_id', 'block_device_mapping', 'volume_id'],
];

const typeOf = (dialect: DialectName, type: Type, shadow: boolean): string => {
  if (type.startsWith('varchar')) return type.toUpperCase();
  // Shadow tables have plain integer ids: rows keep the id they had.
  if (type === 'id' && shadow) return dialect === 'mysql' ? 'INT(11) NOT NULL PRIMARY KEY' : 'INTEGER NOT NULL PRIMARY KEY';
  return TYPES[dialect][type as Exclude<Type, `varchar(${number})`>];
};

/** The fixture's DDL statements for `dialect`. */
export const novaFixture = (dialect: DialectName): readonly string[] => {
  const statements: string[] = [];
  for (const table of TABLES) {
    for (const shadow of table.shadow ? [false, true] : [false]) {
      const name = shadow ? `shadow_${table.name}` : table.name;
      const columns = table.columns.map(([c, t]) => `${c} ${typeOf(dialect, t, shadow)}`);
      const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8' : '';
      statements.push(`CREATE TABLE ${name} (${[...columns, ...(shadow ? [] : table.extra)].join(', ')})${tail}`);
    }
  }
  for (const [name, table, columns] of INDEXES) statements.push(`CREATE INDEX ${name} ON ${table} (${columns})`);
  return statements;
};

/** Create the fixture in `db`. */
export const createNovaFixture = async <DB>(db: Kysely<DB>, dialect: DialectName): Promise<void> => {
  for (const statement of novaFixture(dialect)) await sql.raw(statement).execute(db);
};

/** Every index name in the database, sorted (including those behind unique constraints). */
export const indexNames = async <DB>(db: Kysely<DB>, dialect: DialectName): Promise<readonly string[]> => {
  const query = {
    sqlite: sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index'`,
    postgres: sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()`,
    mysql: sql<{ name: string }>`SELECT DISTINCT CONCAT(table_name, '.', index_name) AS name FROM information_schema.statistics WHERE table_schema = DATABASE()`,
  }[dialect];
  const { rows } = await query.execute(db);
  return rows.map((r) => String(r.name)).sort();
};
