import { planToRecord, unsupported, type DiskMetadata, type DiskName, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Flavor } from './flavor.js';
import type { HostServices } from './host-registry.js';
import { cacheDirRefusal } from '../services/disk-locator.js';
import { instanceConfigFiles } from '../services/disk-source.js';
import { loadInstance, remakeMissing, type InstanceView } from './instance-records.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { encodeMigration, type ConfirmMode, type Migration, type MoveKind } from './migration-record.js';
import { isRelocated, placeOnDestination } from './move-place.js';
import { addedRequests, planMove, type MovePlan } from './move-plan.js';
import { planAll, prepareAll, realizeAll } from './spawn.js';
import { rebuildPlans, rootImage, sourceVolume, withSharedVolumes, type InstanceFacts } from './evacuate-rebuild.js';
import { finishMove, leftBehind, rollBack, type LeftBehind } from './move-settle.js';

export type { MoveKind } from './migration-record.js';

/** Where to, with which flavor (resize only). */
export interface MoveRequest {
  readonly instance: InstanceId;
  readonly to: string;
  readonly kind: MoveKind;
  readonly flavor?: Flavor;
  /** A resize may wait for confirm or revert (`manual`); any other move confirms itself. Default `auto`. */
  readonly confirm?: ConfirmMode;
  /** An evacuation's facts of the instance, for disks without a record (see evacuate-rebuild.ts). */
  readonly facts?: InstanceFacts;
}

const flavorSize = (flavor: Flavor | undefined, disk: string): number =>
  flavor === undefined ? 0 : disk === 'root' ? flavor.root : disk === 'swap' ? flavor.swap : disk.startsWith('ephemeral') ? flavor.ephemeral : 0;

/**
 * Resize / cold migration, live migration and evacuation.
 *
 * 1. Each disk's destination record is decided from its source record
 *    (never today's options, except to place a disk whose backend the
 *    destination cannot host: then it is converted).
 * 2. The migration record (every disk's source and destination record) is
 *    stored before anything is touched.
 * 3. Disks whose layout changes are staged on the source (a raw copy, the
 *    recorded format named), then their new records are saved, in one batch
 *    and state `creating`, before anything of theirs exists on the
 *    destination. A disk that keeps its layout keeps its record: it already
 *    describes the copy.
 * 4. The disks are placed on the destination (exported raw with the recorded
 *    format named, shipped as a file, written with both formats named; or
 *    made anew: swap, and every disk of an evacuated instance). A disk the
 *    new flavor of a resize adds (ephemeral or swap, when the instance had
 *    none) is planned with the destination's options and recorded in step 3
 *    like a relocated disk, then made there.
 * 5. The instance moves; then move-settle.ts finishes: new records turn
 *    `ready`, grown disks grow (record first), staged copies go, and the
 *    source's disks go (not for an evacuation: the source is down), at once
 *    or, for a resize asked to wait, when it is confirmed.
 *
 * A failure rolls back: the instance stays on (or goes back to) its source,
 * what was made on the destination goes and the source's records come back
 * (a shared disk already grown keeps its new size, and its record says so).
 * A crash leaves the migration record: the next operation on the instance
 * rolls the move back while the instance is still on its source, and
 * forward once it is on its destination.
 */
export const move = async (deps: LifecycleDeps, req: MoveRequest): Step<LeftBehind> => {
  // An evacuated instance's host is down: its facts cannot be read; a disk without a record is kept from a pool the
  // destination shares, or made anew from the instance's facts (evacuate-rebuild.ts).
  // Before loading, which may complete what an earlier operation left: a move to nowhere changes nothing.
  const dst = deps.hosts.get(req.to);
  if (E.isLeft(dst)) return dst;
  const loaded = await loadInstance(deps, req.instance, { adopt: req.kind !== 'evacuate', complete: req.kind !== 'evacuate' });
  if (E.isLeft(loaded)) return loaded;
  // Its directory there would be that host's base-image cache.
  const cache = cacheDirRefusal(dst.right.ctx, req.instance);
  if (cache !== null) return E.left(cache);
  const evacuating = req.kind === 'evacuate' && loaded.right.host.ctx.name !== req.to;
  const shared = evacuating ? await withSharedVolumes(dst.right, loaded.right) : E.right({ view: loaded.right, claims: new Map<DiskName, DiskMetadata>(), rowless: false });
  if (E.isLeft(shared)) return shared;
  const view = shared.right.view;
  const src = view.host;
  const down = req.flavor === undefined ? E.right(undefined) : await refuseShrinking(src, req.instance, view.records, req.flavor);
  if (E.isLeft(down)) return down;
  if (src.ctx.name === dst.right.ctx.name) return E.map((): LeftBehind => ({ host: src.ctx.name, disks: [] }))(await stay(deps, view, req));
  const plans: MovePlan[] = [];
  for (const [disk, meta] of view.records) {
    const p = planMove(req.instance, disk, meta, dst.right.ctx.options, flavorSize(req.flavor, disk), req.kind === 'evacuate');
    if (E.isLeft(p)) return p;
    // A derived root names no image: an evacuation makes it anew from the instance's (never empty).
    const imaged = evacuating ? await rootImage(deps, dst.right, req.instance, p.right, req.facts) : E.right(null);
    if (E.isLeft(imaged)) return imaged;
    const planned = imaged.right === null ? p.right : { ...p.right, to: { ...p.right.to, ...imaged.right, provenance: 'created' as const } };
    const placed = await placedOn(dst.right, req.instance, planned);
    if (E.isLeft(placed)) return placed;
    plans.push(placed.right);
  }
  const added = await planAll(dst.right, req.instance, req.flavor === undefined ? [] : addedRequests(view.records.keys(), req.flavor));
  if (E.isLeft(added)) return added;
  const rebuilt = req.kind === 'evacuate' ? await rebuildPlans(deps, dst.right, view, req.facts, shared.right.rowless) : E.right([]);
  if (E.isLeft(rebuilt)) return rebuilt;
  for (const p of added.right) {
    const record = planToRecord(p);
    plans.push({ disk: p.disk, from: record, to: record, action: 'add' });
  }
  for (const p of rebuilt.right) {
    const record = planToRecord(p);
    plans.push({ disk: p.disk, from: sourceVolume(src, req.instance, p.disk) ?? record, to: record, action: 'rebuild' });
  }
  // A config drive made anew is built from the instance's files: asked for and checked before anything is written,
  // so that a port that cannot answer changes nothing (the drive asks again as it is made).
  const drive = plans.find((p) => p.disk === 'config' && (p.action === 'recreate' || p.action === 'rebuild'));
  const files = drive === undefined ? E.right([]) : await instanceConfigFiles(deps.configDrives, req.instance, drive.to.size);
  if (E.isLeft(files)) return files;
  const m: Migration = {
    kind: req.kind, source: src.ctx.name, destination: req.to, status: 'running',
    confirm: req.kind === 'resize' ? (req.confirm ?? 'auto') : 'auto', disks: plans,
  };
  // Disks kept on a shared pool get their derived records now, as a first touch would: nothing can refuse the move after this.
  const claimed = await sequence([...shared.right.claims], ([disk, meta]) => run(deps.metadata.claim(req.instance, disk, meta)));
  if (E.isLeft(claimed)) return claimed;
  const begun = await run(deps.repository.setMigration(req.instance, encodeMigration(m)));
  if (E.isLeft(begun)) return begun;
  // Nothing on the dead source can stand in for a rebuilt disk, and its BDM row must keep its (empty) record until
  // the instance is elsewhere: such an evacuation is on its destination before it writes a record, and from then on
  // a failure is finished forward by the next operation on the instance, never rolled back.
  const forward = rebuilt.right.length > 0;
  const committed = forward ? await run(deps.repository.setHost(req.instance, req.to)) : E.right(undefined);
  if (E.isLeft(committed)) return committed;
  const moved = await carry(deps, src, dst.right, req.instance, plans);
  if (E.isLeft(moved)) {
    if (!forward) await rollBack(deps, req.instance, m);
    return moved;
  }
  return E.map(() => leftBehind(m))(await finishMove(deps, req.instance, m, true));
};

/** Steps 3 and 4, then the instance moves; nothing of it is undone here. */
const carry = async (deps: LifecycleDeps, src: HostServices, dst: HostServices, instance: InstanceId, plans: readonly MovePlan[]): Step<void> => {
  const moving = plans.filter((p) => p.action !== 'keep');
  const relocated = moving.filter(isRelocated);
  // The data of a disk about to get a new record is staged on the source first, so that the record is never without its data.
  const staged = await sequence(relocated.filter((p) => p.action === 'copy'), (p) => run(src.realizer.stage(instance, p.disk, p.from)));
  if (E.isLeft(staged)) return staged;
  const saved = await run(deps.metadata.saveAll(instance, relocated.map((p) => ({ disk: p.disk, meta: p.to }))));
  if (E.isLeft(saved)) return saved;
  const placed = await sequence(moving, (p) => placeOnDestination(deps, src, dst, instance, p));
  if (E.isLeft(placed)) return placed;
  // A disk kept on storage both hosts share is the instance's on the destination as it is; the guest starts there
  // with all its disks, so one that vanished is first re-made from its record (as a hard reboot would).
  const kept = await sequence(plans.filter((p) => p.action === 'keep'), (p) => run(dst.realizer.realizeRecorded(instance, p.disk, p.from)));
  if (E.isLeft(kept)) return kept;
  return run(deps.repository.setHost(instance, dst.ctx.name));
};

/**
 * A resize on the instance's own host: every disk stays in place (one that
 * went missing is first re-made from its record) and grows, under a
 * migration record (source and destination this host) so that a crash
 * between a grown record and its disk's growth is carried forward by the
 * next operation; then a disk the new flavor adds is planned, recorded and
 * made, as a boot makes it. It confirms itself: growth cannot be undone.
 */
const stay = async (deps: LifecycleDeps, view: InstanceView, req: MoveRequest): Step<void> => {
  if (req.kind === 'evacuate') return E.left(unsupported(`cannot evacuate ${req.instance} to its own host ${req.to}`));
  const { host, records } = view;
  const added = await planAll(host, req.instance, req.flavor === undefined ? [] : addedRequests(records.keys(), req.flavor));
  if (E.isLeft(added)) return added;
  const verified = await prepareAll(host, req.instance, added.right);
  if (E.isLeft(verified)) return verified;
  const made = await remakeMissing(view);
  if (E.isLeft(made)) return made;
  const plans: MovePlan[] = [];
  for (const [disk, meta] of records) {
    const placed = await placedOn(host, req.instance, { disk, from: meta, to: { ...meta, size: Math.max(meta.size, flavorSize(req.flavor, disk)) }, action: 'keep' });
    if (E.isLeft(placed)) return placed;
    plans.push(placed.right);
  }
  if (plans.some((p) => p.to.size > p.from.size)) {
    const m: Migration = { kind: 'resize', source: host.ctx.name, destination: host.ctx.name, status: 'running', confirm: 'auto', disks: plans };
    const begun = await run(deps.repository.setMigration(req.instance, encodeMigration(m)));
    if (E.isLeft(begun)) return begun;
    const grown = await finishMove(deps, req.instance, m);
    if (E.isLeft(grown)) return grown;
  }
  if (added.right.length === 0) return E.right(undefined);
  const saved = await run(deps.metadata.saveAll(req.instance, added.right.map((p) => ({ disk: p.disk, meta: planToRecord(p) }))));
  if (E.isLeft(saved)) return saved;
  const realized = await realizeAll(host, req.instance, added.right);
  if (E.isRight(realized)) return realized;
  // As a move between hosts rolls back: what was added goes, disk then record, and the resize fails.
  await sequence(added.right, (p) => run(host.realizer.remove(req.instance, p.disk, planToRecord(p))));
  await run(deps.metadata.saveAll(req.instance, added.right.map((p) => ({ disk: p.disk, meta: null }))));
  return realized;
};

/**
 * `RESIZE_ERROR` when the flavor would shrink the root (a flavor root of 0
 * means the image's size: never smaller) or an ephemeral disk. Compared in
 * the disk's own allocation units, so that a record rounded up to them is
 * not taken for a larger disk.
 */
const refuseShrinking = async (src: HostServices, instance: InstanceId, records: ReadonlyMap<DiskName, DiskMetadata>, flavor: Flavor): Step<void> => {
  for (const [disk, meta] of records) {
    if (disk !== 'root' && !disk.startsWith('ephemeral')) continue;
    const asked = flavorSize(flavor, disk);
    if (asked >= meta.size || (disk === 'root' && asked === 0)) continue;
    const placed = await run(src.realizer.place(instance, disk, { ...meta, size: asked }));
    if (E.isLeft(placed)) return placed;
    if (placed.right.size < meta.size) {
      return E.left({
        _tag: 'ResizeDown', code: 'RESIZE_ERROR', instance, disk, path: `${instance}/${disk}`,
        message: `Unable to resize disk down: ${instance}/${disk} holds ${meta.size} bytes, the new flavor gives it ${asked}`,
      });
    }
  }
  return E.right(undefined);
};

/** A plan whose new record is sized as the destination allocates it; a disk that neither moves nor grows is left as recorded. */
const placedOn = async (dst: HostServices, instance: InstanceId, p: MovePlan): Step<MovePlan> => {
  if (p.action === 'keep' && p.to.size === p.from.size) return E.right(p);
  const to = await run(dst.realizer.place(instance, p.disk, p.to));
  return E.isLeft(to) ? to : E.right(to.right === p.to ? p : { ...p, to: to.right });
};
