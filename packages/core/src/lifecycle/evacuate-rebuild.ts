import { byteSize, deriveLegacyLayout, hostBackend, instanceDir, type DiskMetadata, type DiskName, type DiskPlan, type ImageId, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Flavor } from './flavor.js';
import type { HostServices } from './host-registry.js';
import type { InstanceView } from './instance-records.js';
import type { RecordMissing } from '../errors/core-error.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { planAll, prepareAll, spawnRequests } from './spawn.js';

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
export const rebuildPlans = async (deps: LifecycleDeps, dst: HostServices, view: InstanceView, facts: InstanceFacts | undefined): Step<DiskPlan[]> => {
  const instance = view.row.instance;
  if (facts === undefined) {
    const first = view.unplaced[0];
    return first === undefined ? E.right([]) : E.left(noRecord(instance, first, HINT));
  }
  // An instance with a record for every disk it has needs nothing of its image (which may be gone from the service).
  if (view.unplaced.length === 0 && (facts.configDrive !== true || view.records.has('config'))) return E.right([]);
  const wanted = await spawnRequests(deps, { instance, host: dst.ctx.name, image: facts.image, flavor: facts.flavor, configDrive: facts.configDrive ?? false });
  if (E.isLeft(wanted)) return wanted;
  const requests = wanted.right.filter((r) => !view.records.has(r.disk));
  const unmade = view.unplaced.find((d) => !requests.some((r) => r.disk === d));
  if (unmade !== undefined) return E.left(noRecord(instance, unmade, 'and the instance’s image and flavor do not describe it'));
  const plans = await planAll(dst, instance, requests);
  if (E.isLeft(plans)) return plans;
  const verified = await prepareAll(dst, instance, plans.right);
  return E.isLeft(verified) ? verified : plans;
};

/**
 * The classic driver's disk of an rbd host, in a pool the destination
 * reaches too (nova's shared storage): it is there as it was, so it gets the
 * record the source's options derive (its size read through the
 * destination) and stays, as nova's evacuation keeps disks on shared
 * storage. `null` when the disk is no such volume, or is not there.
 */
const sharedVolume = async (dst: HostServices, view: InstanceView, disk: DiskName): Step<DiskMetadata | null> => {
  const instance = view.row.instance;
  const src = view.host.ctx;
  const layout = deriveLegacyLayout({ options: src.options, instance, instanceDir: instanceDir(src.instancesPath, instance), diskInfo: null, disk });
  if (E.isLeft(layout) || layout.right.backend !== 'rbd' || src.options.imagesRbdPool !== dst.ctx.options.imagesRbdPool) return E.right(null);
  const probe: DiskMetadata = {
    backend: 'rbd', format: 'raw', location: layout.right.location, provenance: 'derived', size: 1, imageId: null, imageFormat: null, state: 'ready',
  };
  const opened = await run(dst.realizer.open(instance, disk, probe));
  // A destination that runs no rbd driver does not share the pool, whatever its options name.
  if (E.isLeft(opened)) return opened.left.code === 'UNSUPPORTED_OPERATION' ? E.right(null) : opened;
  const state = await run(opened.right.driver.inspect(opened.right.image));
  if (E.isLeft(state) || !state.right.exists) return E.isLeft(state) ? state : E.right(null);
  const size = byteSize(state.right.virtualSize);
  return E.isLeft(size) ? size : E.right({ ...probe, size: size.right });
};

/**
 * The instance as an evacuation to `dst` sees it: each disk without a
 * record that sits in an rbd pool the destination shares gets its derived
 * record, claimed as a first touch would (so it stays, and is not made
 * anew); the others stay without one, for {@link rebuildPlans}.
 */
export const withSharedVolumes = async (deps: LifecycleDeps, dst: HostServices, view: InstanceView): Step<InstanceView> => {
  if (view.unplaced.length === 0) return E.right(view);
  const records = new Map(view.records);
  const unplaced: DiskName[] = [];
  for (const disk of view.unplaced) {
    const found = await sharedVolume(dst, view, disk);
    if (E.isLeft(found)) return found;
    if (found.right === null) {
      unplaced.push(disk);
      continue;
    }
    const claimed = await run(deps.metadata.claim(view.row.instance, disk, found.right));
    if (E.isLeft(claimed)) return claimed;
    records.set(disk, claimed.right);
  }
  return E.right({ ...view, records, unplaced });
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
  if (E.isLeft(layout) || (layout.right.backend !== 'lvm' && layout.right.backend !== 'rbd')) return null;
  const { backend, format, location } = layout.right;
  return { backend, format, location, provenance: 'derived', size: 1, imageId: null, imageFormat: null, state: 'ready' };
};
