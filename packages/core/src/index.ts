/**
 * `@disk-ledger/core`: the services on top of the ports. The image backend
 * (`createFromImage`, `createFromFunc`: persist before create), the metadata
 * service (batched saves, compare-and-swap first touch), legacy adoption, and
 * the inversify composition root.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export * from './tokens.js';
export * from './host-context.js';
export * from './errors/core-error.js';
export * from './services/disk-records.js';
export * from './services/metadata-service.js';
export * from './services/disk-realizer.js';
export * from './services/recorded-disk-reader.js';
export * from './services/disk-source.js';
export * from './services/legacy-adoption.js';
export * from './services/image-backend.js';
export * from './services/instance-locks.js';
export * from './services/disk-info-facts.js';
export * from './lifecycle/flavor.js';
export * from './lifecycle/host-registry.js';
export * from './lifecycle/lifecycle-deps.js';
export * from './lifecycle/instance-records.js';
export * from './lifecycle/move-plan.js';
export type { MoveKind, MoveRequest } from './lifecycle/move.js';
export { decodeMigration, encodeMigration, type ConfirmMode, type Migration, type MigrationKind, type MigrationStatus } from './lifecycle/migration-record.js';
export { decodePending, encodeShelveIntent, heldByShelve, type PendingOperation, type ShelveIntent, type ShelveStatus } from './lifecycle/shelve-intent.js';
export { shelvedImageId } from './lifecycle/shelve.js';
export { templateName } from './services/template-name.js';
export { destinationDisks, leftBehind, sourceDisks, type LeftBehind, type RecordedDisk } from './lifecycle/move-settle.js';
export type { SpawnRequest } from './lifecycle/spawn.js';
export type { InstanceFacts } from './lifecycle/evacuate-rebuild.js';
export * from './lifecycle/instance-lifecycle.js';
export * from './services/online-migration.js';
export * from './lifecycle/lifecycle-tokens.js';
