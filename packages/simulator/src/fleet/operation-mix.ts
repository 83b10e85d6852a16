/**
 * Which kind of event comes next: the weights of the operation mix, as a
 * function of how full the fleet is. Boots dominate while the fleet fills,
 * then the stream settles into a churn where boots roughly balance deletes
 * and most events act on existing instances. Upgrades and online migration
 * batches are not drawn: they come on a schedule (see the event generator),
 * as an operator runs them.
 */

// ---- types

/** A kind of generated event. */
export type OperationKind =
  | 'boot'
  | 'boot_legacy'
  | 'guest_write'
  | 'reboot'
  | 'resize'
  | 'live_migrate'
  | 'evacuate'
  | 'rebuild'
  | 'snapshot'
  | 'rescue'
  | 'shelve'
  | 'convert'
  | 'delete'
  | 'reconfigure'
  | 'delete_disk_file'
  | 'delete_disk_info'
  | 'stray';

/** What the weights depend on. */
export interface MixState {
  /** Live instances. */
  readonly live: number;
  /** The most instances alive at once. */
  readonly capacity: number;
}

// ---- the mix

/** Every kind, in the order of {@link weights}. */
export const OPERATION_KINDS: readonly OperationKind[] = [
  'boot', 'boot_legacy', 'guest_write', 'reboot', 'resize', 'live_migrate', 'evacuate', 'rebuild', 'snapshot',
  'rescue', 'shelve', 'convert', 'delete', 'reconfigure', 'delete_disk_file', 'delete_disk_info', 'stray',
];

/** Weights of instance operations, once the fleet has instances (relative, per event). */
const ON_INSTANCES: Readonly<Partial<Record<OperationKind, number>>> = {
  guest_write: 18,
  reboot: 7,
  resize: 4,
  live_migrate: 4,
  evacuate: 1.5,
  rebuild: 2.5,
  snapshot: 2.5,
  rescue: 3,
  shelve: 2.5,
  convert: 2.5,
  delete: 2.5,
  delete_disk_file: 0.3,
  delete_disk_info: 0.2,
};

/**
 * Fill `out` (one slot per {@link OPERATION_KINDS} entry) with the weights for
 * this state; the array is reused so a draw allocates nothing.
 */
export const weights = (s: MixState, out: number[]): number[] => {
  const free = s.live < s.capacity ? 1 - s.live / s.capacity : 0;
  for (let i = 0; i < OPERATION_KINDS.length; i += 1) {
    const kind = OPERATION_KINDS[i];
    if (kind === undefined) continue;
    let w: number;
    switch (kind) {
      case 'boot':
        w = free > 0 ? 30 * free + 2 : 0;
        break;
      case 'boot_legacy':
        w = free > 0 ? 0.4 : 0;
        break;
      case 'reconfigure':
        w = 0.05;
        break;
      case 'stray':
        w = 0.3;
        break;
      default:
        w = s.live > 0 ? (ON_INSTANCES[kind] ?? 0) : 0;
    }
    out[i] = w;
  }
  return out;
};
