/**
 * `@disk-ledger/sql`: the BlockDeviceMappingRepository over SQL (kysely).
 * SQLite is the embedded default; PostgreSQL and MariaDB/MySQL serve shared
 * deployments. The schema is nova's (`block_device_mapping.driver_info`,
 * `instance_extra.libvirt_disk_metadata`), standalone or attached to a nova
 * database; saveRecords is one round trip on every dialect.
 *
 * ```ts
 * const opened = await openDatabase('sqlite::memory:')();
 * if (E.isRight(opened)) { const { repository, roundTrips, close } = opened.right; … }
 * ```
 *
 * @packageDocumentation
 */
export { openDatabase, type OpenDatabaseError, type OpenDatabaseOptions, type SqlDatabase } from './open-database.js';
export { parseDatabaseUrl, redactUrl, type DatabaseTarget, type DatabaseUrlInvalid } from './url/database-url.js';
export { SqlBlockDeviceMappingRepository, type SqlRepositoryOptions } from './repository/sql-repository.js';
export type { Census, DeletedRecord, ListOptions, PopulatedRow } from './repository/repository-types.js';
export type { DialectName, SaveOutcome, SqlFlavour } from './repository/sql-flavour.js';
export { RoundTripCounter, countingDialect } from './round-trips/round-trip-counter.js';
export { migrate, type MigrationReport } from './schema/migrate.js';
export { ADDED_COLUMNS, type NovaTables } from './schema/nova-tables.js';
export { novaTimestamp } from './schema/nova-timestamp.js';
export { deviceName, diskOfRow, slotOf, type BdmKind, type DiskSlot } from './mapping/disk-slot.js';
export { sqliteFlavour } from './sqlite/sqlite-flavour.js';
export { sqliteDialect } from './sqlite/sqlite-connect.js';
export { postgresFlavour } from './postgres/postgres-flavour.js';
export { postgresDialect } from './postgres/postgres-connect.js';
export { mysqlFlavour } from './mysql/mysql-flavour.js';
export { mysqlDialect } from './mysql/mysql-connect.js';
export type { PoolOptions } from './pool-options.js';
