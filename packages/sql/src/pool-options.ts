/** Connection-pool settings for the server dialects (SQLite has one in-process connection). */
export interface PoolOptions {
  /** Most connections at once (default 10). */
  readonly max?: number;
  /**
   * How long to wait for a server to accept and answer a new connection
   * before the call fails (default 10 s): a server that accepts TCP but never
   * answers must not hang the caller.
   */
  readonly connectTimeoutMs?: number;
}

/** The default of {@link PoolOptions.connectTimeoutMs}. */
export const CONNECT_TIMEOUT_MS = 10_000;
