import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { DomainError } from '../errors/domain-error.js';

/** An argv: the program, then its arguments. Never a shell string. */
export type Argv = readonly [string, ...string[]];

/** Resource limits for commands that inspect untrusted images (SECURITY.md rule 4). */
export interface ResourceLimits {
  /** CPU time in seconds. */
  readonly cpuSeconds: number;
  /** Address space in bytes. */
  readonly addressSpaceBytes: number;
}

/** One command to run. */
export interface CommandSpec {
  readonly argv: Argv;
  /** Killed after this many milliseconds; the executor has a default. */
  readonly timeoutMs?: number;
  /** Limits for untrusted inspection; absent for trusted commands. */
  readonly limits?: ResourceLimits;
}

/** What a command that exited 0 printed. */
export interface CommandResult {
  readonly exitCode: 0;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command ran and exited non-zero; exit code and stderr are kept. */
export interface CommandFailed extends DomainError<'CommandFailed', 'COMMAND_FAILED'> {
  readonly argv: Argv;
  readonly exitCode: number;
  readonly stderr: string;
}
/** The command was killed after its timeout or by a resource limit. */
export interface CommandKilled extends DomainError<'CommandKilled', 'COMMAND_KILLED'> {
  readonly argv: Argv;
  readonly signal: string | null;
  readonly timedOut: boolean;
}
/** The program could not be started (not installed, not executable). */
export interface CommandNotFound extends DomainError<'CommandNotFound', 'COMMAND_NOT_FOUND'> {
  readonly argv: Argv;
}
/** The executor does not know this argv (the in-memory host emulates a closed set). */
export interface CommandUnsupported extends DomainError<'CommandUnsupported', 'COMMAND_UNSUPPORTED'> {
  readonly argv: Argv;
}

/**
 * The executor itself threw (or its task rejected) instead of answering:
 * whether the command ran is unknown. `path` names the method, `cause`
 * holds what was thrown.
 */
export interface ExecutorFailed extends DomainError<'ExecutorFailed', 'EXECUTOR_FAILED'> {
  readonly argv: Argv;
  readonly cause: unknown;
}

/** Why a command did not succeed: a non-zero exit, a kill, a missing program, an argv the executor does not run, or an executor that threw. */
export type CommandError = CommandFailed | CommandKilled | CommandNotFound | CommandUnsupported | ExecutorFailed;

/** Runs one argv on the host. */
export interface CommandExecutor {
  /** Run `spec.argv` without a shell; a non-zero exit is a `CommandFailed`, never a `Right`. */
  run(spec: CommandSpec): TE.TaskEither<CommandError, CommandResult>;
}

/** Render an argv for messages and logs; quoting is for humans, not for a shell. */
export const showArgv = (argv: Argv): string =>
  argv.map((a) => (/^[A-Za-z0-9_./:=,+@%-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
