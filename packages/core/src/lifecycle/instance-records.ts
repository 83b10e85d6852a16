import type { DiskMetadata, DiskName, InstanceId, InstanceState } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { recordedLocation } from '../services/disk-locator.js';
import type { StoredRecord } from '../services/disk-records.js';
import type { HostServices } from './host-registry.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { confirmMove, resizeUnconfirmed, settledInstance, type SettledInstance } from './move-settle.js';
import { instanceShelved } from './shelve-settle.js';

/** An instance, its host's services, and the record of each of its local disks. */
export interface InstanceView {
  readonly row: InstanceState;
  readonly host: HostServices;
  readonly records: ReadonlyMap<DiskName, DiskMetadata>;
  /** Slots that have no record and got none (`forDelete`, or `adopt: false`), or whose record does not decode (`forDelete`): no fact places their disks. */
  readonly unplaced: readonly DiskName[];
}

/** How to load an instance. */
export interface LoadOptions {
  /** Derive records for disks that have none (default); off when the host cannot be asked (it is down): they are listed in `unplaced`. */
  readonly adopt?: boolean;
  /**
   * Leave out, in `unplaced`, instead of failing, a disk whose record does
   * not decode, and one without a record that is not on the host or whose
   * layout the classic driver's facts do not give (no or a garbled
   * `disk.info`, facts that contradict each other, a backing file refused):
   * a delete removes such disks by nova's names (the instance directory,
   * the volumes of the group and pool the options name) rather than be
   * stopped by them. A boot that failed part-way leaves rows whose disks
   * were never made.
   */
  readonly forDelete?: boolean;
  /** Complete disks whose record is still `creating` (a crash part-way) before an operation reads their data. */
  readonly complete?: boolean;
  /**
   * What to do when a resize waits for confirm or revert: refuse the
   * operation (default), go on with the instance on its destination
   * (`allow`: reboots, snapshot), or confirm it first (`confirm`: delete).
   */
  readonly unconfirmed?: 'refuse' | 'allow' | 'confirm';
  /** Go on with a shelved instance (delete), taking its shelve as it is, instead of `INSTANCE_SHELVED` (default). */
  readonly shelved?: 'refuse' | 'allow';
  /**
   * A disk the operation removes (unrescue's rescue disk): without a record,
   * it is left out, in `unplaced`, where the classic driver's facts do not
   * give its layout or its chain is refused, as `forDelete` leaves out any
   * disk, and the operation removes it by nova's names.
   */
  readonly discarding?: DiskName;
}

/** What the classic driver's facts fail to say of a disk: a delete removes it by nova's names instead. */
const FACT_ERRORS: ReadonlySet<string> = new Set([
  'LEGACY_DISK_MISSING', 'LEGACY_FACTS_MISSING', 'LEGACY_FACTS_CONTRADICT', 'DISK_INFO_CORRUPT', 'LEGACY_BACKING_REFUSED', 'DISK_FORMAT_MISMATCH',
  'DISK_NOT_REGULAR_FILE',
]);

/**
 * Whether an instance has no row at all though it was booted from an image:
 * a shelve here dropped its rows, and a compute not yet upgraded unshelved
 * it, making its disks without rows. (One booted from a volume, without
 * local disks, has none either, and nothing is looked for.)
 */
export const isRowless = (records: ReadonlyMap<DiskName, DiskMetadata>, unrecorded: readonly DiskName[], row: InstanceState): boolean =>
  records.size === 0 && unrecorded.length === 0 && row.imageRef !== null;

/** Whether the instance has records and every one was written when its disk was made. */
const bornWithRecords = (records: ReadonlyMap<DiskName, DiskMetadata>): boolean => {
  if (records.size === 0) return false;
  for (const meta of records.values()) if (meta.provenance !== 'created') return false;
  return true;
};

/**
 * Derive and claim records for disks that have none: BDM rows without
 * `driver_info`, and instance-level disks only `disk.info` names (those may
 * be stale: one that is not on the host is simply not there).
 */
const adoptPending = async (host: HostServices, row: InstanceState, records: Map<DiskName, DiskMetadata>, pending: readonly DiskName[], options: LoadOptions): Step<readonly DiskName[]> => {
  const instance = row.instance;
  // An image-backed instance with no row at all had its rows dropped by a shelve here, and a compute not yet upgraded
  // unshelved it: its usual disks are looked for. One booted from a volume, without local disks, is not looked at
  // (one that has them is taken over when its shelve settles: shelve-settle.ts).
  const rowless = isRowless(records, pending, row);
  // An instance whose every disk was made with its record was born on an upgraded host, and the classic
  // driver never runs on one (nor is an instance moved to a host that awaits its upgrade): nothing of it
  // can be the classic driver's, so its host is not asked for classic leftovers on every load.
  if (pending.length === 0 && bornWithRecords(records)) return E.right([]);
  const unknown = (e: { readonly code: string }, disk?: DiskName): boolean =>
    (options.forDelete === true || (disk !== undefined && disk === options.discarding)) && FACT_ERRORS.has(e.code);
  for (const disk of pending) {
    const adopted = await run(host.adoption.ensure(instance, disk));
    if (E.isLeft(adopted) && unknown(adopted.left, disk)) continue;
    if (E.isLeft(adopted)) return adopted;
    records.set(disk, adopted.right);
  }
  const hinted = await run(host.adoption.adoptHinted(instance, new Set([...records.keys(), ...pending]), rowless));
  if (E.isLeft(hinted)) return unknown(hinted.left) ? E.right([]) : hinted;
  // A disk found without a row whose facts do not place it is, for a delete, one to remove by nova's names.
  const unplaced: DiskName[] = [];
  for (const { disk, result } of hinted.right) {
    if (E.isLeft(result) && unknown(result.left, disk)) {
      unplaced.push(disk);
      continue;
    }
    if (E.isLeft(result)) return result;
    records.set(disk, result.right);
  }
  return E.right(unplaced);
};

/** Finish disks whose record is still `creating` (a crash part-way), as a hard reboot would. */
const completePending = async (host: HostServices, instance: InstanceId, records: Map<DiskName, DiskMetadata>): Step<void> => {
  for (const [disk, meta] of records) {
    if (meta.state !== 'creating') continue;
    const done = await run(host.realizer.realizeRecorded(instance, disk, meta));
    if (E.isLeft(done)) return done;
    records.set(disk, done.right);
  }
  return E.right(undefined);
};

/**
 * The instance row once an unfinished move or shelve of it has been brought
 * to rest (move-settle.ts): a crash part-way through a move is rolled back or
 * forward, and one through a shelve undone or found shelved, before anything
 * else reads the instance's records.
 */
const settledRow = async (deps: LifecycleDeps, instance: InstanceId, options: LoadOptions): Step<InstanceState> => {
  const unconfirmed = options.unconfirmed ?? 'refuse';
  const s = await settledInstance(deps, instance, options.shelved === 'allow', options.adopt !== false);
  if (E.isRight(s) && s.right.shelved !== null && options.shelved !== 'allow') return E.left(instanceShelved(instance, s.right.shelved));
  if (E.isLeft(s) || s.right.pending === null) return E.map((x: SettledInstance) => x.row)(s);
  if (unconfirmed === 'refuse') return E.left(resizeUnconfirmed(instance, s.right.pending));
  if (unconfirmed === 'allow') return E.right(s.right.row);
  const confirmed = await confirmMove(deps, instance, s.right.pending);
  return E.isLeft(confirmed) ? confirmed : E.right(s.right.row);
};

/**
 * Load an instance with a record for every local disk: disks made before
 * records existed (BDM rows without `driver_info`, and instance-level disks
 * the classic driver's `disk.info` lists) go through first-touch derivation
 * here, whichever operation reaches them first.
 */
export const loadInstance = async (deps: LifecycleDeps, instance: InstanceId, options: LoadOptions = {}): Step<InstanceView> => {
  const row = await settledRow(deps, instance, options);
  if (E.isLeft(row)) return row;
  const host = deps.hosts.get(row.right.host);
  if (E.isLeft(host)) return host;
  const stored = options.forDelete === true
    ? await run(deps.metadata.readableSlots(instance))
    : E.map((slots: ReadonlyMap<DiskName, StoredRecord>) => ({ slots, unreadable: [] }))(await run(deps.metadata.records(instance)));
  if (E.isLeft(stored)) return stored;
  const records = new Map<DiskName, DiskMetadata>();
  const pending: DiskName[] = [];
  const unreadable = [...stored.right.unreadable];
  for (const [disk, s] of stored.right.slots) {
    if (s.meta === null) {
      pending.push(disk);
      continue;
    }
    // A record that puts its disk outside what is the instance's own (a host file, another instance's volume) is
    // refused before anything is done, not at the disk it names half-way through. A delete removes that disk by
    // nova's names instead, as it does one whose record does not decode, and never touches what the record names.
    const placed = recordedLocation(host.right.ctx, instance, disk, s.meta);
    if (E.isRight(placed)) records.set(disk, s.meta);
    else if (options.forDelete === true) unreadable.push(disk);
    else return E.left({ ...placed.left, path: `${instance}/${disk}.location`, message: `record of ${instance}/${disk}: ${placed.left.message}` });
  }
  if (options.adopt === false) return E.right({ row: row.right, host: host.right, records, unplaced: [...pending, ...unreadable] });
  const adopted = await adoptPending(host.right, row.right, records, pending, options);
  if (E.isLeft(adopted)) return adopted;
  const completed = options.complete === true ? await completePending(host.right, instance, records) : E.right(undefined);
  if (E.isLeft(completed)) return completed;
  return E.right({ row: row.right, host: host.right, records, unplaced: [...pending.filter((d) => !records.has(d)), ...unreadable, ...adopted.right] });
};

/**
 * Re-make, from its record, every disk of the instance that went missing
 * (as a hard reboot would) but `except`: what an operation that restarts
 * the guest with all its disks attached must do first.
 */
export const remakeMissing = (view: InstanceView, except?: DiskName): Step<void> =>
  sequence([...view.records].filter(([disk]) => disk !== except), ([disk, meta]) => run(view.host.realizer.realizeRecorded(view.row.instance, disk, meta)));
