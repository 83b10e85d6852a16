/**
 * The reference model of the classic (inferring) libvirt driver, replayed
 * on the same hosts as the metadata driver (in-memory or real) so the two
 * can be compared side by side. It behaves as nova did before each advisory of
 * SECURITY.md was fixed: layouts decided from the host's options *today*,
 * `disk.info` written after a disk exists and trusted afterwards, formats
 * detected from the guest's bytes whenever that file has no answer, images
 * used unverified. It issues real argvs through the host's command executor,
 * so every probe and every leak is recorded by the site exactly as the
 * metadata driver's commands are.
 *
 * Every step ends in an `Outcome`; an injected crash or a down host is
 * never caught here (the replay turns it into the step's outcome).
 */
import * as E from 'fp-ts/lib/Either.js';
import { failed, outcomeOf, type Outcome } from '../replay/outcome.js';
import type { StepDriver } from '../replay/step-driver.js';
import { rescueImage } from '../replay/rescue-image.js';
import type { StepOf } from '../scenario/steps.js';
import { instanceDisks } from '../world/disk-view.js';
import type { SimInstance } from '../world/sim-instance.js';
import type { SimWorld } from '../world/sim-world.js';
import { LegacyContext } from './legacy-context.js';
import type { Result } from './legacy-host.js';
import { convert, deleteInstance } from './operations/convert-delete.js';
import { move } from './operations/move.js';
import { evacuate, rebuild } from './operations/rebuild-evacuate.js';
import { confirmResize, revertResize } from './operations/resize-confirm.js';
import { hardReboot } from './operations/reboot.js';
import { rescue, unrescue } from './operations/rescue.js';
import { shelve, unshelve } from './operations/shelve.js';
import { snapshot } from './operations/snapshot.js';
import { boot } from './operations/spawn.js';

/** Replays instance steps with the classic driver's behaviour. */
export class LegacyDriver implements StepDriver {
  private readonly ctx: LegacyContext;

  constructor(world: SimWorld) {
    this.ctx = new LegacyContext(world);
  }

  hostsBack(): Promise<void> {
    return this.ctx.hostsBack();
  }

  /**
   * Run `op` on a known instance. An instance the metadata driver made has
   * no classic view of its disks yet: the classic driver finds them where
   * their records put them, as it would find them on the host.
   */
  private async on(id: string, op: (inst: SimInstance) => Result<void>): Promise<Outcome> {
    const inst = this.ctx.world.instance(id);
    if (inst === undefined) return failed('INSTANCE_NOT_FOUND', `no instance "${id}"`);
    if (inst.legacyDisks.size === 0 && !inst.shelved && !inst.legacy) {
      for (const d of await instanceDisks(this.ctx.world, id)) {
        inst.legacyDisks.set(d.disk, { backend: d.backend, format: d.format, location: d.location, size: d.size });
      }
    }
    return outcomeOf(await op(inst));
  }

  async boot(step: StepOf<'boot'>): Promise<Outcome> {
    return outcomeOf(await boot(this.ctx, step));
  }

  reboot(step: StepOf<'reboot'>): Promise<Outcome> {
    // A soft reboot restarts the guest inside its running VM: no disk is touched.
    return this.on(step.instance, (inst) => (step.hard === true ? hardReboot(this.ctx, inst) : Promise.resolve(E.right(undefined))));
  }

  resize(step: StepOf<'resize'>): Promise<Outcome> {
    const name = step.flavor;
    const flavor = name === undefined ? undefined : this.ctx.world.flavors.get(name);
    if (name !== undefined && flavor === undefined) return Promise.resolve(failed('FLAVOR_NOT_FOUND', `no flavor "${name}"`));
    return this.on(step.instance, (inst) => move(this.ctx, inst, step.to, 'resize', name === undefined || flavor === undefined ? undefined : { name, flavor }, step.confirm !== false));
  }

  confirmResize(step: StepOf<'confirm_resize'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => confirmResize(this.ctx, inst));
  }

  revertResize(step: StepOf<'revert_resize'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => revertResize(this.ctx, inst));
  }

  liveMigrate(step: StepOf<'live_migrate'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => move(this.ctx, inst, step.to, 'live-migrate'));
  }

  evacuate(step: StepOf<'evacuate'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => evacuate(this.ctx, inst, step.to));
  }

  rebuild(step: StepOf<'rebuild'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => rebuild(this.ctx, inst, step.image));
  }

  snapshot(step: StepOf<'snapshot'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => snapshot(this.ctx, inst, step.image_id));
  }

  rescue(step: StepOf<'rescue'>): Promise<Outcome> {
    return this.on(step.instance, async (inst) => {
      const image = rescueImage(step, inst);
      return E.isLeft(image) ? image : rescue(this.ctx, inst, image.right);
    });
  }

  unrescue(step: StepOf<'unrescue'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => unrescue(this.ctx, inst));
  }

  shelve(step: StepOf<'shelve'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => shelve(this.ctx, inst));
  }

  unshelve(step: StepOf<'unshelve'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => unshelve(this.ctx, inst, step.host));
  }

  convert(step: StepOf<'convert'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => convert(this.ctx, inst, step));
  }

  delete(step: StepOf<'delete'>): Promise<Outcome> {
    return this.on(step.instance, (inst) => deleteInstance(this.ctx, inst, step.instance));
  }
}

