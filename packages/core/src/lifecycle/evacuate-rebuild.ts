import { byteSize, deriveLegacyLayout, hostBackend, imageId, instanceDir, legacyBackend, novaFileNames, type DiskMetadata, type DiskName, type DiskPlan, type ImageId, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Flavor } from './flavor.js';
import type { HostServices } from './host-registry.js';
import { isRowless, type InstanceView } from './instance-records.js';
import type { RecordMissing } from '../errors/core-error.js';
import { USUAL_BDM_DISKS } from '../services/usual-disks.js';
import { cannotHold, derivedProbe } from '../services/legacy-places.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import type { MovePlan } from './move-plan.js';
import { planAll, prepareAll, requestImageErrors, spawnRequests } from './spawn.js';
import { atImageArgument } from '../errors/image-error-path.js';

/**
 * What nova knows of an instance without asking its host (its `image_ref`,
 * flavor and `config_drive`): what an evacuation needs to make the disks that
 * have no record.
 */
export interface InstanceFacts {
  /** The root disk's image; `null` when booted from a volume. */
  readonly image: ImageId | null;
  readonly flavor: Flavor;
  readonly configDrive?: boolean;
}

/** A disk without a record whose host is down: no legacy fact can be read, and `why` says what else is missing. */
const noRecord = (instance: InstanceId, disk: DiskName, why: string): RecordMissing => ({
  _tag: 'RecordMissing', code: 'RECORD_MISSING', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} has no record and its host cannot be asked for legacy facts; ${why}`,
});

const HINT = 'give the evacuation the instance’s image, flavor and config drive to make it anew on the destination';

/**
 * The disks of an evacuated instance that have no record (the classic
 * driver made them and nothing has touched them since), planned on the
 * destination as a boot there would plan them, from the instance's facts:
 * the dead host cannot say what they were, and an evacuation makes every
 * disk anew anyway (nova rebuilds it from the image). Instance-level disks
 * have no BDM row to say they exist: a config drive the facts ask for and
 * no record describes is made too, and so are the image's kernel and
 * ramdisk when some disk is made from the facts. Images are verified
 * into the destination's cache here, before anything is written. Without
 * facts, a disk without a record is `RECORD_MISSING`, and so is one the facts
 * do not describe (an ephemeral disk past the flavor's first).
 */
export const rebuildPlans = async (deps: LifecycleDeps, dst: HostServices, view: InstanceView, facts: InstanceFacts | undefined, rowless = false): Step<DiskPlan[]> => {
  const instance = view.row.instance;
  if (facts === undefined) {
    // A rowless instance (see withSharedVolumes) had a root: without facts, it would arrive with none.
    const first = view.unplaced[0] ?? (rowless && !view.records.has('root') ? 'root' : undefined);
    return first === undefined ? E.right([]) : E.left(noRecord(instance, first, HINT));
  }
  // An instance with a record for every disk it has needs nothing of its image (which may be gone from the service).
  // A rowless one has every disk its facts describe and no record holds (none kept from a shared pool) made anew.
  if (!rowless && view.records.size > 0 && view.unplaced.length === 0 && (facts.configDrive !== true || view.records.has('config'))) return E.right([]);
  // A root that has a record (or is kept) needs nothing of the image, which may be gone from the service.
  const image = view.records.has('root') ? null : facts.image;
  // A drive that has a record (or is kept) needs nothing of the instance's config drive files.
  const configDrive = facts.configDrive === true && !view.records.has('config');
  const wanted = await spawnRequests(deps, { instance, host: dst.ctx.name, image, flavor: facts.flavor, configDrive }, 'facts.image');
  if (E.isLeft(wanted)) return wanted;
  const requests = wanted.right.filter((r) => !view.records.has(r.disk));
  const unmade = view.unplaced.find((d) => !requests.some((r) => r.disk === d));
  if (unmade !== undefined) return E.left(noRecord(instance, unmade, 'and the instance’s image and flavor do not describe it'));
  const named = requestImageErrors(requests, 'facts.image', image, facts.flavor.root, 'facts.flavor.root');
  const plans = await planAll(dst, instance, requests);
  if (E.isLeft(plans)) return E.left(named(plans.left));
  const verified = await prepareAll(dst, instance, plans.right);
  return E.isLeft(verified) ? E.left(named(verified.left)) : plans;
};

/**
 * The classic driver's disk in an rbd pool the destination reaches (nova's
 * shared storage): an image of the instance's name for that disk in the
 * destination's pool is the instance's, whatever the dead source's options
 * say today. It is there as it was, so it gets a derived record (its size
 * read through the destination) and stays, as nova's evacuation keeps disks
 * on shared storage. `null` when there is no such image.
 */
const sharedVolume = async (dst: HostServices, view: InstanceView, disk: DiskName): Step<DiskMetadata | null> => {
  const instance = view.row.instance;
  const pool = dst.ctx.options.imagesRbdPool;
  if (pool === null || legacyBackend({ ...dst.ctx.options, imagesType: 'rbd' }, disk) !== 'rbd') return E.right(null);
  for (const name of novaFileNames(disk)) {
    const probe = derivedProbe({ backend: 'rbd', format: 'raw', location: `${pool}/${instance}_${name}` });
    const opened = await run(dst.realizer.open(instance, disk, probe));
    // A destination that runs no rbd driver (or has no rbd tool) does not share the pool, whatever its options name.
    if (E.isLeft(opened)) return cannotHold(opened.left.code) ? E.right(null) : opened;
    const state = await run(opened.right.driver.inspect(opened.right.image));
    if (E.isLeft(state)) return cannotHold(state.left.code) ? E.right(null) : state;
    if (!state.right.exists) continue;
    const size = byteSize(state.right.virtualSize);
    return E.isLeft(size) ? size : E.right({ ...probe, size: size.right });
  }
  return E.right(null);
};

/** What an evacuation found of an instance's disks that have no record. */
export interface SharedVolumes {
  /** The instance with a derived record for each disk kept on a shared pool, and those disks out of `unplaced`. */
  readonly view: InstanceView;
  /** Those records, to claim (as a first touch would) once nothing can stop the evacuation before it begins. */
  readonly claims: ReadonlyMap<DiskName, DiskMetadata>;
  /** Whether the instance had no row at all ({@link isRowless}): the disks its facts describe and no pool kept are made anew. */
  readonly rowless: boolean;
}

/**
 * The instance as an evacuation to `dst` sees it: each disk without a
 * record whose image is in an rbd pool the destination shares gets its
 * derived record (so it stays, and is not made anew); the others stay
 * without one, for {@link rebuildPlans}. Nothing is written here.
 */
export const withSharedVolumes = async (dst: HostServices, view: InstanceView): Step<SharedVolumes> => {
  // An instance with no row at all has its usual disks looked for: no row names them.
  const rowless = isRowless(view.records, view.unplaced, view.row);
  const disks = rowless ? USUAL_BDM_DISKS : view.unplaced;
  if (disks.length === 0) return E.right({ view, claims: new Map(), rowless });
  const records = new Map(view.records);
  const claims = new Map<DiskName, DiskMetadata>();
  const unplaced: DiskName[] = [];
  for (const disk of disks) {
    const found = await sharedVolume(dst, view, disk);
    if (E.isLeft(found)) return found;
    // A usual disk of a rowless instance that is not in the pool is one it never had, or one its facts make anew.
    if (found.right === null) {
      if (!rowless) unplaced.push(disk);
    } else {
      records.set(disk, found.right);
      claims.set(disk, found.right);
    }
  }
  return E.right({ view: { ...view, records, unplaced }, claims, rowless });
};

/**
 * The image an evacuated root is made anew from (`plan`'s action is not
 * `keep`) when its record names no image with its format (the classic
 * driver's facts derived it): the instance's own image from `facts`, else
 * the one its derived record names (nova's `image_ref` of an overlay),
 * verified into the destination's cache first. `null` when the root needs
 * none; `RECORD_MISSING` when it needs one and neither gives it, rather
 * than an empty root.
 */
export const rootImage = async (deps: LifecycleDeps, dst: HostServices, instance: InstanceId, plan: MovePlan, facts: InstanceFacts | undefined): Step<Pick<DiskMetadata, 'imageId' | 'imageFormat'> | null> => {
  if (plan.disk !== 'root' || plan.action === 'keep' || (plan.from.imageId !== null && plan.from.imageFormat !== null)) return E.right(null);
  const recorded = plan.from.imageId === null ? null : E.getOrElseW(() => null)(imageId(plan.from.imageId, 'image_id'));
  const image = facts?.image ?? recorded;
  if (image === null) {
    return E.left({
      _tag: 'RecordMissing', code: 'RECORD_MISSING', instance, disk: 'root', path: `${instance}/root`,
      message: `${instance}/root has a record derived from the classic driver’s facts, which name no image to make it anew from on ${dst.ctx.name}: give the evacuation the instance’s image`,
    });
  }
  // The caller's image is named by its argument; the one the derived record names, by that record.
  const args = new Map([[image, facts?.image === image ? 'facts.image' : `${instance}/root`]]);
  const meta = await run(deps.images.show(image));
  if (E.isLeft(meta)) return E.left(atImageArgument(meta.left, args));
  const source = { kind: 'image', imageId: image, imageFormat: meta.right.diskFormat } as const;
  const verified = await run(dst.realizer.prepare(instance, 'root', source, plan.from.size));
  return E.isLeft(verified) ? E.left(atImageArgument(verified.left, args)) : E.right({ imageId: image, imageFormat: meta.right.diskFormat });
};

/**
 * Where the source's options put a disk the classic driver made as a volume,
 * as the record an evacuation leaves behind for the source to remove when it
 * comes back (the source is down, so this is what its options say, never
 * what it holds): the volume group or pool of its `images_type`, or else the
 * one its options still name (a host moved off lvm or rbd keeps the older
 * volumes there). `null` when they name none: the source removes the
 * instance's directory, with any file of it, anyway.
 */
export const sourceVolume = (src: HostServices, instance: InstanceId, disk: DiskName): DiskMetadata | null => {
  const { options, instancesPath } = src.ctx;
  const typed = hostBackend(options);
  const imagesType = typed === 'lvm' || typed === 'rbd' ? typed : options.imagesVolumeGroup !== null ? 'lvm' : options.imagesRbdPool !== null ? 'rbd' : null;
  if (imagesType === null) return null;
  const layout = deriveLegacyLayout({ options: { ...options, imagesType }, instance, instanceDir: instanceDir(instancesPath, instance), diskInfo: null, disk });
  return E.isLeft(layout) || (layout.right.backend !== 'lvm' && layout.right.backend !== 'rbd') ? null : derivedProbe(layout.right);
};
