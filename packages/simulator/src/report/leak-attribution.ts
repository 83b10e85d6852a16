/**
 * Whose leak a leak is. A secret the classic driver copied into a disk
 * travels with that disk: when a later operation of the metadata driver
 * shows or uploads it, that is the classic driver's leak found again, not a
 * new one. Leaks are attributed in the order they happened, so only a copy
 * the classic driver made earlier can make a leak inherited. A scenario
 * replay attributes its leaks once at the end; a fleet run, step by step.
 */

/** How a leak got there when the secret file itself was read through a reference, not a copy carried in a disk or its base. */
const FOLLOWED: ReadonlySet<string> = new Set(['backing', 'data-file', 'extent', 'guest-follow']);

/** Who a leak belongs to. */
export type LeakOwner = 'classic' | 'inherited' | 'ours';

/** Attributes leaks one at a time, remembering the secrets the classic driver copied. */
export class LeakAttribution {
  private readonly classicMarkers = new Set<string>();
  /** Leaks attributed as inherited so far. */
  inherited = 0;

  /**
   * Attribute the next leak: its secret's marker, whether a step of the
   * classic driver recorded it, and how the secret got there. A secret read
   * afresh through a reference (a backing file, a data file, an extent) was
   * not carried in a disk's bytes: whoever followed the reference leaked it.
   */
  attribute(marker: string, byClassic: boolean, via?: string): LeakOwner {
    if (byClassic) {
      this.classicMarkers.add(marker);
      return 'classic';
    }
    if (via !== undefined && FOLLOWED.has(via)) return 'ours';
    if (!this.classicMarkers.has(marker)) return 'ours';
    this.inherited += 1;
    return 'inherited';
  }
}
