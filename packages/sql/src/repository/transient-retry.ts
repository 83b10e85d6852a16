/**
 * Re-running a repository call that the database aborted for a reason of its
 * own: a deadlock between concurrent writers, or a serialisation failure.
 * Every repository method is one statement or one transaction, which the
 * database rolled back whole when it aborted it, so running the call again
 * is what the database's own message asks for ("try restarting
 * transaction"). Other failures are returned at once.
 */

/** Attempts in all, the first included. */
export const TRANSIENT_ATTEMPTS = 5;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `call`, and again (after a short, growing, jittered pause, so that the
 * writers that collided do not collide again) while it throws what
 * `isTransient` accepts, at most `attempts` times in all; the last throw
 * propagates.
 */
export const retryTransient = async <A>(isTransient: (cause: unknown) => boolean, call: () => Promise<A>, attempts = TRANSIENT_ATTEMPTS, baseMs = 5): Promise<A> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (cause) {
      if (attempt >= attempts || !isTransient(cause)) throw cause;
      await pause(baseMs * 4 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
};
