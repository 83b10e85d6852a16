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
import type { Backend, DiskName, DiskState, InstanceId } from '@disk-ledger/domain';
import type { LegacyBackingRefused } from '../errors/core-error.js';
import { backingRefused, dataFileRefused } from './adoption-errors.js';

/** Whether `file` is an entry of the base-image cache at `base` (ending in `/`): a plain name in it, not a download still in progress. */
export const isBaseEntry = (file: string, base: string): boolean => {
  if (!file.startsWith(base)) return false;
  const name = file.slice(base.length);
  return name !== '' && !name.includes('/') && !name.endsWith('.part');
};

/**
 * The names a base of the cache may have for an overlay of this disk role,
 * as nova's cache and this library's name them: an image's entry (40 hex
 * digits, nova's older resized copies with `_<size>`) for a root or rescue
 * disk, an `ephemeral_<size>_…` template for an ephemeral disk, a
 * `swap_<size>` one for swap. Other disks are never overlays.
 */
const IMAGE_BASE = /^[0-9a-f]{40}(?:_[0-9]+)?$/;
// A size in nova's unit, or in bytes with a `b` where a size is not a whole number of them.
const EPHEMERAL_BASE = /^ephemeral_[0-9]+b?_[A-Za-z0-9._-]+$/;
const SWAP_BASE = /^swap_[0-9]+b?$/;

const baseNameFor = (disk: DiskName): RegExp | null =>
  disk === 'root' || disk === 'rescue' ? IMAGE_BASE : disk === 'swap' ? SWAP_BASE : disk.startsWith('ephemeral') ? EPHEMERAL_BASE : null;

/**
 * Why the chain a disk's state reports may not be followed, or `null` when
 * it may. Only a `qcow2` backend disk is an overlay: a flat file, qcow2 or
 * not, is a whole copy (nova's Flat backend copies its base), so a backing
 * file there is a header the guest planted. An overlay's base must be an
 * entry of the cache named as one for its role, so a planted header cannot
 * name any other file a host keeps there.
 */
export const chainRefusal = (instance: InstanceId, disk: DiskName, backend: Backend, state: DiskState, instancesPath: string): LegacyBackingRefused | null => {
  if (!state.exists) return null;
  if (state.dataFile !== undefined) return dataFileRefused(instance, disk, state.dataFile);
  const { backing } = state;
  if (backing === undefined) return null;
  const base = `${instancesPath}/_base/`;
  const named = baseNameFor(disk);
  const allowed = backend === 'qcow2' && backing.format !== null && isBaseEntry(backing.file, base) && named !== null && named.test(backing.file.slice(base.length));
  return allowed ? null : backingRefused(instance, disk, backing.file, backing.format);
};
