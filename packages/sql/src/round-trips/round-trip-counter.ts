/**
 * Counts round trips to the database: every statement a kysely connection
 * sends (queries, and the `begin` / `commit` / `rollback` of transactions).
 * The simulator reports the count as `dbRoundTrips`; the tests assert that
 * saveRecords costs exactly one.
 */
import type { Dialect } from 'kysely';
import { wrapConnections } from './wrap-connections.js';

/** A running count of round trips. */
export class RoundTripCounter {
  #count = 0;
  #statements: string[] = [];
  readonly #keep: number;

  /** `keep`: how many of the latest statements' SQL to remember, for diagnostics. */
  constructor(keep = 0) {
    this.#keep = keep;
  }

  /** Round trips since creation or the last reset. */
  get count(): number {
    return this.#count;
  }

  /** The SQL of the latest statements (up to `keep`). */
  get statements(): readonly string[] {
    return this.#statements;
  }

  /** Record one round trip. */
  record(sqlText: string): void {
    this.#count += 1;
    if (this.#keep > 0) {
      this.#statements.push(sqlText);
      if (this.#statements.length > this.#keep) this.#statements.shift();
    }
  }

  /** Start counting from zero. */
  reset(): void {
    this.#count = 0;
    this.#statements = [];
  }

  /** Round trips made while `run` ran (other concurrent callers' included). */
  async measure<A>(run: () => Promise<A>): Promise<{ readonly result: A; readonly roundTrips: number }> {
    const before = this.#count;
    const result = await run();
    return { result, roundTrips: this.#count - before };
  }
}

/** `dialect`, with every round trip of its connections recorded in `counter`. */
export const countingDialect = (dialect: Dialect, counter: RoundTripCounter): Dialect =>
  wrapConnections(dialect, {
    executeQuery: (inner, query) => {
      counter.record(query.sql);
      return inner.executeQuery(query);
    },
    streamQuery: (inner, query, chunkSize) => {
      counter.record(query.sql);
      return inner.streamQuery(query, chunkSize);
    },
  });
