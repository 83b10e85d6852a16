import { decodeMigration, decodePending, leftBehind, type InstanceLifecycle, type LeftBehind } from '@disk-ledger/core';
import { isInjectedCrash } from '@disk-ledger/fake';
import { imageId, instanceId, isDiskName, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { StepOf } from '../scenario/steps.js';
import { instanceDisks } from '../world/disk-view.js';
import type { SimInstance } from '../world/sim-instance.js';
import type { SimWorld } from '../world/sim-world.js';
import { failed, OK, type Outcome } from './outcome.js';
import { rescueImage } from './rescue-image.js';
import type { PendingLeftBehind, StepDriver } from './step-driver.js';

/** Any failure with a stable code and a message. */
type Failure = { readonly code: string; readonly message: string };

const outcome = (r: E.Either<Failure, unknown>): Outcome => (E.isLeft(r) ? failed(r.left.code, r.left.message) : OK);

/** A reverted resize's instance is on its source again, with the flavor it had there. */
const reverted = (inst: SimInstance): void => {
  if (inst.resizedFrom === null) return;
  inst.host = inst.resizedFrom.host;
  inst.flavor = inst.resizedFrom.flavor;
  inst.flavorName = inst.resizedFrom.flavorName;
};

/**
 * Replays steps with the metadata-persisting driver: every operation goes
 * through disk-ledger's lifecycle on the world's hosts (in-memory or real).
 * After an operation that (re)starts the guest, each disk is opened as
 * libvirt would, with the format its record names.
 */
export class MetadataDriver implements StepDriver {
  /** What evacuations left on their sources whose removal a crash cut short, to finish when those hosts are back. */
  private readonly leftBehind: PendingLeftBehind[] = [];

  constructor(
    private readonly world: SimWorld,
    private readonly legacy: StepDriver,
  ) {}

  async hostsBack(): Promise<void> {
    for (const pending of this.leftBehind.splice(0)) {
      try {
        await this.removeLeftBehind(pending.instance, pending.left);
      } catch (e) {
        // A crash is a host going down again: it is tried once more at its next start.
        if (!isInjectedCrash(e)) throw e;
      }
    }
  }

  pendingLeftBehind(): readonly PendingLeftBehind[] {
    return [...this.leftBehind];
  }

  /** The source host comes back and removes what the evacuation left there; one that fails or crashes part-way tries again at its next start. */
  private async removeLeftBehind(instance: InstanceId, left: LeftBehind): Promise<E.Either<Failure, void>> {
    let removed: E.Either<Failure, void>;
    try {
      removed = await this.lifecycle.removeLeftBehind(instance, left)();
    } catch (e) {
      if (isInjectedCrash(e)) this.leftBehind.push({ instance, left });
      throw e;
    }
    if (E.isLeft(removed)) this.leftBehind.push({ instance, left });
    return removed;
  }

  private get lifecycle(): InstanceLifecycle {
    return this.world.fleet.lifecycle();
  }

  private known(id: string): E.Either<Outcome, SimInstance> {
    const inst = this.world.instance(id);
    return inst === undefined ? E.left(failed('INSTANCE_NOT_FOUND', `no instance "${id}"`)) : E.right(inst);
  }

  async settleAll(): Promise<void> {
    await this.hostsBack();
    for (const id of [...this.world.unsettled]) {
      const inst = this.world.instance(id);
      if (inst === undefined) continue;
      await this.lifecycle.settle(inst.id)();
      await this.resync(inst);
    }
  }

  /**
   * An evacuation that rebuilt disks without records is on its destination
   * once it began, and the next operation finishes it: what it leaves on the
   * source (its stored migration record says) is removed when that host is
   * back, as nova's compute removes what its migrations record at start-up.
   */
  private async unfinishedEvacuation(inst: SimInstance): Promise<void> {
    const row = await this.world.repository.getInstance(inst.id)();
    if (E.isLeft(row) || row.right.migration === null) return;
    const m = decodeMigration(inst.id, row.right.migration);
    if (E.isLeft(m) || m.right.kind !== 'evacuate' || row.right.host !== m.right.destination) return;
    this.world.unsettled.add(inst.id);
    inst.host = row.right.host;
    this.leftBehind.push({ instance: inst.id, left: leftBehind(m.right) });
  }

  /** An instance a crash cut short may have been moved forward or back since: its host is what the repository says, once its move is at rest. */
  private async resync(inst: SimInstance): Promise<void> {
    const row = await this.world.repository.getInstance(inst.id)();
    if (E.isLeft(row)) return;
    const movedFrom = inst.host;
    inst.host = row.right.host;
    const op = row.right.migration === null ? null : decodePending(inst.id, row.right.migration);
    // A confirm or a revert cut short is finished by the next operation: the resize waits no more, and a revert took
    // the instance back to its source.
    const waiting = op !== null && E.isRight(op) && op.right.kind === 'move';
    if (inst.resizedFrom !== null && inst.resizedFrom.by !== 'legacy' && !waiting) {
      if (movedFrom !== inst.resizedFrom.host && inst.host === inst.resizedFrom.host) reverted(inst);
      inst.resizedFrom = null;
    }
    // A shelve kept once done (or an unshelve begun) is at rest: only one cut part-way still has something to settle.
    if (op === null || (E.isRight(op) && op.right.kind === 'shelve' && op.right.shelve.status !== 'shelving')) this.world.unsettled.delete(inst.id);
  }

  /** Run an operation on a known instance; on success the classic driver's view of its disks is superseded by records. */
  private async on(id: string, op: (i: InstanceId, inst: SimInstance) => Promise<E.Either<Failure, unknown>>, startsGuest = true): Promise<Outcome> {
    const inst = this.known(id);
    if (E.isLeft(inst)) return inst.left;
    const settling = this.world.unsettled.has(id);
    const r = outcome(await op(inst.right.id, inst.right));
    if (settling) await this.resync(inst.right);
    if (r.ok) {
      inst.right.legacy = false;
      inst.right.legacyDisks.clear();
      if (startsGuest) await this.startGuest(inst.right);
    }
    return r;
  }

  /**
   * A host still running the classic driver cannot take an instance whose
   * disks have records: it would act on them by inference and leave the
   * records stale. As nova's scheduler keeps work that needs a newer compute
   * off older ones, the move is refused.
   */
  private refuseClassic(id: string, to: string): Outcome | null {
    // An instance that does not exist is that, whatever the destination.
    const inst = this.known(id);
    if (E.isLeft(inst)) return inst.left;
    return this.world.modes.get(to) === 'legacy'
      ? failed('HOST_NOT_UPGRADED', `host ${to} still runs the classic driver: it cannot take an instance whose disks have records`)
      : null;
  }

  /** The VM opens each disk with its recorded format. */
  private async startGuest(inst: SimInstance): Promise<void> {
    for (const d of await instanceDisks(this.world, inst.id)) await this.world.site.guestView(d.host, d.address, d.format);
  }

  async boot(step: StepOf<'boot'>): Promise<Outcome> {
    if (step.legacy === true) return this.legacy.boot(step);
    const id = instanceId(step.instance, 'instance');
    if (E.isLeft(id)) return failed(id.left.code, id.left.message);
    if (this.world.instances.has(step.instance)) return failed('INSTANCE_EXISTS', `instance "${step.instance}" already exists`);
    const image = step.image === undefined || step.volume === true ? E.right(null) : imageId(step.image, 'image');
    if (E.isLeft(image)) return failed(image.left.code, image.left.message);
    const flavor = this.world.flavors.get(step.flavor);
    if (flavor === undefined) return failed('FLAVOR_NOT_FOUND', `no flavor "${step.flavor}"`);
    const inst: SimInstance = {
      id: id.right, host: step.host, flavorName: step.flavor, flavor, image: image.right, configDrive: step.config_drive === true,
      legacy: false, shelved: false, rescued: false, shelvedImage: null, legacyDisks: new Map(), resizedFrom: null,
    };
    this.world.instances.set(step.instance, inst);
    // A boot refused before anything was registered (a rejected image) leaves the instance unbuilt, as nova's API keeps
    // it in ERROR until it is deleted (the classic model keeps its shell too): another boot of its id is INSTANCE_EXISTS
    // and a delete succeeds in both modes.
    return this.build(inst);
  }

  /**
   * Spawn the instance on its host. A refusal or a crash before anything was
   * registered leaves it `unbuilt` (nova's API keeps it, in ERROR) for a
   * hard reboot to build or a delete to forget; any other outcome clears
   * that.
   */
  private async build(inst: SimInstance): Promise<Outcome> {
    const unregistered = async (): Promise<boolean> => E.isLeft(await this.world.repository.getInstance(inst.id)());
    let r: Outcome;
    try {
      r = outcome(await this.lifecycle.spawn({ instance: inst.id, host: inst.host, image: inst.image, flavor: inst.flavor, configDrive: inst.configDrive })());
    } catch (e) {
      if (isInjectedCrash(e)) inst.unbuilt = await unregistered();
      throw e;
    }
    inst.unbuilt = !r.ok && (await unregistered());
    if (r.ok) await this.startGuest(inst);
    return r;
  }

  reboot(step: StepOf<'reboot'>): Promise<Outcome> {
    const inst = this.world.instance(step.instance);
    if (inst?.unbuilt === true && step.hard === true) return this.build(inst);
    // A soft reboot re-creates nothing, but the guest reopens its disks: that needs their records (first touch for legacy ones).
    return this.on(step.instance, (i) => (step.hard === true ? this.lifecycle.hardReboot(i)() : this.lifecycle.records(i)()));
  }

  resize(step: StepOf<'resize'>): Promise<Outcome> {
    const refused = this.refuseClassic(step.instance, step.to);
    if (refused !== null) return Promise.resolve(refused);
    return this.on(step.instance, async (i, inst) => {
      const flavor = step.flavor === undefined ? undefined : this.world.flavors.get(step.flavor);
      const from = { by: 'metadata' as const, host: inst.host, flavor: inst.flavor, flavorName: inst.flavorName, legacyDisks: new Map(), leftBehind: [] };
      const r = await this.lifecycle.move(i, step.to, 'resize', flavor, step.confirm === false ? 'manual' : 'auto')();
      if (E.isRight(r)) {
        if (step.confirm === false) inst.resizedFrom = from;
        inst.host = step.to;
        if (flavor !== undefined && step.flavor !== undefined) {
          inst.flavor = flavor;
          inst.flavorName = step.flavor;
        }
      }
      return r;
    });
  }

  liveMigrate(step: StepOf<'live_migrate'>): Promise<Outcome> {
    const refused = this.refuseClassic(step.instance, step.to);
    if (refused !== null) return Promise.resolve(refused);
    return this.on(step.instance, async (i, inst) => {
      const r = await this.lifecycle.move(i, step.to, 'live-migrate')();
      if (E.isRight(r)) inst.host = step.to;
      return r;
    });
  }

  evacuate(step: StepOf<'evacuate'>): Promise<Outcome> {
    const refused = this.refuseClassic(step.instance, step.to);
    if (refused !== null) return Promise.resolve(refused);
    return this.on(step.instance, async (i, inst) => {
      // nova knows the instance's image, flavor and config drive without its host: disks without a record are made from them.
      let r: Awaited<ReturnType<ReturnType<InstanceLifecycle['evacuate']>>>;
      try {
        r = await this.lifecycle.evacuate(i, step.to, { image: inst.image, flavor: inst.flavor, configDrive: inst.configDrive })();
      } catch (e) {
        if (isInjectedCrash(e)) await this.unfinishedEvacuation(inst);
        throw e;
      }
      if (E.isLeft(r)) {
        await this.unfinishedEvacuation(inst);
        return r;
      }
      inst.host = step.to;
      // The source host comes back and removes what the evacuation left there, as nova's compute does at start-up. That
      // is the source's own start, not part of the evacuation: one that fails, or a crash of the source aimed at this
      // step, leaves the removal to finish at its next start (before the next step), and the evacuation stands.
      try {
        await this.removeLeftBehind(i, r.right);
      } catch (e) {
        if (!isInjectedCrash(e)) throw e;
      }
      return E.right(undefined);
    });
  }

  confirmResize(step: StepOf<'confirm_resize'>): Promise<Outcome> {
    return this.on(step.instance, async (i, inst) => {
      const r = await this.lifecycle.confirmResize(i)();
      if (E.isRight(r)) inst.resizedFrom = null;
      return r;
    }, false);
  }

  revertResize(step: StepOf<'revert_resize'>): Promise<Outcome> {
    // A revert takes the instance, and its records, back to its source: one still on the classic driver may not take
    // them, as it may not by a move (confirm the resize instead, or upgrade the source first).
    const source = this.world.instance(step.instance)?.resizedFrom?.host;
    const refused = source === undefined ? null : this.refuseClassic(step.instance, source);
    if (refused !== null) return Promise.resolve(refused.ok ? refused : { ...refused, message: `revert to the resize's source: ${refused.message}` });
    return this.on(step.instance, async (i, inst) => {
      const r = await this.lifecycle.revertResize(i)();
      if (E.isRight(r) && inst.resizedFrom !== null) {
        reverted(inst);
        inst.resizedFrom = null;
      }
      return r;
    });
  }

  rebuild(step: StepOf<'rebuild'>): Promise<Outcome> {
    return this.on(step.instance, async (i, inst) => {
      const img = imageId(step.image, 'image');
      if (E.isLeft(img)) return img;
      const r = await this.lifecycle.rebuild(i, img.right)();
      if (E.isLeft(r)) return r;
      // An instance booted from a volume keeps no image: the volume service re-images its root.
      if (inst.image === null) return r;
      inst.image = img.right;
      // Nova's records name the image an instance was rebuilt from; the library's own record of the root does too.
      return this.world.repository.setImageRef(i, img.right)();
    });
  }

  snapshot(step: StepOf<'snapshot'>): Promise<Outcome> {
    return this.on(step.instance, (i) => this.lifecycle.snapshot(i, step.image_id)(), false);
  }

  rescue(step: StepOf<'rescue'>): Promise<Outcome> {
    return this.on(step.instance, async (i, inst) => {
      const image = rescueImage(step, inst);
      if (E.isLeft(image)) return image;
      const img = imageId(image.right, 'image');
      return E.isLeft(img) ? img : this.lifecycle.rescue(i, img.right)();
    });
  }

  unrescue(step: StepOf<'unrescue'>): Promise<Outcome> {
    return this.on(step.instance, (i) => this.lifecycle.unrescue(i)());
  }

  shelve(step: StepOf<'shelve'>): Promise<Outcome> {
    return this.on(step.instance, async (i, inst) => {
      const r = await this.lifecycle.shelve(i)();
      if (E.isRight(r)) {
        inst.shelved = true;
        inst.shelvedImage = r.right;
      }
      return r;
    }, false);
  }

  /** On its destination's compute (see `runsClassic`: a host still on the classic driver unshelves with it). */
  unshelve(step: StepOf<'unshelve'>): Promise<Outcome> {
    return this.on(step.instance, async (i, inst) => {
      if (!inst.shelved) return E.left({ code: 'INSTANCE_NOT_SHELVED', message: `instance "${step.instance}" is not shelved` });
      const r = await this.lifecycle.unshelve(i, step.host, inst.flavor, inst.shelvedImage, inst.configDrive)();
      if (E.isRight(r)) {
        inst.shelved = false;
        inst.shelvedImage = null;
        inst.host = step.host;
      }
      return r;
    });
  }

  convert(step: StepOf<'convert'>): Promise<Outcome> {
    const disk = step.disk;
    if (!isDiskName(disk)) return Promise.resolve(failed('INVALID_DISK', `no disk role "${disk}"`));
    return this.on(step.instance, (i) => this.lifecycle.convert(i, disk, step.backend, step.format)());
  }

  delete(step: StepOf<'delete'>): Promise<Outcome> {
    if (this.world.instance(step.instance)?.unbuilt === true) {
      // Nothing of it was registered or made: nova's delete of an instance that never built only removes it from the API.
      this.world.instances.delete(step.instance);
      return Promise.resolve(OK);
    }
    return this.on(step.instance, async (i) => {
      const r = await this.lifecycle.delete(i)();
      if (E.isRight(r)) this.world.instances.delete(step.instance);
      return r;
    }, false);
  }
}
