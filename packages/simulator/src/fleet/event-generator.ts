/**
 * The lazy event stream of a fleet run: one step at a time, drawn from the
 * seeded generator and from what the run has become so far (which instances
 * exist, in which state, on which host). Nothing is materialised ahead: the
 * stream of a million events costs the memory of one. Steps target live
 * instances in a state that allows them, so most are valid; the invalid ones
 * (deliberate strays, or states the generator cannot see) end as error
 * outcomes like any other.
 */
import { CONTENT_KINDS, type Backend, type DiskFormat } from '@disk-ledger/domain';
import type { Outcome } from '../replay/outcome.js';
import type { Step, StepOf } from '../scenario/steps.js';
import type { World } from '../world/world.js';
import { BENIGN_IMAGES, FLAVOR_NAMES, FLAVORS, HOST_KINDS, HOSTILE_IMAGES, RESCUE_IMAGE, SECRET, hostConfig, imageSize } from './fleet-catalogue.js';
import type { FleetPlan } from './fleet-plan.js';
import { LiveInstances, type LiveInstance } from './live-instances.js';
import { OPERATION_KINDS, weights } from './operation-mix.js';
import type { Prng } from './prng.js';

// ---- types

/** One generated event. */
export interface FleetEvent {
  readonly step: Step;
  /** How the report groups it: the op, refined where it matters (`boot legacy`, `guest_write hostile`, `stray reboot`). */
  readonly label: string;
  /** The host that dies part-way through this step, if one does. */
  readonly crashHost?: string;
  /** The live instance it acts on, if any. */
  readonly target: LiveInstance | null;
}

/** A step under construction, its optional fields assigned one by one. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// ---- tuning

/** Share of driver steps during which the instance's host crashes. */
const CRASH_RATE = 0.004;
const BOOT_IMAGE_WEIGHTS = [40, 20, 15, 10, 5];
const FLAVOR_WEIGHTS = [20, 40, 30, 10];
/** Share of boots from a hostile image (the image service refuses nothing; verification must). */
const HOSTILE_BOOT = 0.03;
const VOLUME_BOOT = 0.05;
const HOSTILE_WRITE = 0.45;
const HOSTILE_CONTENT = CONTENT_KINDS.filter((k) => k !== 'benign');

/** Online migration batches come every E/200 events (at least every 50) once a host is upgraded, as a periodic job would run them. */
const MIGRATION_RUNS = 200;
const MIGRATION_MIN_GAP = 50;

const TARGETS_ANYWHERE: readonly (readonly [Backend, DiskFormat])[] = [['flat', 'raw'], ['flat', 'qcow2'], ['qcow2', 'qcow2'], ['ploop', 'ploop']];

// ---- the generator

/** Generates a fleet's events one by one, and learns from their outcomes. */
export class EventGenerator {
  readonly live = new LiveInstances();
  private readonly hostNames: readonly string[];
  private readonly upgrades: readonly { readonly at: number; readonly host: string }[];
  private nextUpgrade = 0;
  private nextMigration = Number.POSITIVE_INFINITY;
  private readonly migrationGap: number;
  private boots = 0;
  private snapshots = 0;
  private strays = 0;
  private readonly mix: number[] = new Array<number>(OPERATION_KINDS.length).fill(0);
  /** Boot image weights by root disk size. */
  private readonly fitting = new Map<number, readonly number[]>();

  constructor(
    private readonly plan: FleetPlan,
    private readonly world: World,
    private readonly prng: Prng,
  ) {
    this.hostNames = plan.hosts.map((h) => h.name);
    this.upgrades = plan.hosts
      .flatMap((h) => (h.upgradeAt === null ? [] : [{ at: h.upgradeAt, host: h.name }]))
      .sort((a, b) => a.at - b.at || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    this.migrationGap = Math.max(MIGRATION_MIN_GAP, Math.ceil(plan.options.events / MIGRATION_RUNS));
  }

  /** Boot events generated so far. */
  get bootsAttempted(): number {
    return this.boots;
  }

  /** Hosts upgraded so far. */
  get upgraded(): number {
    return this.nextUpgrade;
  }

  /** The event at `index`: a scheduled upgrade or migration batch when one is due, else a draw from the mix. */
  next(index: number): FleetEvent {
    const due = this.upgrades[this.nextUpgrade];
    if (due !== undefined && due.at <= index) {
      this.nextUpgrade += 1;
      if (this.nextMigration === Number.POSITIVE_INFINITY) this.nextMigration = index + this.migrationGap;
      return { step: { op: 'upgrade', host: due.host }, label: 'upgrade', target: null };
    }
    if (index >= this.nextMigration) {
      this.nextMigration = index + this.migrationGap;
      return { step: { op: 'online_migrate', batch: 100 + this.prng.int(401) }, label: 'online_migrate', target: null };
    }
    const state = { live: this.live.size, capacity: this.plan.options.instances };
    const kind = OPERATION_KINDS[this.prng.weighted(weights(state, this.mix))] ?? 'boot';
    switch (kind) {
      case 'boot':
        return this.boot(false);
      case 'boot_legacy':
        return this.boot(true);
      case 'reconfigure':
        return this.reconfigure();
      case 'stray':
        return this.stray();
      default:
        return this.onInstance(kind, this.live.pick(this.prng));
    }
  }

  /** Learn from an event's outcome: which instances exist now, and in which state. */
  observe(event: FleetEvent, outcome: Outcome): void {
    const step = event.step;
    if (step.op === 'boot') {
      // A boot that failed outright left nothing to act on; one cut short by a crash may have left records.
      const crashed = !outcome.ok && outcome.code === 'HOST_CRASHED';
      if ((outcome.ok || crashed) && this.world.instances.has(step.instance)) {
        this.live.add(step.instance, step.volume !== true, step.config_drive === true).crashed = crashed;
      }
      // A boot refused before anything was made leaves the instance unbuilt, as nova keeps it in ERROR: the fleet's
      // operator deletes it (nothing of it is anywhere), so that refused boots do not pile up in the world.
      if (!outcome.ok && !crashed && this.world.instances.get(step.instance)?.unbuilt === true) this.world.instances.delete(step.instance);
      return;
    }
    const t = event.target;
    if (t === null) return;
    if (!this.world.instances.has(t.name) || (!outcome.ok && outcome.code === 'INSTANCE_NOT_FOUND')) {
      this.live.remove(t);
      return;
    }
    if (!outcome.ok) {
      if (outcome.code === 'HOST_CRASHED') t.crashed = true;
      return;
    }
    if (step.op === 'rescue') t.rescued = true;
    else if (step.op === 'unrescue') {
      t.rescued = false;
      t.crashed = false;
    }
    else if (step.op === 'shelve') {
      t.shelved = true;
      t.shelvedOnce = true;
      t.rescued = false;
    } else if (step.op === 'unshelve') t.shelved = false;
    else if (step.op === 'reboot') t.crashed = false;
  }

  // ---- events

  private boot(legacy: boolean): FleetEvent {
    this.boots += 1;
    const instance = `vm-${this.boots}`;
    const host = this.prng.pick(this.hostNames);
    const flavor = FLAVOR_NAMES[this.prng.weighted(FLAVOR_WEIGHTS)] ?? 'small';
    const root = FLAVORS[flavor]?.root ?? 0;
    const configDrive = this.prng.chance(0.2);
    // Optional fields are assigned in the order a spread would add them (the key order shows in
    // printed steps); spreads that add properties cost about a microsecond each on this path.
    const step: Mutable<StepOf<'boot'>> = { op: 'boot', instance, host, flavor };
    if (configDrive) step.config_drive = true;
    if (legacy) step.legacy = true;
    const r = this.prng.next();
    let label = legacy ? 'boot legacy' : 'boot';
    if (r < VOLUME_BOOT) {
      step.volume = true;
      label += ' from volume';
    } else if (r < VOLUME_BOOT + HOSTILE_BOOT) {
      step.image = this.prng.pick(HOSTILE_IMAGES);
      label += ' hostile image';
    } else {
      step.image = this.fittingImage(root);
    }
    return this.driverStep(step, label, null, host);
  }

  private reconfigure(): FleetEvent {
    const host = this.prng.pick(this.hostNames);
    const kind = this.prng.pick(HOST_KINDS);
    return { step: { op: 'reconfigure', host, config: hostConfig(kind, host, this.prng) }, label: 'reconfigure', target: null };
  }

  /** An operation on an instance that never existed: an error outcome by design. */
  private stray(): FleetEvent {
    this.strays += 1;
    const instance = `ghost-${this.strays}`;
    const step: Step = this.prng.pick<Step>([
      { op: 'reboot', instance, hard: true },
      { op: 'delete', instance },
      { op: 'snapshot', instance, image_id: `ghost-snap-${this.strays}` },
      { op: 'resize', instance, to: this.prng.pick(this.hostNames) },
    ]);
    return { step, label: `stray ${step.op}`, target: null };
  }

  private onInstance(kind: (typeof OPERATION_KINDS)[number], t: LiveInstance): FleetEvent {
    const instance = t.name;
    const sim = this.world.instance(instance);
    const host = sim?.host ?? this.hostNames[0] ?? '';
    if (t.shelved) {
      return this.prng.chance(0.75)
        ? this.driverStep({ op: 'unshelve', instance, host: this.prng.pick(this.hostNames) }, 'unshelve', t, host)
        : this.driverStep({ op: 'delete', instance }, 'delete', t, host);
    }
    if (t.crashed) {
      // A rescued instance takes no reboot: unrescuing it again is how it is brought back.
      if (t.rescued) return this.driverStep({ op: 'unrescue', instance }, 'unrescue', t, host);
      return this.prng.chance(0.85)
        ? this.driverStep({ op: 'reboot', instance, hard: true }, 'reboot', t, host)
        : this.driverStep({ op: 'delete', instance }, 'delete', t, host);
    }
    switch (kind) {
      case 'guest_write': {
        const disk = this.prng.pick(this.disksOf(t));
        const hostile = this.prng.chance(HOSTILE_WRITE);
        const content = hostile ? this.prng.pick(HOSTILE_CONTENT) : 'benign';
        const step: Step = hostile ? { op: 'guest_write', instance, disk, content, target: SECRET } : { op: 'guest_write', instance, disk, content };
        return { step, label: hostile ? 'guest_write hostile' : 'guest_write benign', target: t };
      }
      case 'reboot':
        return this.reboot(t, host);
      case 'resize': {
        const current = Math.max(0, FLAVOR_NAMES.indexOf(sim?.flavorName ?? 'tiny'));
        const grow = this.prng.chance(0.5) ? FLAVOR_NAMES[current + this.prng.int(FLAVOR_NAMES.length - current)] : undefined;
        const to = this.otherHost(host);
        return this.driverStep(grow === undefined ? { op: 'resize', instance, to } : { op: 'resize', instance, to, flavor: grow }, 'resize', t, host);
      }
      case 'live_migrate': {
        const to = this.otherHost(host);
        const shared = this.world.options.get(to)?.imagesRbdPool ?? null;
        const sharedStorage = shared !== null && shared === (this.world.options.get(host)?.imagesRbdPool ?? null);
        const step: StepOf<'live_migrate'> = sharedStorage ? { op: 'live_migrate', instance, to, shared_storage: true } : { op: 'live_migrate', instance, to };
        return this.driverStep(step, 'live_migrate', t, host);
      }
      case 'evacuate':
        return this.driverStep({ op: 'evacuate', instance, to: this.otherHost(host) }, 'evacuate', t, host);
      case 'rebuild':
        if (!t.hasRoot) return this.reboot(t, host);
        return this.driverStep({ op: 'rebuild', instance, image: this.fittingImage(sim?.flavor.root ?? 0) }, 'rebuild', t, host);
      case 'snapshot':
        if (!t.hasRoot) return this.reboot(t, host);
        this.snapshots += 1;
        return this.driverStep({ op: 'snapshot', instance, image_id: `snap-${this.snapshots}` }, 'snapshot', t, host);
      case 'rescue':
        return t.rescued
          ? this.driverStep({ op: 'unrescue', instance }, 'unrescue', t, host)
          : this.driverStep({ op: 'rescue', instance, image: RESCUE_IMAGE }, 'rescue', t, host);
      case 'shelve':
        return t.shelvedOnce ? this.reboot(t, host) : this.driverStep({ op: 'shelve', instance }, 'shelve', t, host);
      case 'convert': {
        const disks: string[] = [];
        if (t.hasRoot) disks.push('root');
        if ((sim?.flavor.ephemeral ?? 0) > 0) disks.push('ephemeral0');
        if (disks.length === 0) return this.reboot(t, host);
        const [backend, format] = this.prng.pick(this.convertTargets(host));
        return this.driverStep({ op: 'convert', instance, disk: this.prng.pick(disks), backend, format }, 'convert', t, host);
      }
      case 'delete':
        return this.driverStep({ op: 'delete', instance }, 'delete', t, host);
      case 'delete_disk_file':
        return { step: { op: 'delete_disk_file', instance, disk: this.prng.pick(this.disksOf(t)) }, label: 'delete_disk_file', target: t };
      case 'delete_disk_info':
        return { step: this.prng.chance(0.3) ? { op: 'delete_disk_info', instance, corrupt: true } : { op: 'delete_disk_info', instance }, label: 'delete_disk_info', target: t };
      default:
        return this.reboot(t, host);
    }
  }

  // ---- helpers

  /** A reboot of the instance, the fallback of operations that do not apply to it. */
  private reboot(t: LiveInstance, host: string): FleetEvent {
    return this.driverStep({ op: 'reboot', instance: t.name, hard: this.prng.chance(0.9) }, 'reboot', t, host);
  }

  /** A step carried out by a driver; now and then its host crashes part-way. */
  private driverStep(step: Step, label: string, target: LiveInstance | null, host: string): FleetEvent {
    return this.prng.chance(CRASH_RATE) ? { step, label, target, crashHost: host } : { step, label, target };
  }

  private otherHost(host: string): string {
    if (this.hostNames.length < 2) return host;
    const i = this.prng.int(this.hostNames.length - 1);
    const pick = this.hostNames[i] ?? host;
    return pick === host ? (this.hostNames[this.hostNames.length - 1] ?? host) : pick;
  }

  /** A benign image no larger than the root disk (the cirros images always fit). */
  private fittingImage(root: number): string {
    return BENIGN_IMAGES[this.prng.weighted(this.fittingWeights(root))] ?? 'cirros-qcow2';
  }

  /** The boot image weights with the images larger than `root` left out; the same few roots recur, so each is worked out once. */
  private fittingWeights(root: number): readonly number[] {
    let known = this.fitting.get(root);
    if (known === undefined) {
      const fits = BOOT_IMAGE_WEIGHTS.map((x, i) => (imageSize(BENIGN_IMAGES[i] ?? '') <= root ? x : 0));
      known = fits.some((x) => x > 0) ? fits : BOOT_IMAGE_WEIGHTS;
      this.fitting.set(root, known);
    }
    return known;
  }

  /** The disks a guest of the instance can write. */
  private disksOf(t: LiveInstance): string[] {
    const f = this.world.instance(t.name)?.flavor;
    const out: string[] = [];
    if (t.hasRoot) out.push('root', 'root');
    if ((f?.ephemeral ?? 0) > 0) out.push('ephemeral0');
    if ((f?.swap ?? 0) > 0) out.push('swap');
    if (t.configDrive) out.push('config');
    if (t.rescued) out.push('rescue');
    return out.length === 0 ? ['root'] : out;
  }

  /** Layouts a disk on `host` can be converted to: files anywhere, lvm and rbd where the host has them. */
  private convertTargets(host: string): readonly (readonly [Backend, DiskFormat])[] {
    const o = this.world.options.get(host);
    const vg = o?.imagesVolumeGroup ?? null;
    const pool = o?.imagesRbdPool ?? null;
    return [...TARGETS_ANYWHERE, ...(vg !== null ? [['lvm', 'raw'] as const] : []), ...(pool !== null ? [['rbd', 'raw'] as const] : [])];
  }
}
