/**
 * The record of a move between hosts that has not finished, stored through
 * `BlockDeviceMappingRepository.setMigration` before the move touches
 * anything: which hosts, and for every disk the record it had on the source
 * and the record it gets on the destination. It is what lets a crashed move
 * be rolled back or forward, and a resize wait for confirm or revert with
 * both hosts' disks described.
 *
 * Wire form (JSON, version 1); each `from` / `to` is the disk's encoded
 * LibvirtDiskMetadata, exactly as `driver_info` holds it:
 *
 * ```json
 * { "version": 1, "kind": "resize", "source": "h1", "destination": "h2",
 *   "status": "running", "confirm": "manual",
 *   "disks": [ { "disk": "root", "action": "copy", "from": "…", "to": "…" } ] }
 * ```
 *
 * `action` is `keep`, `copy`, `recreate`, `add` (a disk the resize's new
 * flavor adds: its `from` is its `to`, and nothing of it is on the source) or
 * `rebuild` (an evacuated disk that had no record, made anew from the
 * instance's facts: its `from` is the classic driver's volume the source's
 * options name, which the source removes when it comes back, else its `to`).
 */
import { decodeDiskMetadata, encodeDiskMetadata, isDiskName, type DiskMetadata, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { MigrationUnreadable } from '../errors/core-error.js';
import type { MoveAction, MovePlan } from './move-plan.js';

/** How an instance leaves its host. */
export type MoveKind = 'resize' | 'live-migrate' | 'evacuate';

/** What a migration record is of: a move between hosts, or a change of one disk's layout on its host. */
export type MigrationKind = MoveKind | 'convert';

/**
 * - `running`: under way; a crash is rolled back while the instance is still
 *   on its source, and forward once it is on its destination.
 * - `unconfirmed`: a resize done but for the source's disks, kept for a revert.
 * - `confirming` / `reverting`: a confirm or revert under way, finished by
 *   whichever operation next reaches the instance.
 */
export type MigrationStatus = 'running' | 'unconfirmed' | 'confirming' | 'reverting';

/** Whether a finished move drops the source's disks at once, or waits to be confirmed or reverted. */
export type ConfirmMode = 'auto' | 'manual';

/** An unfinished move (for a conversion, source and destination are the instance's host). */
export interface Migration {
  readonly kind: MigrationKind;
  readonly source: string;
  readonly destination: string;
  readonly status: MigrationStatus;
  readonly confirm: ConfirmMode;
  readonly disks: readonly MovePlan[];
}

const VERSION = 1;
const KINDS: readonly MigrationKind[] = ['resize', 'live-migrate', 'evacuate', 'convert'];
const STATUSES: readonly MigrationStatus[] = ['running', 'unconfirmed', 'confirming', 'reverting'];
const CONFIRMS: readonly ConfirmMode[] = ['auto', 'manual'];
const ACTIONS: readonly MoveAction[] = ['keep', 'copy', 'recreate', 'add', 'rebuild'];

/** The text stored for a migration. */
export const encodeMigration = (m: Migration): string =>
  JSON.stringify({
    version: VERSION,
    kind: m.kind,
    source: m.source,
    destination: m.destination,
    status: m.status,
    confirm: m.confirm,
    disks: m.disks.map((p) => ({ disk: p.disk, action: p.action, from: encodeDiskMetadata(p.from), to: encodeDiskMetadata(p.to) })),
  });

/** The `MIGRATION_UNREADABLE` of a stored text's field at `path` (under `migration.`). */
export const unreadable = (instance: InstanceId, path: string, message: string, what = 'move'): E.Either<MigrationUnreadable, never> =>
  E.left({ _tag: 'MigrationUnreadable', code: 'MIGRATION_UNREADABLE', instance, path: `migration.${path}`, message: `unfinished ${what} of ${instance}: ${message} at migration.${path}` });

/** Whether `v` is a JSON object. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `v` is one of `allowed`. */
export const oneOf = <T extends string>(allowed: readonly T[], v: unknown): v is T => typeof v === 'string' && (allowed as readonly string[]).includes(v);

/** A disk record inside a stored text, decoded; anything else is `MIGRATION_UNREADABLE` at `path`. */
export const record = (instance: InstanceId, path: string, v: unknown, what = 'move'): E.Either<MigrationUnreadable, DiskMetadata> => {
  if (typeof v !== 'string') return unreadable(instance, path, 'expected record text', what);
  const decoded = decodeDiskMetadata(v);
  return E.isLeft(decoded) ? unreadable(instance, path, decoded.left.message, what) : E.right(decoded.right);
};

const plan = (instance: InstanceId, i: number, v: unknown): E.Either<MigrationUnreadable, MovePlan> => {
  const at = `disks[${i}]`;
  if (!isObject(v)) return unreadable(instance, at, 'expected an object');
  if (!isDiskName(v.disk)) return unreadable(instance, `${at}.disk`, `not a disk role: ${JSON.stringify(v.disk)}`);
  if (!oneOf(ACTIONS, v.action)) return unreadable(instance, `${at}.action`, `not a move action: ${JSON.stringify(v.action)}`);
  const from = record(instance, `${at}.from`, v.from);
  if (E.isLeft(from)) return from;
  const to = record(instance, `${at}.to`, v.to);
  if (E.isLeft(to)) return to;
  return E.right({ disk: v.disk, action: v.action, from: from.right, to: to.right });
};

/** The JSON value of stored text, or `MIGRATION_UNREADABLE` when it is not JSON. */
export const parseStored = (instance: InstanceId, text: string): E.Either<MigrationUnreadable, unknown> => {
  try {
    return E.right(JSON.parse(text) as unknown);
  } catch {
    return unreadable(instance, '', 'not JSON');
  }
};

/** Decode stored text; anything unexpected is `MIGRATION_UNREADABLE` naming the field, never a guess. */
export const decodeMigration = (instance: InstanceId, text: string): E.Either<MigrationUnreadable, Migration> => {
  const parsed = parseStored(instance, text);
  return E.isLeft(parsed) ? parsed : decodeMigrationValue(instance, parsed.right);
};

/** {@link decodeMigration} of the parsed JSON value. */
export const decodeMigrationValue = (instance: InstanceId, v: unknown): E.Either<MigrationUnreadable, Migration> => {
  if (!isObject(v)) return unreadable(instance, '', 'expected an object');
  if (v.version !== VERSION) return unreadable(instance, 'version', `unknown version ${JSON.stringify(v.version)}`);
  if (!oneOf(KINDS, v.kind)) return unreadable(instance, 'kind', `not a move kind: ${JSON.stringify(v.kind)}`);
  if (typeof v.source !== 'string' || v.source === '') return unreadable(instance, 'source', 'expected a host name');
  if (typeof v.destination !== 'string' || v.destination === '') return unreadable(instance, 'destination', 'expected a host name');
  if (!oneOf(STATUSES, v.status)) return unreadable(instance, 'status', `not a status: ${JSON.stringify(v.status)}`);
  if (!oneOf(CONFIRMS, v.confirm)) return unreadable(instance, 'confirm', `not a confirm mode: ${JSON.stringify(v.confirm)}`);
  if (!Array.isArray(v.disks)) return unreadable(instance, 'disks', 'expected an array');
  const disks: MovePlan[] = [];
  for (const [i, d] of v.disks.entries()) {
    const p = plan(instance, i, d);
    if (E.isLeft(p)) return p;
    disks.push(p.right);
  }
  return E.right({ kind: v.kind, source: v.source, destination: v.destination, status: v.status, confirm: v.confirm, disks });
};
