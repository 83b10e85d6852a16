/**
 * Temporary roots of real replays still in use, removed if the process is
 * interrupted: a replay stopped with Ctrl-C or `kill` must not leave disk
 * images and real secret marker files behind in the temporary directory.
 * On SIGINT, SIGTERM, SIGHUP (a closed terminal or dropped SSH session) or
 * SIGQUIT every live root is removed and the process exits as the signal
 * would have ended it (128 + its number).
 */
import { rmSync } from 'node:fs';

const live = new Set<string>();
let installed = false;

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 } as const;

const onSignal = (signal: keyof typeof SIGNALS): void => {
  for (const root of live) rmSync(root, { recursive: true, force: true });
  live.clear();
  process.exit(128 + SIGNALS[signal]);
};

/** Take over those signals; called before a root is made, so that no signal finds one unguarded. */
export const guardRoots = (): void => {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.once(signal, onSignal);
};

/** Remove `root` if the process is interrupted before {@link released}. */
export const guarded = (root: string): void => {
  guardRoots();
  live.add(root);
};

/** `root` is removed (or kept on purpose) by its owner from now on. */
export const released = (root: string): void => {
  live.delete(root);
};
