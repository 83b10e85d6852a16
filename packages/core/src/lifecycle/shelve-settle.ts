/**
 * Bringing a shelve to rest (its intent is in shelve-intent.ts). The root
 * is the point of no return: while it is on its host the instance is not
 * shelved, whatever else went, so the shelve is undone (the records come
 * back, and the disks it removed are made again from them); once it is
 * gone the instance is shelved, and the intent stays to name the image (a
 * shelve asked again answers it) until an unshelve records the disks it
 * makes, or a delete.
 */
import type { DiskMetadata, DiskName, InstanceId, InstanceState } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { InstanceShelved } from '../errors/core-error.js';
import type { DiskPresence } from '../services/recorded-disk-reader.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import type { ShelveIntent } from './shelve-intent.js';

/** The instance is shelved, as its stored shelve says. */
export const instanceShelved = (instance: InstanceId, s: ShelveIntent): InstanceShelved => ({
  _tag: 'InstanceShelved', code: 'INSTANCE_SHELVED', instance, image: s.image, host: s.host, path: instance,
  message: s.image === null
    ? `${instance} is shelved (from ${s.host}): only a shelve, an unshelve or a delete may run`
    : `${instance} is shelved to image ${s.image} (from ${s.host}): only a shelve (which answers that image), an unshelve from it or a delete may run`,
});

/**
 * The disks other than the root that the intent names and the instance has
 * records for, each made again from its record when the shelve removed it
 * (as a hard reboot would): a shelve that is undone leaves no record
 * without its disk. Best effort: a disk that cannot be made now (a full
 * volume group, an image gone) must not make the instance impossible to
 * settle or delete; its record says what it was, and the next hard reboot
 * makes it or answers why not.
 */
const remakeRemoved = async (deps: LifecycleDeps, instance: InstanceId, intent: ShelveIntent, records: ReadonlyMap<DiskName, DiskMetadata>): Step<void> => {
  const host = deps.hosts.get(intent.host);
  if (E.isLeft(host)) return host;
  return sequence([...intent.records.keys()].filter((d) => d !== 'root'), async (disk) => {
    const meta = records.get(disk);
    return meta === undefined ? E.right(undefined) : run(host.right.realizer.realizeRecorded(instance, disk, meta));
  });
};

/** Whether a disk the intent names (the root, or for an instance booted from a volume another) is on its host now. */
const diskThere = async (deps: LifecycleDeps, instance: InstanceId, intent: ShelveIntent, disk: DiskName, meta: DiskMetadata): Step<boolean> => {
  const host = deps.hosts.get(intent.host);
  if (E.isLeft(host)) return host;
  return E.map((p: DiskPresence) => p === 'present')(await run(host.right.realizer.check(instance, disk, meta)));
};

/**
 * A compute not yet upgraded unshelved the instance, without rows: its local
 * disks are the classic driver's. They get their rows and derived records
 * now, before the intent goes: later, nothing would tell them from disks of
 * another's, for an instance booted from a volume (no root, no image), nor
 * which image a root's base is the entry of, for one booted from an image
 * (the shelved one, which nova names in `image_ref` only while it spawns;
 * `image_ref` names the image the instance was first booted from). A disk
 * whose facts do not place it, or whose chain is refused, is left as the
 * classic driver's. Only when the instance's host can be asked (`adopt`).
 */
const takeOver = async (deps: LifecycleDeps, row: InstanceState, intent: ShelveIntent, adopt: boolean): Step<void> => {
  if (!adopt) return E.right(undefined);
  const host = deps.hosts.get(row.host);
  if (E.isLeft(host)) return host;
  const usual = intent.records.has('root') ? true : 'volume';
  const taken = await run(host.right.adoption.adoptHinted(row.instance, new Set(), usual, intent.image));
  if (E.isLeft(taken)) return taken;
  const failed = taken.right.find((h) => E.isLeft(h.result));
  if (failed === undefined || E.isRight(failed.result)) return E.right(undefined);
  // All or nothing: a disk taken over while another failed would be a record the settle reads as the intent's end, and
  // the instance would go on without the other disk (its root, say). The records go again; the intent stays for the
  // next settle to try once more, and the operation fails with why.
  const undone = taken.right.filter((h) => E.isRight(h.result)).map((h) => ({ disk: h.disk, meta: null }));
  const cleared = undone.length === 0 ? E.right(undefined) : await run(deps.metadata.saveAll(row.instance, undone));
  return E.isLeft(cleared) ? cleared : failed.result;
};

/**
 * Settle a shelve (shelve-intent.ts); `null` when the intent goes, else the
 * instance is shelved (the intent, kept).
 * - Records there: the shelve had not cleared them (it is undone: on its
 *   host, the disks it removed are made again from them, best effort), or
 *   an unshelve recorded its disks. The intent goes.
 * - `shelving`: while the root is on its host the shelve is undone (its
 *   records come back from the intent, the removed disks are made again).
 * - `shelved`: the classic driver of a compute not yet upgraded unshelved
 *   the instance, without records, if the instance has moved, or if its
 *   root is back where it was: the intent goes, and the disks are taken
 *   over as the classic driver's.
 * - `unshelving`: an unshelve cut before it recorded its disks.
 *
 * `asIs`: the caller (an unshelve, a delete) takes a done shelve as it is,
 * without looking for its root on the host it left. `adopt`: the instance's
 * host can be asked (not when it is down, as for an evacuation).
 */
export const settleShelve = async (deps: LifecycleDeps, row: InstanceState, intent: ShelveIntent, asIs = false, adopt = true): Step<ShelveIntent | null> => {
  const instance = row.instance;
  const home = row.host === intent.host;
  // The remake comes first, so that a crash during it leaves the intent for the next settle to remake again; a remake
  // that fails does not stop the drop.
  // `remake`: the records the instance has now, whose disks the shelve may have removed.
  const drop = async (remake: ReadonlyMap<DiskName, DiskMetadata> | null): Step<null> => {
    if (remake !== null) await remakeRemoved(deps, instance, intent, remake);
    return E.map(() => null)(await run(deps.repository.setMigration(instance, null)));
  };
  const slots = await run(deps.metadata.records(instance));
  if (E.isLeft(slots)) return slots;
  const current = new Map<DiskName, DiskMetadata>();
  for (const [disk, slot] of slots.right) if (slot.meta !== null) current.set(disk, slot.meta);
  if (current.size > 0) return drop(home && intent.status === 'shelving' ? current : null);
  const root = intent.records.get('root');
  if (intent.status === 'unshelving') return E.right(intent);
  if (root === undefined) {
    // Booted from a volume: a done shelve took the local disks only, so the instance elsewhere, or one of those disks
    // back where it was, tells that a compute not yet upgraded unshelved it. One cut part-way, or one without local
    // disks, stays shelved.
    if (intent.status !== 'shelved') return E.right(intent);
    if (home) {
      const witness = [...intent.records][0];
      if (witness === undefined || asIs) return E.right(intent);
      const there = await diskThere(deps, instance, intent, witness[0], witness[1]);
      if (E.isLeft(there)) return there;
      if (!there.right) return E.right(intent);
    }
    const taken = await takeOver(deps, row, intent, adopt);
    return E.isLeft(taken) ? taken : drop(null);
  }
  if (intent.status === 'shelved' && !home) {
    const taken = await takeOver(deps, row, intent, adopt);
    return E.isLeft(taken) ? taken : drop(null);
  }
  // An unshelve or a delete of a shelve done does not ask whether the classic driver unshelved it in place: an unshelve
  // elsewhere need not reach the host it left (which may be down), and a delete finds such disks without rows anyway.
  if (!home || (asIs && intent.status === 'shelved')) return E.right(intent);
  const there = await diskThere(deps, instance, intent, 'root', root);
  if (E.isLeft(there)) return there;
  if (!there.right) return E.right(intent);
  if (intent.status === 'shelved') {
    const taken = await takeOver(deps, row, intent, adopt);
    return E.isLeft(taken) ? taken : drop(null);
  }
  const restored = await run(deps.metadata.saveAll(instance, [...intent.records].map(([disk, meta]) => ({ disk, meta }))));
  return E.isLeft(restored) ? restored : drop(intent.records);
};
