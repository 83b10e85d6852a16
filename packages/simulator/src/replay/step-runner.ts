import { isInjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import type { HostConfig } from '../scenario/scenario.js';
import type { Step } from '../scenario/steps.js';
import type { SimWorld } from '../world/sim-world.js';
import { deleteDiskFile, deleteDiskInfo, guestWrite, onlineMigrate, reconfigure } from './host-steps.js';
import { MetadataDriver } from './metadata-driver.js';
import { failed, OK, type Outcome } from './outcome.js';
import { rescueImage } from './rescue-image.js';
import type { PendingLeftBehind, StepDriver } from './step-driver.js';

/**
 * Whether the classic driver carries out an instance step on a metadata
 * world: where nova runs the step, on a host not yet upgraded. An
 * evacuation and an unshelve run on their destination's compute (the source
 * is down, or there is none); a resize or a live migration finishes on its
 * destination, so one onto an upgraded host is the metadata driver's, which
 * derives the records from the source's facts first, as it would on any
 * first touch. Every other step runs on the instance's host. A resize the
 * classic driver made stays its own until it is confirmed or reverted.
 */
export const runsClassic = (world: SimWorld, step: Step): boolean => {
  if (!('instance' in step)) return false;
  const inst = world.instance(step.instance);
  if (inst?.resizedFrom?.by === 'legacy') return true;
  const classic = (host: string | undefined): boolean => host !== undefined && world.modes.get(host) === 'legacy';
  switch (step.op) {
    // An instance with records is never taken onto a host still on the classic driver: the metadata driver refuses that (HOST_NOT_UPGRADED).
    case 'evacuate':
      return classic(step.to) && (inst === undefined || inst.legacy);
    case 'unshelve':
      return classic(step.host);
    case 'resize':
    case 'live_migrate':
      return classic(inst?.host) && classic(step.to);
    default:
      return classic(inst?.host ?? ('host' in step ? step.host : undefined));
  }
};

/** Which driver carries out an instance step (see {@link runsClassic}; legacy boots are the caller's). */
const driverFor = (world: SimWorld, step: Step, drivers: { metadata: StepDriver; legacy: StepDriver }): StepDriver =>
  runsClassic(world, step) ? drivers.legacy : drivers.metadata;

/** What a shelved instance refuses: it has no disks to act on until it is unshelved (or deleted). */
const REFUSED_WHILE_SHELVED: ReadonlySet<Step['op']> = new Set([
  'reboot', 'resize', 'live_migrate', 'evacuate', 'rebuild', 'snapshot', 'rescue', 'unrescue', 'shelve', 'convert', 'confirm_resize', 'revert_resize',
]);

/** What a resize waiting for confirm or revert refuses (nova's API allows reboots, snapshot and delete, which confirms first). */
const REFUSED_WHILE_RESIZED: ReadonlySet<Step['op']> = new Set(['resize', 'live_migrate', 'evacuate', 'rebuild', 'rescue', 'unrescue', 'shelve', 'convert']);

/**
 * What nova's API refuses by the instance's state before any driver runs:
 * anything but unshelve and delete of a shelved instance, anything but reboots, snapshot and delete while a resize waits for
 * confirm or revert, a second rescue, a rescue naming no image of an
 * instance booted from a volume, an unrescue of an instance not
 * rescued, moving, shelving, rebuilding, snapshotting or rebooting a
 * rescued one (its state allows only unrescue and delete), a live migration or an
 * evacuation to the host it is on, and anything but a hard reboot or a
 * delete of an instance whose boot failed (refused, or cut by a crash) before it was built.
 */
const stateRefusal = (world: SimWorld, step: Step): Outcome | null => {
  if (!('instance' in step)) return null;
  const inst = world.instance(step.instance);
  if (inst === undefined) return null;
  if (inst.shelved) return REFUSED_WHILE_SHELVED.has(step.op) ? failed('INSTANCE_INVALID_STATE', `instance ${inst.id} is shelved: unshelve it first`) : null;
  // A boot of its id is INSTANCE_EXISTS, as for any instance (the boot step says so).
  if (inst.unbuilt === true && step.op !== 'delete' && step.op !== 'boot' && !(step.op === 'reboot' && step.hard === true)) {
    return failed('INSTANCE_INVALID_STATE', `instance ${inst.id} was never built (its boot failed before anything was made): hard reboot or delete it`);
  }
  if (inst.resizedFrom !== null && REFUSED_WHILE_RESIZED.has(step.op)) {
    return failed('RESIZE_UNCONFIRMED', `the resize of ${inst.id} from ${inst.resizedFrom.host} to ${inst.host} waits for confirm or revert`);
  }
  switch (step.op) {
    case 'rescue': {
      if (inst.rescued) return failed('INSTANCE_INVALID_STATE', `instance ${inst.id} is rescued already`);
      const image = rescueImage(step, inst);
      return E.isLeft(image) ? failed(image.left.code, image.left.message) : null;
    }
    case 'unrescue':
      return inst.rescued ? null : failed('INSTANCE_INVALID_STATE', `instance ${inst.id} is not rescued`);
    case 'live_migrate':
      if (step.to === inst.host) return failed('UNABLE_TO_MIGRATE_TO_SELF', `instance ${inst.id} is already on ${step.to}`);
      return inst.rescued ? failed('INSTANCE_INVALID_STATE', `instance ${inst.id} is rescued`) : null;
    case 'evacuate':
      if (step.to === inst.host) return failed('INVALID_HOST', `instance ${inst.id} cannot be evacuated to its own host ${step.to}`);
      return inst.rescued ? failed('INSTANCE_INVALID_STATE', `instance ${inst.id} is rescued`) : null;
    case 'resize':
    case 'shelve':
    case 'rebuild':
    case 'snapshot':
    case 'reboot':
      return inst.rescued ? failed('INSTANCE_INVALID_STATE', `instance ${inst.id} is rescued: unrescue it first`) : null;
    default:
      return null;
  }
};

/** Keep the instance's rescued state as a step that succeeded left it. */
const noteState = (world: SimWorld, step: Step): void => {
  if (step.op !== 'rescue' && step.op !== 'unrescue') return;
  const inst = world.instance(step.instance);
  if (inst !== undefined) inst.rescued = step.op === 'rescue';
};

const run = (world: SimWorld, step: Step, d: StepDriver, configs: Map<string, HostConfig>): Promise<Outcome> | Outcome => {
  switch (step.op) {
    case 'boot': return d.boot(step);
    case 'reboot': return d.reboot(step);
    case 'resize': return d.resize(step);
    case 'confirm_resize': return d.confirmResize(step);
    case 'revert_resize': return d.revertResize(step);
    case 'live_migrate': return d.liveMigrate(step);
    case 'evacuate': return d.evacuate(step);
    case 'rebuild': return d.rebuild(step);
    case 'snapshot': return d.snapshot(step);
    case 'rescue': return d.rescue(step);
    case 'unrescue': return d.unrescue(step);
    case 'shelve': return d.shelve(step);
    case 'unshelve': return d.unshelve(step);
    case 'convert': return d.convert(step);
    case 'delete': return d.delete(step);
    case 'guest_write': return guestWrite(world, step);
    case 'reconfigure': return reconfigure(world, step, configs);
    case 'delete_disk_file': return deleteDiskFile(world, step);
    case 'delete_disk_info': return deleteDiskInfo(world, step);
    case 'online_migrate': return world.mode === 'metadata' ? onlineMigrate(world, step) : OK;
    case 'upgrade':
      // The reference model never upgrades: it stays the classic driver throughout.
      if (world.mode === 'metadata') world.modes.set(step.host, 'metadata');
      return OK;
    case 'crash': return OK;
  }
};

/** The hosts a scenario's `crash` steps take down, by the index of the step each one cuts (two hosts may die in one step). */
export const crashesByStep = (steps: readonly Step[]): ReadonlyMap<number, readonly string[]> => {
  const out = new Map<number, string[]>();
  for (const s of steps) if (s.op === 'crash') out.set(s.during, [...(out.get(s.during) ?? []), s.host]);
  return out;
};

/**
 * Runs steps one at a time against a world: picks the driver for each step,
 * arms crashes, turns an injected crash into a `HOST_CRASHED` outcome. The
 * scenario replay and the fleet generator both drive it.
 */
export class StepRunner<W extends SimWorld = SimWorld> {
  private readonly drivers: { metadata: StepDriver; legacy: StepDriver };
  private readonly configs: Map<string, HostConfig>;
  /** Which driver ran the last instance step (the classic one for legacy boots and hosts not yet upgraded). */
  lastDriver: 'metadata' | 'legacy' | 'none' = 'none';
  /** Steps the classic driver ran: in metadata mode their probes and leaks are the reference model's, not the metadata driver's. */
  readonly classicSteps = new Set<number>();

  constructor(readonly world: W, legacyDriver: (world: W) => StepDriver) {
    const legacy = legacyDriver(world);
    this.drivers = { metadata: world.mode === 'legacy' ? legacy : new MetadataDriver(world, legacy), legacy };
    this.configs = new Map(world.scenario.hosts.map((h) => [h.name, h.config ?? {}]));
  }

  /** The run is over: crashed hosts come back and finish what a crash cut short (in the metadata driver; the classic model keeps its state). */
  async finish(): Promise<void> {
    await this.drivers.metadata.settleAll?.();
  }

  /** What evacuations left on their sources that those hosts have not removed yet (they try again at each step). */
  pendingLeftBehind(): readonly PendingLeftBehind[] {
    return this.drivers.metadata.pendingLeftBehind?.() ?? [];
  }

  /** Run one step; each host of `crashHosts` (one, or several) dies part-way through it, the first to act cutting it short. */
  async run(index: number, step: Step, crashHosts?: string | readonly string[]): Promise<Outcome> {
    const crashing = crashHosts === undefined ? [] : typeof crashHosts === 'string' ? [crashHosts] : crashHosts;
    this.world.site.setStep(index);
    // Hosts a crash took down are back before the next step, and finish what the crash cut short.
    await this.drivers.metadata.hostsBack?.();
    if (this.drivers.legacy !== this.drivers.metadata) await this.drivers.legacy.hostsBack?.();
    // The host dies right after its first command of the step has taken effect, so every step that touches it is cut part-way.
    for (const host of crashing) this.world.site.armCrash(host);
    let outcome: Outcome;
    const driver = driverFor(this.world, step, this.drivers);
    const legacyBoot = step.op === 'boot' && step.legacy === true;
    this.lastDriver = !('instance' in step) ? 'none' : driver === this.drivers.legacy || legacyBoot || this.world.mode === 'legacy' ? 'legacy' : 'metadata';
    if (this.lastDriver === 'legacy') this.classicSteps.add(index);
    try {
      outcome = stateRefusal(this.world, step) ?? (await run(this.world, step, driver, this.configs));
      if (outcome.ok) noteState(this.world, step);
    } catch (e) {
      if (!isInjectedCrash(e)) throw e;
      outcome = failed('HOST_CRASHED', e.message);
      if ('instance' in step && step.op !== 'guest_write') this.world.unsettled.add(step.instance);
    }
    if (crashing.length > 0) this.world.site.clearFaults();
    if (outcome.ok) return outcome;
    const message = this.world.site.shown(outcome.message);
    return message === outcome.message ? outcome : failed(outcome.code, message);
  }
}
