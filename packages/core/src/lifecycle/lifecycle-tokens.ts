import type { DiskTransfer } from '@disk-ledger/domain';
import type { ServiceIdentifier } from 'inversify';
import type { HostRegistry } from './host-registry.js';

/** Tokens of the lifecycle's collaborators (bound by the composition root). */
export const LIFECYCLE_TOKENS = {
  HostRegistry: Symbol.for('disk-ledger.HostRegistry') as ServiceIdentifier<HostRegistry>,
  DiskTransfer: Symbol.for('disk-ledger.DiskTransfer') as ServiceIdentifier<DiskTransfer>,
} as const;
