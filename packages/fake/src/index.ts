/**
 * `@disk-ledger/fake`: the in-memory host. A `FakeCluster` of compute hosts
 * (files, LVM volume groups, host secrets), shared RBD pools and an image
 * catalogue; adapters of the domain ports on top of it
 * (`FakeCommandExecutor`, `FakeHostFiles`, `FakeImageService`,
 * `InMemoryBlockDeviceMappingRepository`); an emulation of exactly the
 * commands of docs/commands.md with a probe detector and a leak detector;
 * and inspection of every disk for invariants. Deterministic and cheap per
 * command, for property tests and the simulator.
 *
 * @packageDocumentation
 */

// The cluster and its inspection.
export { FakeCluster } from './fake-cluster.js';
export type { FakeClusterOptions, HostSpec, ImageSpec, SecretInfo, VolumeGroupSpec } from './cluster-spec.js';
export { qemuFormatOf, targetOf } from './disk-target.js';
export type { DiskInfo, GuestView, GuestViewResult, GuestWriteResult, PlantedHeaderInfo, StorageAddress } from './inspection.js';
export { ClusterState, type ClusterStateOptions } from './state/cluster-state.js';
export type { CommandLogMode } from './state/command-log.js';
export type { CommandOutcome, CommandRecord, LeakRecord, LeakVia, ProbeRecord, StepTag } from './state/records.js';
export { HostDown, InjectedCrash, isInjectedCrash, type FaultEffect, type FaultSpec } from './state/faults.js';

// Port adapters.
export { FakeCommandExecutor } from './fake-command-executor.js';
export { FakeHostFiles } from './fake-host-files.js';
export { FakeDiskTransfer } from './fake-disk-transfer.js';
export { FakeImageService } from './fake-image-service.js';
export { InMemoryBlockDeviceMappingRepository, type StoredRecordRow } from './in-memory-bdm-repository.js';
export { instanceExists, instanceNotFound, repositoryFailed } from './repository-errors.js';

// The content model.
export { MarkerSet, SECRET_PREFIX, isSecretMarker, parseSecretMarker, secretMarker } from './content/markers.js';
export {
  EMPTY_DATA,
  OPAQUE_FORMATS,
  QEMU_FORMATS,
  containerFormat,
  detectFormat,
  isQemuFormat,
  hostileHeader,
  storedMarkers,
  type BackingRef,
  type Data,
  type Header,
  type OpaqueFormat,
  type OpaqueHeader,
  type ParallelsHeader,
  type ProbedFormat,
  type Qcow2Header,
  type QemuFormat,
  type VmdkExtent,
  type VmdkHeader,
} from './content/data.js';
export type { GuestContent } from './content/guest-write.js';
export { imageMarker } from './content/image-content.js';
export type { Volume } from './content/volume.js';
