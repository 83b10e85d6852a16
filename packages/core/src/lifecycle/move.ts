import { unsupported, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Flavor } from './flavor.js';
import { loadInstance } from './instance-records.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { growOnDestination, isRelocated, placedRecord, placeOnDestination } from './move-place.js';
import { planMove, type MovePlan } from './move-plan.js';

/** How an instance leaves its host. */
export type MoveKind = 'resize' | 'live-migrate' | 'evacuate';

/** Where to, with which flavor (resize only). */
export interface MoveRequest {
  readonly instance: InstanceId;
  readonly to: string;
  readonly kind: MoveKind;
  readonly flavor?: Flavor;
}

const flavorSize = (flavor: Flavor | undefined, disk: string): number =>
  flavor === undefined ? 0 : disk === 'root' ? flavor.root : disk === 'swap' ? flavor.swap : disk.startsWith('ephemeral') ? flavor.ephemeral : 0;

/**
 * Resize / cold migration, live migration and evacuation.
 *
 * 1. Each disk's destination record is decided from its source record
 *    (never today's options, except to place a disk whose backend the
 *    destination cannot host: then it is converted).
 * 2. Disks whose layout changes are staged on the source (a raw copy, the
 *    recorded format named), then their new records are saved, in one batch
 *    and state `creating`, before anything of theirs exists on the
 *    destination. A disk that keeps its layout keeps its record: it already
 *    describes the copy.
 * 3. The disks are placed on the destination (exported raw with the recorded
 *    format named, shipped as a file, written with both formats named; or
 *    made anew: swap, and every disk of an evacuated instance).
 * 4. The instance moves; new records turn `ready`; grown disks are grown
 *    (record first); the source's disks and staged copies are removed (not
 *    for an evacuation: the source is down).
 *
 * A failure moves the instance back, removes what was made on the
 * destination and puts the source's records back: the source stays as it
 * was (a shared disk already grown keeps its new size, and its record says
 * so). A crash never leaves a record the source host would act on by making
 * a fresh disk: until the instance has moved, every changed record has a
 * staged copy of its data on the source host to be completed from.
 */
export const move = async (deps: LifecycleDeps, req: MoveRequest): Step<void> => {
  // An evacuated instance's host is down: its facts cannot be read, so every disk needs a record already.
  const view = await loadInstance(deps, req.instance, { adopt: req.kind !== 'evacuate', complete: req.kind !== 'evacuate' });
  if (E.isLeft(view)) return view;
  const src = view.right.host;
  const dst = deps.hosts.get(req.to);
  if (E.isLeft(dst)) return dst;
  const sameHost = src.ctx.name === dst.right.ctx.name;
  // The source of an evacuation is down: its disks cannot be the destination's.
  if (sameHost && req.kind === 'evacuate') return E.left(unsupported(`cannot evacuate ${req.instance} to its own host ${req.to}`));
  if (sameHost) {
    // Staying on its host, every disk is kept in place: one that went missing is first re-made from its record.
    const made = await sequence([...view.right.records], ([disk, meta]) => run(src.realizer.realizeRecorded(req.instance, disk, meta)));
    if (E.isLeft(made)) return made;
  }
  const plans: MovePlan[] = [];
  for (const [disk, meta] of view.right.records) {
    const p = sameHost
      ? E.right<never, MovePlan>({ disk, from: meta, to: { ...meta, size: Math.max(meta.size, flavorSize(req.flavor, disk)) }, action: 'keep' })
      : planMove(req.instance, disk, meta, dst.right.ctx.options, flavorSize(req.flavor, disk), req.kind === 'evacuate');
    if (E.isLeft(p)) return p;
    plans.push(p.right);
  }
  const moving = plans.filter((p) => p.action !== 'keep');
  const relocated = moving.filter(isRelocated);
  // The data of a disk about to get a new record is staged on the source first, so that the record is never without its data.
  const staged = await sequence(relocated.filter((p) => p.action === 'copy'), (p) => run(src.realizer.stage(req.instance, p.disk, p.from)));
  if (E.isLeft(staged)) {
    await sequence(relocated, (p) => run(src.realizer.unstage(req.instance, p.disk)));
    return staged;
  }
  const saved = await run(deps.metadata.saveAll(req.instance, relocated.map((p) => ({ disk: p.disk, meta: p.to }))));
  if (E.isLeft(saved)) return saved;

  const attempted: MovePlan[] = [];
  const unstage = () => sequence(moving, async (p) => {
    await run(dst.right.realizer.unstage(req.instance, p.disk));
    return req.kind === 'evacuate' ? E.right(undefined) : run(src.realizer.unstage(req.instance, p.disk));
  });
  const undo = async (moved: boolean): Promise<void> => {
    if (moved) await run(deps.repository.setHost(req.instance, src.ctx.name));
    await sequence(attempted, (p) => run(dst.right.realizer.remove(req.instance, p.disk, placedRecord(p))));
    await run(deps.metadata.saveAll(req.instance, moving.map((p) => ({ disk: p.disk, meta: p.from }))));
    await unstage();
  };
  const placed = await sequence(moving, (p) => {
    attempted.push(p);
    return placeOnDestination(deps, src, dst.right, req.instance, p);
  });
  if (E.isLeft(placed)) {
    await undo(false);
    return placed;
  }
  if (!sameHost) {
    const moved = await run(deps.repository.setHost(req.instance, req.to));
    if (E.isLeft(moved)) {
      await undo(false);
      return moved;
    }
  }
  const ready = await run(deps.metadata.saveAll(req.instance, relocated.map((p) => ({ disk: p.disk, meta: { ...p.to, state: 'ready' } }))));
  // Shared disks grow last: their growth cannot be undone, so nothing else may fail after it.
  const grown = E.isLeft(ready) ? ready : await sequence([...moving, ...plans.filter((p) => p.action === 'keep')], (p) => growOnDestination(deps, dst.right, req.instance, p));
  if (E.isLeft(grown)) {
    await undo(!sameHost);
    return grown;
  }
  await unstage();
  if (sameHost || req.kind === 'evacuate') return E.right(undefined);
  return sequence(moving, (p) => run(src.realizer.remove(req.instance, p.disk, p.from)));
};
