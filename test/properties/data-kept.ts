import type { DiskName } from '@disk-ledger/domain';
import type { Step } from '../../packages/simulator/src/scenario/steps.js';
import { instanceDisks } from '../../packages/simulator/src/world/disk-view.js';
import type { World } from '../../packages/simulator/src/world/world.js';
import type { Violation } from './invariants.js';

/**
 * Invariant 6, nothing lost: what a guest wrote to its root or ephemeral
 * disks is still there after every step, except where the step drops that
 * disk's data by design. Swap, the config drive and the rescue disk hold
 * nothing a guest may keep (they are made anew whenever nova needs them), so
 * only root and ephemeral disks are followed.
 */

/** The guest-written markers each followed disk of each instance shows, as a VM of the instance opens it now. */
export type GuestData = Map<string, Map<DiskName, readonly string[]>>;

const followed = (disk: DiskName): boolean => disk === 'root' || disk.startsWith('ephemeral');

/** What every unshelved instance's guest sees on its followed disks now (a disk that cannot be opened is left out). */
export const guestData = async (world: World): Promise<GuestData> => {
  const out: GuestData = new Map();
  for (const inst of world.instances.values()) {
    if (inst.shelved) continue;
    const disks = new Map<DiskName, readonly string[]>();
    for (const d of await instanceDisks(world, inst.id)) {
      if (!followed(d.disk)) continue;
      const seen = world.cluster.guestData(d.host, d.address, d.format);
      if (seen !== null) disks.set(d.disk, seen);
    }
    out.set(inst.id, disks);
  }
  return out;
};

/**
 * The disks of its instance whose data a step drops by design, whether it
 * completed or a crash cut it: a rebuild's root (re-imaged), every disk of an
 * evacuation (rebuilt on the destination; a disk on a pool both hosts share
 * keeps its data, which this check does not rely on), the ephemeral disks of
 * an unshelve (nova's shelve removes them; the root comes back from the
 * snapshot), the disk a `delete_disk_file` removes, and every disk of a
 * delete (one stopped part-way has removed some on purpose).
 */
const dropped = (step: Step, disk: DiskName): boolean => {
  switch (step.op) {
    case 'rebuild':
      return disk === 'root';
    case 'evacuate':
      return true;
    case 'unshelve':
      return disk !== 'root';
    case 'delete_disk_file':
      return step.disk === disk;
    case 'delete':
      return true;
    default:
      return false;
  }
};

/** How the step went for the check: whether its instance is checked now, and whether its drops apply. */
export interface StepFacts {
  /** Instances whose disks are not checked after this step (a crash, a vanished disk, the classic driver acting). */
  readonly exempt: ReadonlySet<string>;
  /**
   * Whether the step reached its instance: it completed, a crash cut it
   * part-way, or it failed once its intent was durable (a rebuild whose new
   * record was written); a refused step drops nothing.
   */
  readonly reached: boolean;
  /** Whether the classic driver ran the step: what it does to data is the reference model's. */
  readonly classic: boolean;
  /** Every instance the world still has (shelved or not). */
  readonly live: ReadonlySet<string>;
}

/**
 * Follows guest data across a replay: after each step, {@link check} compares
 * what guests see with what they saw before (less what the step drops), then
 * takes the new view as the expectation.
 */
export class DataKept {
  private expected: GuestData = new Map();
  /** What an instance's disks held when a resize that waits for confirm or revert began: a revert goes back to it. */
  private readonly atResize = new Map<string, Map<DiskName, readonly string[]>>();

  /** The broken promises of `step` (index `index`), given what guests see now; then the view becomes the expectation. */
  check(index: number, step: Step, now: GuestData, facts: StepFacts): Violation[] {
    const out: Violation[] = [];
    const subject = 'instance' in step ? step.instance : null;
    const next: GuestData = new Map();
    for (const [id, seen] of now) {
      const isSubject = id === subject;
      if (isSubject && facts.classic) continue;
      let before = this.expected.get(id) ?? new Map<DiskName, readonly string[]>();
      if (isSubject && step.op === 'revert_resize' && facts.reached) before = this.atResize.get(id) ?? before;
      // A delete stopped part-way has removed some disks on purpose: whatever it reached is gone by design.
      const kept = new Map([...before].filter(([disk]) => !(isSubject && (facts.reached || step.op === 'delete') && dropped(step, disk))));
      if (facts.exempt.has(id)) {
        // Checked again once the instance's next operation has recovered it; until then the expectation stands.
        next.set(id, kept);
        continue;
      }
      for (const [disk, markers] of kept) {
        const after = seen.get(disk);
        const lost = after === undefined ? markers : markers.filter((m) => !after.includes(m));
        if (lost.length > 0) {
          out.push({ invariant: '6 nothing lost', detail: `${id}/${disk} lost ${lost.length} guest write(s) (${lost.join(', ')}) at step ${index} (${step.op})${after === undefined ? ': the disk cannot be opened' : ''}` });
        }
      }
      next.set(id, seen);
    }
    // A shelved instance is not in `now`; its root's data must come back with the unshelve.
    for (const [id, kept] of this.expected) if (!now.has(id) && facts.live.has(id)) next.set(id, kept);
    if (subject !== null && step.op === 'resize' && facts.reached) {
      // An instance the classic driver made has no expectation before its first step on ours: a revert promises nothing then.
      this.atResize.set(subject, this.expected.get(subject) ?? new Map());
    }
    // A confirm or revert that failed leaves the resize waiting: a later revert still goes back to it.
    if (subject !== null && (((step.op === 'confirm_resize' || step.op === 'revert_resize') && facts.reached) || step.op === 'delete')) this.atResize.delete(subject);
    this.expected = next;
    return out;
  }
}
