/**
 * `@disk-ledger/domain`: the pure core of disk-ledger. The LibvirtDiskMetadata
 * codec, the vocabulary of backends and formats, validated names, image
 * verification, layout decisions and the ports adapters implement. No I/O.
 *
 * @packageDocumentation
 */
export * from './errors/domain-error.js';
export * from './disk/vocabulary.js';
export * from './disk/disk-metadata.js';
export * from './disk/disk-location.js';
export * from './disk/disk-role.js';
export * from './disk/content-kind.js';
export * from './disk/disk-func-check.js';
export * from './metadata/index.js';
export * from './names/invalid-name.js';
export * from './names/safe-names.js';
export * from './ports/command-executor.js';
export * from './ports/host-death.js';
export * from './ports/host-files.js';
export * from './ports/storage-error.js';
export * from './ports/disk-driver.js';
export * from './ports/template-builder.js';
export * from './ports/image-service.js';
export * from './ports/base-image-cache.js';
export * from './ports/block-device-mapping-repository.js';
export * from './ports/legacy-host-facts.js';
export * from './ports/disk-transfer.js';
export * from './ports/config-drive-contents.js';
export * from './layout/layout-error.js';
export * from './layout/host-options.js';
export * from './layout/disk-plan.js';
export * from './layout/record-location.js';
export * from './layout/plan-disk.js';
export * from './legacy/disk-info.js';
export * from './legacy/legacy-error.js';
export * from './legacy/derive-legacy.js';
export * from './content/index.js';
export * from './text/json-string.js';
export * from './verification/index.js';
