/**
 * Markers: unique strings that stand for bytes. A disk "holds" a marker when
 * the bytes it stands for were written to it; copying a disk copies its
 * markers. A host secret is a marker `SECRET:<host>:<path>:<nonce>`, so a
 * leak is found by looking for secret markers where guests or image uploads
 * can see them.
 */

/** Prefix of every secret marker. */
export const SECRET_PREFIX = 'SECRET:';

const SECRET_MARKER = /^SECRET:([^\s:]*):(\/[^\s:]*):([0-9]+)$/;
const SECRET_IN_TEXT = /SECRET:[^\s:]*:\/[^\s:]*:[0-9]+/g;

/** A path as a marker spells it: bytes other than letters, digits and `/._~-` as `%XX`, so that no space or colon ends it. */
const spelled = (path: string): string => path.replace(/[^A-Za-z0-9/._~-]/g, (c) => encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`));

/** The secret marker of a host file (`nonce` keeps two plantings of one path apart). */
export const secretMarker = (host: string, path: string, nonce: number): string => `${SECRET_PREFIX}${host}:${spelled(path)}:${nonce}`;

/** Whether `marker` names a host secret. */
export const isSecretMarker = (marker: string): boolean => marker.startsWith(SECRET_PREFIX);

/** Host and path of a secret marker, or `null` when it is not one. */
export const parseSecretMarker = (marker: string): { readonly host: string; readonly path: string } | null => {
  const m = SECRET_MARKER.exec(marker);
  return m === null ? null : { host: m[1] ?? '', path: decodeURIComponent(m[2] ?? '') };
};

/** Every secret marker spelled out in a text (a secret read as text and written elsewhere stays a secret). */
export const secretMarkersIn = (text: string): readonly string[] => text.match(SECRET_IN_TEXT) ?? [];

/**
 * An immutable set of markers. Operations return `this` or their argument
 * whenever the result would equal one of them, so copies of a disk share one
 * set and the common cases (copying into an empty disk, a union with an empty
 * backing) allocate nothing. The secret markers are kept aside so that leak
 * checks do not scan the whole set.
 */
export class MarkerSet implements Iterable<string> {
  /** The set with no markers. */
  static readonly empty: MarkerSet = new MarkerSet(new Set(), []);

  private constructor(
    private readonly items: ReadonlySet<string>,
    /** The secret markers among the items. */
    readonly secrets: readonly string[],
  ) {}

  /** A set of the given markers. */
  static of(...markers: readonly string[]): MarkerSet {
    if (markers.length === 0) return MarkerSet.empty;
    const items = new Set(markers);
    return new MarkerSet(items, [...items].filter(isSecretMarker));
  }

  get size(): number {
    return this.items.size;
  }

  has(marker: string): boolean {
    return this.items.has(marker);
  }

  /** This set plus `marker`. */
  with(marker: string): MarkerSet {
    if (this.items.has(marker)) return this;
    const items = new Set(this.items).add(marker);
    return new MarkerSet(items, isSecretMarker(marker) ? [...this.secrets, marker] : this.secrets);
  }

  /** Whether every marker of this set is in `other`. */
  isSubsetOf(other: MarkerSet): boolean {
    if (this === other || this.size === 0) return true;
    if (this.size > other.size) return false;
    for (const m of this.items) if (!other.items.has(m)) return false;
    return true;
  }

  /** The markers of both sets. */
  union(other: MarkerSet): MarkerSet {
    if (other.isSubsetOf(this)) return this;
    if (this.isSubsetOf(other)) return other;
    const items = new Set(this.items);
    for (const m of other.items) items.add(m);
    return new MarkerSet(items, [...items].filter(isSecretMarker));
  }

  [Symbol.iterator](): Iterator<string> {
    return this.items[Symbol.iterator]();
  }

  /** The markers, sorted (for reports and assertions). */
  toSortedArray(): readonly string[] {
    return [...this.items].sort();
  }
}
