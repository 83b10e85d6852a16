/**
 * The command log: all records, none (only the count), or the last N in a
 * ring, so that a million-event simulation need not keep every argv.
 */
import type { CommandRecord } from './records.js';

/** How many command records to keep. */
export type CommandLogMode = 'all' | 'none' | { readonly last: number };

/** The command log. */
export class CommandLog {
  private readonly ring: CommandRecord[] = [];
  private start = 0;
  private total = 0;

  constructor(private readonly mode: CommandLogMode = 'all') {}

  /** Commands run so far, kept or not. */
  get count(): number {
    return this.total;
  }

  /** The next record's `seq`. */
  get nextSeq(): number {
    return this.total + 1;
  }

  add(record: CommandRecord): void {
    this.total += 1;
    if (this.mode === 'none') return;
    if (this.mode === 'all') {
      this.ring.push(record);
      return;
    }
    const cap = Math.max(0, this.mode.last);
    if (cap === 0) return;
    if (this.ring.length < cap) this.ring.push(record);
    else {
      this.ring[this.start] = record;
      this.start = (this.start + 1) % cap;
    }
  }

  /** The kept records, oldest first. */
  records(): readonly CommandRecord[] {
    return this.start === 0 ? [...this.ring] : [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
  }
}
