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
import { createHash } from 'node:crypto';
import type { DiskMetadata, DiskName, DiskState, InstanceId } from '@disk-ledger/domain';
import type { LegacyBackingRefused } from '../errors/core-error.js';
import { backingRefused, dataFileRefused, foreignBaseRefused, rescueBaseUnknown } from './adoption-errors.js';

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
// nova's names (a size in its unit) and this library's (bytes: `swap_<bytes>b`, `ephemeral_<bytes>_<fs>_<label>`;
// earlier versions named swap `swap_<bytes>`, which overlays made then still name).
const EPHEMERAL_BASE = /^ephemeral_[0-9]+b?_[A-Za-z0-9._-]+$/;
const SWAP_BASE = /^swap_[0-9]+b?$/;

const baseNameFor = (disk: DiskName): RegExp | null =>
  disk === 'root' || disk === 'rescue' ? IMAGE_BASE : disk === 'swap' ? SWAP_BASE : disk.startsWith('ephemeral') ? EPHEMERAL_BASE : null;

// Every read of a legacy root's record checks its base, and a host has few images: their names are kept (bounded).
const NAMES = new Map<string, string>();
const NAMES_LIMIT = 1024;

/** Nova's name for an image's entry in the base-image cache: SHA-1 of the image id, in hex. */
export const classicEntryName = (imageId: string): string => {
  const known = NAMES.get(imageId);
  if (known !== undefined) return known;
  const name = createHash('sha1').update(imageId, 'utf8').digest('hex');
  if (NAMES.size >= NAMES_LIMIT) NAMES.clear();
  NAMES.set(imageId, name);
  return name;
};

/** Whether `name` is nova's entry of `imageId` (or an older resized copy of it, `<entry>_<size>`). */
const isEntryOf = (name: string, imageId: string): boolean => {
  const entry = classicEntryName(imageId);
  return name === entry || (name.startsWith(`${entry}_`) && IMAGE_BASE.test(name));
};

/** What of a record decides which chain its disk may have. */
export type ChainFacts = Pick<DiskMetadata, 'backend' | 'imageId' | 'provenance'>;

/** The base-image cache as a chain check sees it. */
export interface CacheView {
  /** The cache's directory today. */
  readonly dir: string;
  /** nova's default cache directory, which a disk this library made may name if the operator has named another since (default: `dir`). */
  readonly defaultDir?: string;
  /** The name of this library's own entry of an image, or `null` when it keeps none (default: it keeps none). */
  readonly ownEntry?: (imageId: string) => string | null;
}

/**
 * Why the chain a disk's state reports may not be followed, or `null` when
 * it may. An overlay's base must be an entry of the cache named as one for
 * its role, so a planted header cannot name any other file a host keeps
 * there, with its format stated.
 *
 * A root this library did not make (derived, or stated by an operator) must
 * moreover name the entry of its own image, the one its record names (nova's
 * `image_ref` when derived): a name is derived from the image id, never
 * taken from the header, or a guest whose raw disk the classic driver took
 * for qcow2 could name another tenant's cached image. So must a root whose
 * record, of the 1.0 format, does not say who made it: nova's entry of
 * `image_ref`, or this library's (`cache.ownEntry`).
 *
 * A legacy rescue disk is held to the same: nova keeps no record of the
 * image it rescued from, so the only entry it may name is that of the
 * instance's own image (nova's default rescue image). Another entry may be
 * an honest rescue image, or another tenant's image a guest named from a raw
 * disk taken for qcow2: the disk is not opened, and unrescue removes it.
 *
 * A disk of the `qcow2` backend is an overlay. So is a legacy root,
 * ephemeral or swap disk of the `flat` backend that names a base: nova's
 * Flat backend copies its base whole, but a host whose options moved from
 * qcow2 to raw keeps the overlays it made before, and nova (through
 * `disk.info`) opens them as such; its base is checked as on a qcow2 host.
 * A rescue disk is an overlay only on the qcow2 backend; a disk this library
 * made flat is a whole copy, and a base it names was planted.
 */
export const chainRefusal = (instance: InstanceId, disk: DiskName, meta: ChainFacts, state: DiskState, cache: CacheView): LegacyBackingRefused | null => {
  const cacheDir = cache.dir;
  const defaultCacheDir = cache.defaultDir ?? cacheDir;
  if (!state.exists) return null;
  if (state.dataFile !== undefined) return dataFileRefused(instance, disk, state.dataFile);
  const { backing } = state;
  if (backing === undefined) return null;
  // A disk this library made names the cache it had then: nova's default, if the operator has named another since.
  const dir = meta.provenance === 'created' && !backing.file.startsWith(`${cacheDir}/`) ? defaultCacheDir : cacheDir;
  const base = `${dir}/`;
  const named = baseNameFor(disk);
  const name = backing.file.slice(base.length);
  const overlay = meta.backend === 'qcow2' || (meta.backend === 'flat' && meta.provenance !== 'created' && disk !== 'rescue');
  const allowed = overlay && backing.format !== null && isBaseEntry(backing.file, base) && named !== null && named.test(name);
  if (!allowed) return backingRefused(instance, disk, backing.file, backing.format);
  if ((disk !== 'root' && disk !== 'rescue') || meta.provenance === 'created') return null;
  if (meta.imageId !== null && isEntryOf(name, meta.imageId)) return null;
  // A record of the 1.0 format says nothing of where it came from: this library made it over its own entry of the
  // image, or derived it over nova's; either is the instance's own image's, and no other entry is.
  if (meta.provenance === null && meta.imageId !== null && cache.ownEntry !== undefined && name === cache.ownEntry(meta.imageId)) return null;
  return disk === 'rescue' ? rescueBaseUnknown(instance, backing.file) : foreignBaseRefused(instance, disk, backing.file, meta.imageId);
};
