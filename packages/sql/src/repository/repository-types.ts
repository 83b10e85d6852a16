/**
 * What the SQL repository offers beyond the port: the online migration's
 * paging, a census, and a view of soft-deleted records.
 */
import type { DiskName, DiskRecordRow, InstanceRow, UnpopulatedQuery } from '@disk-ledger/domain';
import type { BdmKind } from '../mapping/disk-slot.js';

/** Paging of the online-migration listings: the port's cursor and host filter, and rows to skip. */
export interface ListOptions extends UnpopulatedQuery {
  /** Rows to skip, e.g. those the caller found no legacy layout for. */
  readonly excludeIds?: readonly number[];
}

/** A live local row with its record. */
export type PopulatedRow = DiskRecordRow & InstanceRow & { readonly bdmId: number; readonly driverInfo: string };

/** Whole-database counts; per backend / format / provenance needs decoding, which is the caller's (listPopulated). */
export interface Census {
  /** Live instances. */
  readonly instances: number;
  /** Live local BDM rows (of live instances) with a record. */
  readonly populated: number;
  /** Live local BDM rows (of live instances) without one. */
  readonly unpopulated: number;
  /** Live instances with at least one instance-level record. */
  readonly withInstanceLevelRecords: number;
}

/** A soft-deleted record: a removed BDM row (no name: names belong to live rows) or an instance-level record of a deleted instance. */
export interface DeletedRecord {
  readonly bdmId: number | null;
  readonly kind: BdmKind | 'instance';
  /** For instance-level records only. */
  readonly disk: DiskName | null;
  readonly deviceName: string | null;
  readonly driverInfo: string | null;
  /** Nova format, UTC. */
  readonly deletedAt: string | null;
}
