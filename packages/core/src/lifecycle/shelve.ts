import { imageId, invalidName, planToRecord, type DiskName, type ImageId, type InstanceId, type InvalidName } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { InstanceShelved, RecordExists, RecordMissing } from '../errors/core-error.js';
import type { Flavor } from './flavor.js';
import { cacheDirRefusal } from '../services/disk-locator.js';
import { removeInstanceDir } from './instance-dir.js';
import { aliasedDisks, removeByNovaNames } from './nova-names.js';
import { loadInstance } from './instance-records.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { snapshotOf } from './snapshot.js';
import { decodePending, encodeShelveIntent, type ShelveIntent } from './shelve-intent.js';
import { sameDisk } from './move-place.js';
import { settledInstance } from './move-settle.js';
import { planAll, prepareAll, requestImageErrors, spawnRequests } from './spawn.js';

/** The image the `generation`-th shelve of an instance keeps its root disk in (`<instance>-shelved`, then `-shelved-2`, …). */
export const shelvedImageId = (instance: InstanceId, generation = 1): E.Either<InvalidName, ImageId> =>
  imageId(generation === 1 ? `${instance}-shelved` : `${instance}-shelved-${generation}`, 'image_id');

/** The instance whose shelve an image id's shape names (`<instance>-shelved`, `-shelved-<n>`), if it has that shape. */
const shelvedImageOwner = (image: ImageId): string | null => /^(.+)-shelved(?:-[1-9][0-9]*)?$/.exec(image)?.[1] ?? null;

const notShelved = (instance: InstanceId, image: ImageId): RecordMissing => ({
  _tag: 'RecordMissing', code: 'RECORD_MISSING', instance, disk: 'root', path: 'shelvedImage',
  message: `${instance} has no shelved image ${image} to unshelve its root disk from`,
});

const notShelvedYet = (instance: InstanceId, disk: DiskName): RecordExists => ({
  _tag: 'RecordExists', code: 'RECORD_EXISTS', instance, disk, path: `${instance}/${disk}`,
  message: `${instance} is not shelved: its ${disk} disk is still on its host (shelve it first)`,
});

/** Bounds the search for shelved images; an instance is not shelved this often. */
const MAX_GENERATIONS = 10_000;

/**
 * The id the next shelve of an instance uploads to: the first generation no
 * image has. Image ids are never reused (the image service refuses an upload
 * over an existing id, and has no delete here), so a shelve retried after a
 * failure, or after an unshelve, never collides with an earlier upload.
 */
export const nextShelvedImage = async (deps: LifecycleDeps, instance: InstanceId): Step<ImageId> => {
  for (let generation = 1; generation <= MAX_GENERATIONS; generation += 1) {
    const id = shelvedImageId(instance, generation);
    if (E.isLeft(id)) return id;
    const shown = await run(deps.images.show(id.right));
    if (E.isRight(shown)) continue;
    if (shown.left.code !== 'IMAGE_NOT_FOUND') return shown;
    return E.right(id.right);
  }
  return E.left({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message: `${instance} has been shelved more than ${MAX_GENERATIONS} times` });
};

/**
 * Store that the shelve is done: its intent, kept as `shelved`. None for an
 * instance booted from a volume without local disks: no image to answer,
 * nothing it removed. One with local disks keeps it: nothing else would
 * tell, once a compute not yet upgraded unshelved it, that the disks it
 * made without rows are its own (shelve-settle.ts).
 */
const done = async (deps: LifecycleDeps, instance: InstanceId, intent: ShelveIntent): Step<ImageId | null> => {
  const text = intent.image === null && intent.records.size === 0 ? null : encodeShelveIntent({ ...intent, status: 'shelved' });
  return E.map(() => intent.image)(await run(deps.repository.setMigration(instance, text)));
};

/**
 * Answer a shelve of a shelved instance (`INSTANCE_SHELVED`): the image its
 * shelve took. One cut after the root's removal is finished first: what was
 * left of it goes (the instance directory, best effort as below) and it is
 * stored as done.
 */
const answerShelved = async (deps: LifecycleDeps, instance: InstanceId, s: InstanceShelved): Step<ImageId | null> => {
  const row = await run(deps.repository.getInstance(instance));
  if (E.isLeft(row)) return row;
  const op = row.right.migration === null ? null : decodePending(instance, row.right.migration);
  if (op === null || E.isLeft(op) || op.right.kind !== 'shelve' || op.right.shelve.status !== 'shelving') return op !== null && E.isLeft(op) ? op : E.right(s.image);
  const host = deps.hosts.get(s.host);
  if (E.isRight(host)) await removeInstanceDir(host.right, instance);
  return done(deps, instance, op.right.shelve);
};

/**
 * Shelve: snapshot the root disk (to the next shelved-image generation),
 * store the shelve's intent (shelve-intent.ts: the image and every record),
 * then remove every other local disk, then the records, then the root disk
 * and the instance directory on its host; the intent is then kept as done
 * until an unshelve or a delete. Returns the image
 * the root went to (`null` for an instance booted from a volume): the caller
 * keeps it, as nova keeps `shelved_image_id` in the instance's
 * system_metadata, and gives it back to unshelve. A shelve cut part-way is
 * undone by the next operation while the root is still there; once the root
 * is gone the instance is shelved, and shelving it again, cut or not,
 * answers the same image.
 */
export const shelve = async (deps: LifecycleDeps, instance: InstanceId): Step<ImageId | null> => {
  const view = await loadInstance(deps, instance, { complete: true });
  if (E.isLeft(view)) return view.left.code === 'INSTANCE_SHELVED' ? answerShelved(deps, instance, view.left) : view;
  let image: ImageId | null = null;
  if (view.right.records.has('root')) {
    const next = await nextShelvedImage(deps, instance);
    if (E.isLeft(next)) return next;
    const snap = await snapshotOf(view.right, next.right);
    if (E.isLeft(snap)) return snap;
    image = next.right;
  }
  const { host, row, records } = view.right;
  const intent: ShelveIntent = { host: row.host, image, status: 'shelving', records };
  const stored = await run(deps.repository.setMigration(instance, encodeShelveIntent(intent)));
  if (E.isLeft(stored)) return stored;
  // The root goes last, once no record names it: until its record is gone a missing root is re-made from its image
  // (as a hard reboot does), which after a cut here would silently put the image back where the guest's data was.
  // Cut before, the root is there and recorded; cut after, its records come back from the intent while it is there.
  const root = records.get('root');
  const removed = await sequence([...records].filter(([disk]) => disk !== 'root'), ([disk, meta]) => run(host.realizer.remove(instance, disk, meta)));
  if (E.isLeft(removed)) return removed;
  const aliases = await removeByNovaNames(host, instance, aliasedDisks(records));
  if (E.isLeft(aliases)) return aliases;
  const cleared = await run(deps.metadata.saveAll(instance, [...records.keys()].map((disk) => ({ disk, meta: null }))));
  if (E.isLeft(cleared)) return cleared;
  if (root !== undefined) {
    const gone = await run(host.realizer.remove(instance, 'root', root));
    if (E.isLeft(gone)) return gone;
  }
  // As nova's shelve-offload destroys the guest's files: the instance directory goes too (an unshelve, here or
  // elsewhere, makes it anew), so a delete after an unshelve on another host leaves nothing here. Best effort, as
  // nova's clean-up is: the root is in its image and no record names a disk, so a failure here must not lose that image.
  await removeInstanceDir(host, instance);
  return done(deps, instance, intent);
};

/**
 * Whether a slot without a record stands for no disk: the classic driver's
 * shelve removes an instance's disks but not its block device mappings (nova
 * keeps them), so such a slot is filled when the disk is gone from the host
 * the instance was last on. A disk still there is the instance's, and an
 * unshelve would orphan it.
 */
const classicDiskGone = async (deps: LifecycleDeps, lastHost: string, instance: InstanceId, disk: DiskName): Step<boolean> => {
  const host = deps.hosts.get(lastHost);
  if (E.isLeft(host)) return host;
  const held = await run(host.right.adoption.legacyDiskAt(instance, disk));
  return E.map((at: string | null) => at === null)(held);
};

/**
 * Unshelve on any host: the disks are planned there anew, the root from the
 * image shelve returned (exactly that one: an image found by its id's shape
 * could be anyone's upload), `null` for an instance booted from a volume;
 * records first. Shelve leaves the instance no record slot, so one that is
 * there is either an unshelve cut short (the instance is on `host` and every
 * record is what this unshelve plans: it is finished, each disk made unless
 * it is whole) or disks still on a host, which this would orphan
 * (`RECORD_EXISTS`, nothing changed). A slot without a record is the
 * classic driver's: filled when its disk is gone from the instance's last
 * host (a classic shelve), else `RECORD_EXISTS` too. An instance whose
 * shelve is kept (shelve-intent.ts) unshelves only from the image that
 * shelve took (another is `INVALID_NAME`, path `shelvedImage`).
 */
export const unshelve = async (deps: LifecycleDeps, instance: InstanceId, host: string, flavor: Flavor, shelved: ImageId | null, configDrive: boolean): Step<void> => {
  const target = deps.hosts.get(host);
  if (E.isLeft(target)) return target;
  const cache = cacheDirRefusal(target.right.ctx, instance);
  if (cache !== null) return E.left(cache);
  // An instance the database does not know is INSTANCE_NOT_FOUND, not an instance without a shelved image.
  const settled = await settledInstance(deps, instance, true);
  if (E.isLeft(settled)) return settled;
  const known = settled.right.row;
  const kept = settled.right.shelved;
  const slots = await run(deps.metadata.records(instance));
  if (E.isLeft(slots)) return slots;
  const image = shelved === null ? E.right(null) : imageId(shelved, 'shelvedImage');
  if (E.isLeft(image)) return image;
  const owner = image.right === null ? null : shelvedImageOwner(image.right);
  if (owner !== null && owner !== instance) {
    return E.left(invalidName('shelvedImage', shelved ?? '', `it is the shelved image of instance ${owner}, not of ${instance}`));
  }
  if (kept !== null && kept.image !== image.right) {
    return E.left(invalidName('shelvedImage', shelved ?? 'null', `the shelve of ${instance} put its root in ${kept.image === null ? 'no image' : `image ${kept.image}`}`));
  }
  const requests = await spawnRequests(deps, { instance, host, image: image.right, flavor, configDrive }, 'shelvedImage');
  if (E.isLeft(requests)) {
    const e = requests.left;
    return image.right !== null && e._tag === 'ImageNotFound' && e.imageId === image.right ? E.left(notShelved(instance, image.right)) : requests;
  }
  const named = requestImageErrors(requests.right, 'shelvedImage', image.right, flavor.root, 'flavor.root');
  const plans = await planAll(target.right, instance, requests.right);
  if (E.isLeft(plans)) return E.left(named(plans.left));
  const planned = new Map(plans.right.map((p) => [p.disk, planToRecord(p)]));
  const emptied: DiskName[] = [];
  for (const [disk, slot] of slots.right) {
    const mine = planned.get(disk);
    if (slot.meta === null) {
      const gone = await classicDiskGone(deps, known.host, instance, disk);
      if (E.isLeft(gone)) return gone;
      if (!gone.right) return E.left(notShelvedYet(instance, disk));
      emptied.push(disk);
      continue;
    }
    const resumed = known.host === host && mine !== undefined && sameDisk(slot.meta, mine);
    if (!resumed) return E.left(notShelvedYet(instance, disk));
  }
  // What a shelve cut short had not removed yet on the host it left goes first, as its end would have (best effort, as
  // there): its instance directory, with the disk.info and logs of the disks it had. Once the intent says
  // `unshelving`, nothing tells that the shelve was cut.
  const left = kept === null || kept.status !== 'shelving' ? null : deps.hosts.get(kept.host);
  if (left !== null && E.isRight(left)) await removeInstanceDir(left.right, instance);
  const verified = await prepareAll(target.right, instance, plans.right);
  if (E.isLeft(verified)) return E.left(named(verified.left));
  // Said before the instance moves: moved without records, it is still shelved, never taken for the classic driver's unshelve.
  const begun = kept === null || kept.status === 'unshelving' ? E.right(undefined) : await run(deps.repository.setMigration(instance, encodeShelveIntent({ ...kept, status: 'unshelving' })));
  if (E.isLeft(begun)) return begun;
  const moved = await run(deps.repository.setHost(instance, host));
  if (E.isLeft(moved)) return moved;
  const fresh = plans.right.filter((p) => (slots.right.get(p.disk)?.meta ?? null) === null);
  // An empty slot the new plan has no disk for goes with the shelved disk it stood for.
  const stale = emptied.filter((d) => !planned.has(d)).map((disk) => ({ disk, meta: null }));
  const saved = await run(deps.metadata.saveAll(instance, [...fresh.map((p) => ({ disk: p.disk, meta: planToRecord(p) })), ...stale]));
  if (E.isLeft(saved)) return saved;
  // The records now say where the instance is: the shelve has nothing left to name.
  const answered = kept === null ? E.right(undefined) : await run(deps.repository.setMigration(instance, null));
  if (E.isLeft(answered)) return answered;
  // A disk an earlier attempt recorded is completed from its stored record (made again when it is `creating` or gone).
  return sequence(plans.right, async (p) => {
    const stored = slots.right.get(p.disk)?.meta ?? null;
    const made = stored === null ? await run(target.right.realizer.realize(instance, p.disk, planToRecord(p), p.source)) : await run(target.right.realizer.realizeRecorded(instance, p.disk, stored));
    return E.map(() => undefined)(made);
  });
};
