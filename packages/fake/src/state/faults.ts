/**
 * Fault injection: a one-shot rule that makes the next command matching a
 * predicate fail with a `CommandFailed`, or "crash". A crash rejects the
 * command's task with {@link InjectedCrash} instead of returning a value, as
 * if the process running it had died: no error handler of the caller runs.
 * `crash-after` applies the command's effect first, so a test can tell "the
 * disk was made but nobody learnt it" from "nothing was made".
 */
import { HOST_DEATH, type Argv, type HostDeath } from '@disk-ledger/domain';

// ---- types

/** What an injected fault does. */
export type FaultEffect = 'fail' | 'crash' | 'crash-after';

/** A one-shot fault rule. */
export interface FaultSpec {
  /** Which command it hits; the first match consumes the rule. */
  readonly match: (argv: Argv, host: string) => boolean;
  /** Default `fail`. */
  readonly effect?: FaultEffect;
  /** For `fail`: exit code (default 1) and stderr (default `injected failure`). */
  readonly exitCode?: number;
  readonly stderr?: string;
}

/** The task of a command hit by a crash fault rejects with this. */
export class InjectedCrash extends Error implements HostDeath {
  override readonly name = 'InjectedCrash';
  readonly [HOST_DEATH] = true as const;

  constructor(
    readonly host: string,
    readonly argv: Argv | null,
    /** Whether the command's effect happened before the crash. */
    readonly when: 'before' | 'after',
  ) {
    super(`injected crash on ${host}${argv === null ? '' : ` ${when} ${argv.join(' ')}`}`);
  }
}

/** Operations on a host that is down reject with this. */
export class HostDown extends Error {
  override readonly name = 'HostDown';

  constructor(readonly host: string) {
    super(`host ${host} is down`);
  }
}

/** Whether `e` is an injected crash or a down host (the two ways the fake stops a caller dead). */
export const isInjectedCrash = (e: unknown): e is InjectedCrash | HostDown => e instanceof InjectedCrash || e instanceof HostDown;

// ---- the queue

/** Pending fault rules, in the order they were added. */
export class FaultQueue {
  private rules: FaultSpec[] = [];

  add(rule: FaultSpec): void {
    this.rules.push(rule);
  }

  clear(): void {
    this.rules = [];
  }

  get pending(): number {
    return this.rules.length;
  }

  /** The first rule matching this command, removed from the queue. */
  take(argv: Argv, host: string): FaultSpec | null {
    if (this.rules.length === 0) return null;
    const i = this.rules.findIndex((r) => r.match(argv, host));
    if (i < 0) return null;
    const [rule] = this.rules.splice(i, 1);
    return rule ?? null;
  }
}
