/** Connection-pool settings for the server dialects (SQLite has one in-process connection). */
export interface PoolOptions {
  /** Most connections at once (default 10). */
  readonly max?: number;
}
