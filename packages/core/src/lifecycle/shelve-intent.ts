/**
 * The record of a shelve, stored through
 * `BlockDeviceMappingRepository.setMigration` (the column an unfinished move
 * uses) once the root is in its image and before any disk goes, and kept
 * until an unshelve or a delete: which host, which image, how far it got,
 * and every record the instance had. It is what keeps a shelve cut after
 * the root's removal, or whose answer was lost, from losing the image it
 * went to (a shelve asked again answers it), and what brings back an
 * instance whose shelve was cut while its root was still there.
 *
 * Wire form (JSON, version 1); each `record` is the disk's encoded
 * LibvirtDiskMetadata, exactly as `driver_info` held it:
 *
 * ```json
 * { "version": 1, "kind": "shelve", "host": "h1", "image": "vm1-shelved",
 *   "status": "shelving", "disks": [ { "disk": "root", "record": "…" } ] }
 * ```
 *
 * `image` is `null` for an instance booted from a volume (no local root);
 * such a shelve keeps no intent once done, having no image to answer.
 */
import { encodeDiskMetadata, imageId, isDiskName, type DiskMetadata, type DiskName, type ImageId, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { MigrationUnreadable } from '../errors/core-error.js';
import { decodeMigrationValue, isObject, oneOf, parseStored, record, unreadable, type Migration } from './migration-record.js';

// ---- types

/**
 * - `shelving`: the root is in its image; the disks are being removed.
 * - `shelved`: every disk is gone; kept so that a shelve asked again answers
 *   the same image, until an unshelve or a delete.
 * - `unshelving`: an unshelve has begun (it may move the instance before it
 *   records the disks it makes).
 */
export type ShelveStatus = 'shelving' | 'shelved' | 'unshelving';

/** A shelve under way or done: its host, the image the root went to, and the records the instance had. */
export interface ShelveIntent {
  readonly host: string;
  readonly image: ImageId | null;
  readonly status: ShelveStatus;
  readonly records: ReadonlyMap<DiskName, DiskMetadata>;
}

/** What an instance's stored unfinished operation is: a move (or conversion), or a shelve. */
export type PendingOperation = { readonly kind: 'move'; readonly move: Migration } | { readonly kind: 'shelve'; readonly shelve: ShelveIntent };

// ---- codec

const VERSION = 1;
const WHAT = 'shelve';
const STATUSES: readonly ShelveStatus[] = ['shelving', 'shelved', 'unshelving'];

/** The text stored for a shelve under way. */
export const encodeShelveIntent = (s: ShelveIntent): string =>
  JSON.stringify({
    version: VERSION,
    kind: 'shelve',
    host: s.host,
    image: s.image,
    status: s.status,
    disks: [...s.records].map(([disk, meta]) => ({ disk, record: encodeDiskMetadata(meta) })),
  });

const decodeShelve = (instance: InstanceId, v: Record<string, unknown>): E.Either<MigrationUnreadable, ShelveIntent> => {
  if (v.version !== VERSION) return unreadable(instance, 'version', `unknown version ${JSON.stringify(v.version)}`, WHAT);
  if (typeof v.host !== 'string' || v.host === '') return unreadable(instance, 'host', 'expected a host name', WHAT);
  const image = v.image === null ? E.right(null) : typeof v.image === 'string' ? imageId(v.image, 'image') : E.left(null);
  if (E.isLeft(image)) return unreadable(instance, 'image', `not an image id: ${JSON.stringify(v.image)}`, WHAT);
  if (!oneOf(STATUSES, v.status)) return unreadable(instance, 'status', `not a shelve status: ${JSON.stringify(v.status)}`, WHAT);
  if (!Array.isArray(v.disks)) return unreadable(instance, 'disks', 'expected an array', WHAT);
  const records = new Map<DiskName, DiskMetadata>();
  for (const [i, d] of v.disks.entries()) {
    const at = `disks[${i}]`;
    if (!isObject(d)) return unreadable(instance, at, 'expected an object', WHAT);
    if (!isDiskName(d.disk) || records.has(d.disk)) return unreadable(instance, `${at}.disk`, `not a disk role, or one named twice: ${JSON.stringify(d.disk)}`, WHAT);
    const meta = record(instance, `${at}.record`, d.record, WHAT);
    if (E.isLeft(meta)) return meta;
    records.set(d.disk, meta.right);
  }
  return E.right({ host: v.host, image: image.right, status: v.status, records });
};

/**
 * Decode an instance's stored unfinished operation: a shelve under way when
 * its `kind` says so, else a move (migration-record.ts). Anything unexpected
 * is `MIGRATION_UNREADABLE` naming the field, never a guess.
 */
export const decodePending = (instance: InstanceId, text: string): E.Either<MigrationUnreadable, PendingOperation> => {
  const parsed = parseStored(instance, text);
  if (E.isLeft(parsed)) return parsed;
  const v = parsed.right;
  if (isObject(v) && v.kind === 'shelve') return E.map((shelve: ShelveIntent) => ({ kind: 'shelve' as const, shelve }))(decodeShelve(instance, v));
  return E.map((move: Migration) => ({ kind: 'move' as const, move }))(decodeMigrationValue(instance, v));
};

/**
 * The disks a shelve cut part-way may not have removed yet, on the host it
 * was shelved from (none once it is done or an unshelve has begun): they
 * are still the instance's, so nothing else may take their places.
 */
export const heldByShelve = (s: ShelveIntent): readonly { readonly host: string; readonly disk: DiskName; readonly meta: DiskMetadata }[] =>
  s.status === 'shelving' ? [...s.records].map(([disk, meta]) => ({ host: s.host, disk, meta })) : [];
