/**
 * The live BDM rows that still lack `driver_info`, kept apart so that the
 * online migration's listings never scan populated rows: all of them in id
 * order, and each host's in id order too, since the migration pages one host
 * at a time and a fleet has many.
 */

/** A row of the index: its id, and whatever the repository keeps with it. */
export interface Indexed {
  readonly id: number;
}

interface HostRows<T> {
  rows: Map<number, T>;
  /** Whether `rows` iterates in id order (a row moved in from another host may break it). */
  ordered: boolean;
  lastId: number;
}

/** Rows by id, overall and per host. */
export class UnpopulatedIndex<T extends Indexed> {
  // Ids only grow, so insertion order is id order here until a row emptied again (clearRecord) comes back.
  private all = new Map<number, { readonly item: T; host: string }>();
  private allOrdered = true;
  private allLastId = 0;
  private readonly byHost = new Map<string, HostRows<T>>();

  get size(): number {
    return this.all.size;
  }

  get(id: number): T | undefined {
    return this.all.get(id)?.item;
  }

  add(item: T, host: string): void {
    this.all.set(item.id, { item, host });
    if (item.id < this.allLastId) this.allOrdered = false;
    this.allLastId = Math.max(this.allLastId, item.id);
    const h = this.hostRows(host);
    h.rows.set(item.id, item);
    if (item.id < h.lastId) h.ordered = false;
    h.lastId = Math.max(h.lastId, item.id);
  }

  delete(id: number): void {
    const entry = this.all.get(id);
    if (entry === undefined) return;
    this.all.delete(id);
    this.byHost.get(entry.host)?.rows.delete(id);
  }

  /** The instance of these rows moved: so do the rows. */
  move(ids: Iterable<number>, host: string): void {
    for (const id of ids) {
      const entry = this.all.get(id);
      if (entry === undefined || entry.host === host) continue;
      this.byHost.get(entry.host)?.rows.delete(id);
      entry.host = host;
      const h = this.hostRows(host);
      h.rows.set(id, entry.item);
      if (id < h.lastId) h.ordered = false;
      h.lastId = Math.max(h.lastId, id);
    }
  }

  /** Rows in id order: all of them, or one host's. */
  values(host?: string): Iterable<T> {
    if (host === undefined) return this.items();
    const h = this.byHost.get(host);
    if (h === undefined) return [];
    if (!h.ordered) {
      h.rows = new Map([...h.rows].sort(([a], [b]) => a - b));
      h.ordered = true;
    }
    return h.rows.values();
  }

  private *items(): Generator<T> {
    if (!this.allOrdered) {
      this.all = new Map([...this.all].sort(([a], [b]) => a - b));
      this.allOrdered = true;
    }
    for (const e of this.all.values()) yield e.item;
  }

  private hostRows(host: string): HostRows<T> {
    let h = this.byHost.get(host);
    if (h === undefined) {
      h = { rows: new Map(), ordered: true, lastId: 0 };
      this.byHost.set(host, h);
    }
    return h;
  }
}
