import type { DomainError } from '../errors/domain-error.js';
import type { DiskInfoCorrupt } from './disk-info.js';

/** The facts needed to derive a legacy disk's layout are missing. */
export interface LegacyFactsMissing extends DomainError<'LegacyFactsMissing', 'LEGACY_FACTS_MISSING'> {
  readonly disk: string;
}
/** The facts contradict each other (e.g. `disk.info` says qcow2 for an lvm disk). */
export interface LegacyFactsContradict extends DomainError<'LegacyFactsContradict', 'LEGACY_FACTS_CONTRADICT'> {
  readonly disk: string;
}

/** Why a legacy disk's record could not be derived; the disk is left untouched until an operator supplies the layout. */
export type LegacyError = LegacyFactsMissing | LegacyFactsContradict | DiskInfoCorrupt;
