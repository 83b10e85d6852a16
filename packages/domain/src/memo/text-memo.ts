import type * as E from 'fp-ts/lib/Either.js';

/** Entries before the memo is cleared. */
const LIMIT = 8192;
/** Longest text kept (records and `disk.info` files are a few hundred characters). */
const MAX_TEXT = 4096;

/**
 * Successful decodes kept by their exact text. Stored texts (records,
 * `disk.info`) are read far more often than written, and decoding is a
 * pure function of the text, so a text decoded before gives what it gave
 * then. Bounded (cleared when full) and skipping long texts, so hostile or
 * odd input cannot make it hold much; failures are never kept (they are
 * rare and carry the parser's error). Kept values are shared between
 * callers: they must be read-only.
 */
export class TextMemo<A> {
  private readonly kept = new Map<string, E.Right<A>>();

  /** What `text` decoded to before, if it is still kept. */
  get(text: string): E.Right<A> | undefined {
    return this.kept.get(text);
  }

  /** Keep `value` as what `text` decodes to; the frozen success to return. */
  keep(text: string, value: A): E.Right<A> {
    const right: E.Right<A> = Object.freeze({ _tag: 'Right', right: value } as const);
    if (text.length > MAX_TEXT) return right;
    if (this.kept.size >= LIMIT) this.kept.clear();
    this.kept.set(text, right);
    return right;
  }
}
