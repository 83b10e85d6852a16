/**
 * Run sizes of the security suite. CI uses the defaults; deep runs set
 * `PROPS_RUNS` and `PROPS_SEED` (see `pnpm test:props --runs N --seed S`).
 */
const int = (name: string, fallback: number, min = Number.MIN_SAFE_INTEGER): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}, got ${JSON.stringify(v)}`);
  return n;
};

/** Sequences checked against the in-memory repository (the control needs at least one). */
export const RUNS = int('PROPS_RUNS', 2000, 1);
/** Sequences checked against SQLite (slower: a real database per sequence); 0 skips them. */
export const SQLITE_RUNS = int('PROPS_SQLITE_RUNS', Math.max(1, Math.floor(RUNS / 10)), 0);
/** Fixed by default, so a CI failure replays exactly. */
export const SEED = int('PROPS_SEED', 20261125);
