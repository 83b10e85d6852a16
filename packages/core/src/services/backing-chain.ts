/**
 * What a qcow2 disk may name outside itself: a backing file that is a
 * complete entry of its host's base-image cache, with its format stated, and
 * never an external data file. A disk made by this library was made that
 * way, and its container is not the guest's to rewrite. A legacy disk's
 * record rests on the classic driver's facts: if those took a raw disk for
 * qcow2, the guest, still running on its raw view, can rewrite the header at
 * any time after the record was derived, so its chain is checked again
 * before the disk is read.
 */
import type { DiskName, DiskState, InstanceId } from '@disk-ledger/domain';
import type { LegacyBackingRefused } from '../errors/core-error.js';
import { backingRefused, dataFileRefused } from './adoption-errors.js';

/** Whether `file` is an entry of the base-image cache at `base` (ending in `/`): a plain name in it, not a download still in progress. */
export const isBaseEntry = (file: string, base: string): boolean => {
  if (!file.startsWith(base)) return false;
  const name = file.slice(base.length);
  return name !== '' && !name.includes('/') && !name.endsWith('.part');
};

/** Why the chain a disk's state reports may not be followed, or `null` when it may. */
export const chainRefusal = (instance: InstanceId, disk: DiskName, state: DiskState, instancesPath: string): LegacyBackingRefused | null => {
  if (!state.exists) return null;
  if (state.dataFile !== undefined) return dataFileRefused(instance, disk, state.dataFile);
  const { backing } = state;
  if (backing !== undefined && (backing.format === null || !isBaseEntry(backing.file, `${instancesPath}/_base/`))) return backingRefused(instance, disk, backing.file, backing.format);
  return null;
};
