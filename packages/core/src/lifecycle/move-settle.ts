/**
 * The ends of a move between hosts, each driven by the stored migration
 * record (migration-record.ts) so that any of them can be repeated after a
 * crash and reach the same state: every step is idempotent (removing an
 * absent disk or staged copy is fine, records are written whole).
 *
 * - roll back: the instance is on (or goes back to) its source; what was
 *   made on the destination goes and the source's records come back.
 * - finish: the instance is on its destination; new records turn `ready`,
 *   grown disks grow, staged copies go; then the source's disks go at once
 *   (confirm) or are kept until the resize is confirmed or reverted.
 * - confirm: the source's disks go, then its instance directory. revert: roll
 *   back, from `unconfirmed` (the destination's directory goes too).
 */
import { type DiskMetadata, type DiskName, type InstanceId, type InstanceState } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { MigrationUnreadable, NoResizePending, ResizeUnconfirmed } from '../errors/core-error.js';
import type { HostServices, UnknownHost } from './host-registry.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { removeInstanceDir } from './instance-dir.js';
import { encodeMigration, type Migration, type MigrationStatus } from './migration-record.js';
import { decodePending, type ShelveIntent } from './shelve-intent.js';
import { settleShelve } from './shelve-settle.js';
import { growOnDestination, isRelocated, placedRecord, sameDisk, sameLayout } from './move-place.js';
import { onSource, type MovePlan } from './move-plan.js';

interface Ends {
  readonly src: HostServices;
  readonly dst: HostServices;
}

const ends = (deps: LifecycleDeps, m: Migration): E.Either<UnknownHost, Ends> => {
  const src = deps.hosts.get(m.source);
  if (E.isLeft(src)) return src;
  const dst = deps.hosts.get(m.destination);
  return E.isLeft(dst) ? dst : E.right({ src: src.right, dst: dst.right });
};

const moving = (m: Migration) => m.disks.filter((p) => p.action !== 'keep');
/** The moving disks that exist on the source too (not those the resize adds). */
const fromSource = (m: Migration) => m.disks.filter(onSource);

/** Store the migration with a new status. */
const mark = (deps: LifecycleDeps, instance: InstanceId, m: Migration, status: MigrationStatus): Step<Migration> => {
  const next = { ...m, status };
  return run(deps.repository.setMigration(instance, encodeMigration(next))).then(E.map(() => next));
};

/** Drop the staged copies of the moving disks (the source is not asked when it is down). */
const unstage = (deps: LifecycleDeps, instance: InstanceId, m: Migration, e: Ends): Step<void> =>
  sequence(fromSource(m), async (p) => {
    const d = await run(e.dst.realizer.unstage(instance, p.disk));
    return E.isLeft(d) || m.kind === 'evacuate' ? d : run(e.src.realizer.unstage(instance, p.disk));
  });

/**
 * Put the instance back on its source as it was: its host first, then the
 * source's records (a disk that grew on shared storage keeps its grown
 * record: growth cannot be undone), then what was made on the destination
 * goes, then the staged copies, then the migration record.
 */
export const rollBack = async (deps: LifecycleDeps, instance: InstanceId, m: Migration): Step<void> => {
  const e = ends(deps, m);
  if (E.isLeft(e)) return e;
  const back = await run(deps.repository.setHost(instance, m.source));
  if (E.isLeft(back)) return back;
  // A disk the resize added has no record on the source: its record goes. A rebuilt one's row had none and keeps it:
  // its evacuation commits to the destination before any record is written, so none was.
  const restored = await run(deps.metadata.saveAll(instance, moving(m).filter((p) => p.action !== 'rebuild').map((p) => ({ disk: p.disk, meta: onSource(p) ? p.from : null }))));
  if (E.isLeft(restored)) return restored;
  // Nothing of a rebuilt disk is made before its evacuation is on its destination, and its place there may be the
  // source's own (an rbd pool both share): it is not removed.
  const removed = await sequence(moving(m).filter((p) => p.action !== 'rebuild'), (p) => run(e.right.dst.realizer.remove(instance, p.disk, placedRecord(p))));
  if (E.isLeft(removed)) return removed;
  const unstaged = await unstage(deps, instance, m, e.right);
  if (E.isLeft(unstaged)) return unstaged;
  const cleared = await dropInstanceDir(e.right.dst, instance, m);
  if (E.isLeft(cleared)) return cleared;
  return run(deps.repository.setMigration(instance, null));
};

/**
 * The instance directory on the host a move leaves (the source once it is
 * confirmed, the destination once it is rolled back), with whatever is left
 * in it, as nova removes `<instance>_resize` or the target's files: the
 * instance keeps no trace on a host it is not on. Never for a conversion,
 * whose source and destination are the instance's own host.
 */
const dropInstanceDir = (left: HostServices, instance: InstanceId, m: Migration): Step<void> =>
  m.source === m.destination ? Promise.resolve(E.right(undefined)) : removeInstanceDir(left, instance);

/** A recorded disk of an instance. */
export interface RecordedDisk {
  readonly disk: DiskName;
  readonly meta: DiskMetadata;
}

/**
 * The disks a finished evacuation left on its source host, which was down:
 * that host removes them when it comes back ({@link InstanceLifecycle.removeLeftBehind}).
 * Disks on storage the destination shares are not among them.
 */
export interface LeftBehind {
  readonly host: string;
  readonly disks: readonly RecordedDisk[];
}

/** The disks a move has on its source, by the records they have there (not those on storage both hosts share). */
export const sourceDisks = (m: Migration): RecordedDisk[] => fromSource(m).map((p) => ({ disk: p.disk, meta: p.from }));

/**
 * The disks a move places on its destination, by the records they have or
 * will have there (not those on storage both hosts share): what a revert
 * cut short still has to remove, once their records are the source's again.
 */
export const destinationDisks = (m: Migration): RecordedDisk[] => moving(m).map((p) => ({ disk: p.disk, meta: placedRecord(p) }));

/** A rebuilt disk whose `from` is the classic driver's volume on the source (derived from its options), not its own new record. */
const leftVolume = (p: MovePlan): boolean => p.action === 'rebuild' && p.from.provenance === 'derived';

/**
 * What a move left on its source host: nothing, unless it was an evacuation:
 * its recorded disks there, and the classic driver's volumes it made anew
 * (their `from`, where the source's options put them, with a size of 1: a
 * dead host could not say how large they are, and their removal needs none).
 */
export const leftBehind = (m: Migration): LeftBehind => ({
  host: m.source,
  disks: m.kind === 'evacuate' ? [...sourceDisks(m), ...m.disks.filter(leftVolume).map((p) => ({ disk: p.disk, meta: p.from }))] : [],
});

/** Drop the source's disks (none when it is down: it removes them itself when it comes back), then the migration record. */
export const confirmMove = async (deps: LifecycleDeps, instance: InstanceId, m: Migration): Step<void> => {
  const e = ends(deps, m);
  if (E.isLeft(e)) return e;
  const marked = m.status === 'unconfirmed' ? await mark(deps, instance, m, 'confirming') : E.right(m);
  if (E.isLeft(marked)) return marked;
  if (m.kind !== 'evacuate') {
    const removed = await sequence(sourceDisks(m), (d) => run(e.right.src.realizer.remove(instance, d.disk, d.meta)));
    if (E.isLeft(removed)) return removed;
    const cleared = await dropInstanceDir(e.right.src, instance, m);
    if (E.isLeft(cleared)) return cleared;
  }
  return run(deps.repository.setMigration(instance, null));
};

/**
 * Revert a resize waiting for it: the source's disks, kept until now, are
 * the instance's again. The guest starts there with all of them, so one
 * that vanished from the source meanwhile is first re-made from its record,
 * as a hard reboot would. If that fails, nothing has moved and the resize
 * waits again; a crash after the revert is marked is rolled back by the next
 * operation (which re-makes nothing: a disk it cannot make must not make the
 * instance impossible to delete).
 */
export const revertMove = async (deps: LifecycleDeps, instance: InstanceId, m: Migration): Step<void> => {
  const e = ends(deps, m);
  if (E.isLeft(e)) return e;
  const marked = m.status === 'reverting' ? E.right(m) : await mark(deps, instance, m, 'reverting');
  if (E.isLeft(marked)) return marked;
  // Disks on storage both hosts share kept their place (and may have grown): the source's own are re-made, and a
  // shared one is made again from its record only if it vanished meanwhile, as the guest restarts on the source.
  const remade = await sequence([...fromSource(m), ...m.disks.filter((p) => p.action === 'keep')], async (p) => {
    if (p.action !== 'keep') return run(e.right.src.realizer.realizeRecorded(instance, p.disk, p.from));
    const now = await run(deps.metadata.record(instance, p.disk));
    if (E.isLeft(now) || now.right === null) return now;
    return run(e.right.src.realizer.realizeRecorded(instance, p.disk, now.right));
  });
  if (E.isLeft(remade)) {
    const waiting = m.status === 'reverting' ? E.right(m) : await mark(deps, instance, m, m.status);
    return E.isLeft(waiting) ? waiting : remade;
  }
  return rollBack(deps, instance, marked.right);
};

/**
 * An evacuation's new disks on its destination. One whose record is its
 * planned one, `ready`, was made whole: it is only checked (and made again
 * if it is gone). Any other (`creating`, another record, none: an
 * evacuation that rebuilds disks is on its destination before it writes
 * them, so a crash or a failed write can leave any of these) gets its
 * planned record as `creating` first, then is made anew: persist before
 * create, and a half-made disk is never taken for whole.
 */
const madeOnDestination = (deps: LifecycleDeps, dst: HostServices, instance: InstanceId, plans: readonly MovePlan[]): Step<void> =>
  sequence(plans, async (p) => {
    const read = await run(deps.metadata.record(instance, p.disk));
    if (E.isLeft(read)) return read;
    const s = read.right;
    const recorded = s !== null && sameDisk(s, p.to);
    const planned: DiskMetadata = recorded && s.state === 'ready' ? s : { ...p.to, state: 'creating' };
    const saved = recorded ? E.right(undefined) : await run(deps.metadata.saveAll(instance, [{ disk: p.disk, meta: planned }]));
    if (E.isLeft(saved)) return saved;
    return E.map(() => undefined)(await run(dst.realizer.realizeRecorded(instance, p.disk, planned)));
  });

/**
 * Finish a move whose instance is on its destination: new records turn
 * `ready`, grown disks grow (record first), staged copies go; a failure
 * there rolls the move back. Returns the migration still waiting for
 * confirm or revert, or `null` when it confirmed itself. `placed`: the
 * caller has just placed every disk (no crash can have cut them).
 */
export const finishMove = async (deps: LifecycleDeps, instance: InstanceId, m: Migration, placed = false): Step<Migration | null> => {
  const e = ends(deps, m);
  if (E.isLeft(e)) return e;
  const relocated = m.disks.filter(isRelocated);
  // Only an evacuation finished after a cut can find a disk half made; one whose move just placed every disk cannot.
  const ready = m.kind === 'evacuate' && !placed
    ? await madeOnDestination(deps, e.right.dst, instance, relocated)
    : await run(deps.metadata.saveAll(instance, relocated.map((p) => ({ disk: p.disk, meta: { ...p.to, state: 'ready' } }))));
  // Shared disks grow last: their growth cannot be undone, so nothing else may fail after it.
  const grown = E.isLeft(ready) ? ready : await sequence([...moving(m), ...m.disks.filter((p) => p.action === 'keep')], (p) => growOnDestination(deps, e.right.dst, instance, p));
  if (E.isLeft(grown)) {
    await rollBack(deps, instance, m);
    return grown;
  }
  const unstaged = await unstage(deps, instance, m, e.right);
  if (E.isLeft(unstaged)) return unstaged;
  if (m.confirm === 'manual') return mark(deps, instance, m, 'unconfirmed');
  return E.map(() => null)(await confirmMove(deps, instance, m));
};

/**
 * Bring an instance's unfinished move to rest, whatever interrupted it:
 * rolled back while the instance is on its source, finished once it is on
 * its destination, a confirm or revert carried through. Returns a resize
 * that waits for confirm or revert, or `null` when none is left.
 */
export const settleMigration = async (deps: LifecycleDeps, instance: InstanceId, m: Migration, host: string): Step<Migration | null> => {
  if (m.kind === 'convert') return E.map(() => null)(await settleConvert(deps, instance, m));
  switch (m.status) {
    case 'unconfirmed':
      return E.right(m);
    case 'confirming':
      return E.map(() => null)(await confirmMove(deps, instance, m));
    case 'reverting':
      return E.map(() => null)(await rollBack(deps, instance, m));
    case 'running':
      if (host === m.destination) return finishMove(deps, instance, m);
      if (host === m.source) return E.map(() => null)(await rollBack(deps, instance, m));
      return E.left(strayHost(instance, host, m));
  }
};

/**
 * Finish an interrupted conversion the way its stored record points: forward
 * when the disk's record is already the new one, back when it is still (or
 * again) the old one. Either way the recorded disk is completed (from the
 * staged copy when its record is `creating`), the other layout's disk goes
 * when it is elsewhere, then the staged copy and the migration record.
 */
export const settleConvert = async (deps: LifecycleDeps, instance: InstanceId, m: Migration): Step<void> => {
  const host = deps.hosts.get(m.source);
  if (E.isLeft(host)) return host;
  const realizer = host.right.realizer;
  for (const p of m.disks) {
    const stored = await run(deps.metadata.record(instance, p.disk));
    if (E.isLeft(stored)) return stored;
    const current = stored.right ?? p.from;
    const made = await run(realizer.realizeRecorded(instance, p.disk, current));
    if (E.isLeft(made)) return made;
    const saved = current.state === 'creating' ? await run(deps.metadata.saveAll(instance, [{ disk: p.disk, meta: made.right }])) : E.right(undefined);
    if (E.isLeft(saved)) return saved;
    const other = sameLayout(current, p.to) ? p.from : p.to;
    const removed = sameLayout(current, other) || other.location === current.location ? E.right(undefined) : await run(realizer.remove(instance, p.disk, other));
    if (E.isLeft(removed)) return removed;
    const unstaged = await run(realizer.unstage(instance, p.disk));
    if (E.isLeft(unstaged)) return unstaged;
  }
  return run(deps.repository.setMigration(instance, null));
};

/** An instance once its unfinished move or shelve, if any, is at rest. */
export interface SettledInstance {
  readonly row: InstanceState;
  /** The resize still waiting for confirm or revert, if one is. */
  readonly pending: Migration | null;
  /** The shelve the instance is shelved by, if it is (shelve-settle.ts). */
  readonly shelved: ShelveIntent | null;
}

/**
 * Read the instance and bring an unfinished move of it to rest first (it may
 * move the instance back to its source), or a shelve (undone while it was
 * cut with the root still there, else the instance is shelved;
 * `shelvedAsIs`, `adopt`: see `settleShelve`).
 */
export const settledInstance = async (deps: LifecycleDeps, instance: InstanceId, shelvedAsIs = false, adopt = true): Step<SettledInstance> => {
  const row = await run(deps.repository.getInstance(instance));
  if (E.isLeft(row)) return row;
  if (row.right.migration === null) return E.right({ row: row.right, pending: null, shelved: null });
  const op = decodePending(instance, row.right.migration);
  if (E.isLeft(op)) return op;
  let pending: Migration | null = null;
  if (op.right.kind === 'shelve') {
    const shelved = await settleShelve(deps, row.right, op.right.shelve, shelvedAsIs, adopt);
    if (E.isLeft(shelved)) return shelved;
    if (shelved.right !== null) return E.right({ row: row.right, pending: null, shelved: shelved.right });
  } else {
    const settled = await settleMigration(deps, instance, op.right.move, row.right.host);
    if (E.isLeft(settled)) return settled;
    pending = settled.right;
  }
  const after = await run(deps.repository.getInstance(instance));
  return E.isLeft(after) ? after : E.right({ row: after.right, pending, shelved: null });
};

const strayHost = (instance: InstanceId, host: string, m: Migration): MigrationUnreadable => ({
  _tag: 'MigrationUnreadable', code: 'MIGRATION_UNREADABLE', instance, path: 'migration.source',
  message: `unfinished move of ${instance} from ${m.source} to ${m.destination}, but the instance is on ${host}`,
});

/** The instance's resize waits for confirm or revert. */
export const resizeUnconfirmed = (instance: InstanceId, m: Migration): ResizeUnconfirmed => ({
  _tag: 'ResizeUnconfirmed', code: 'RESIZE_UNCONFIRMED', instance, path: instance,
  message: `the resize of ${instance} from ${m.source} to ${m.destination} waits for confirm or revert`,
});

/** No resize of the instance waits for confirm or revert. */
export const noResizePending = (instance: InstanceId): NoResizePending => ({
  _tag: 'NoResizePending', code: 'NO_RESIZE_PENDING', instance, path: instance,
  message: `${instance} has no resize waiting for confirm or revert`,
});
