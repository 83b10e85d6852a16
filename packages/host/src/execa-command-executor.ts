/**
 * Adapts the `CommandExecutor` port to real child processes through execa:
 * an argv, never a shell (`shell: false`); `LC_ALL=C` so tools print the
 * messages the drivers match; stdin closed; a timeout and an output bound on
 * every command; `CommandSpec.limits` applied by running the argv under
 * util-linux `prlimit --cpu=<s> --as=<bytes> --`.
 *
 * Error mapping (the only place exceptions become values):
 * exit ≠ 0 → `CommandFailed` (exit code and stderr kept);
 * timeout, a signal, or output beyond `maxBuffer` → `CommandKilled`;
 * a program that cannot be started (ENOENT, EACCES, a NUL in the argv,
 * `prlimit` unable to exec it, invalid limits) → `CommandNotFound`.
 */
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  showArgv,
  type Argv,
  type CommandError,
  type CommandExecutor,
  type CommandResult,
  type CommandSpec,
  type ResourceLimits,
} from '@disk-ledger/domain';

/** What the observer hears about each command, after it ends. */
export interface CommandEvent {
  /** The argv asked for (without the `prlimit` wrapper). */
  readonly argv: Argv;
  /** The argv actually started (with the `prlimit` wrapper when limits were set). */
  readonly executed: Argv;
  readonly limits: ResourceLimits | null;
  readonly durationMs: number;
  /** `null` on success, else the error's code (`COMMAND_FAILED`, …). */
  readonly error: CommandError['code'] | null;
}

/** Options of the execa executor. */
export interface ExecaCommandExecutorOptions {
  /** Timeout for commands whose spec names none (default 10 minutes). */
  readonly defaultTimeoutMs?: number;
  /** Most bytes kept from stdout or from stderr; more kills the command (default 8 MiB). */
  readonly maxBuffer?: number;
  /** The prlimit program (default `prlimit`, found on PATH). */
  readonly prlimit?: string;
  /** Called once per command after it ends; an observer that throws is ignored. */
  readonly onCommand?: (event: CommandEvent) => void;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_MAX_BUFFER = 8 * 1024 * 1024;

/** The execa-backed executor. */
export class ExecaCommandExecutor implements CommandExecutor {
  private readonly timeoutMs: number;
  private readonly maxBuffer: number;
  private readonly prlimit: string;

  constructor(private readonly options: ExecaCommandExecutorOptions = {}) {
    this.timeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    this.prlimit = options.prlimit ?? 'prlimit';
  }

  run(spec: CommandSpec): TE.TaskEither<CommandError, CommandResult> {
    const limits = spec.limits ?? null;
    return pipe(
      TE.fromEither(limits === null ? E.right(spec.argv) : wrapLimits(this.prlimit, spec.argv, limits)),
      TE.chain((executed) => this.start(spec, executed)),
    );
  }

  private start(spec: CommandSpec, executed: Argv): TE.TaskEither<CommandError, CommandResult> {
    const [file, ...args] = executed;
    const outcome = pipe(
      TE.tryCatch(
        async () => {
          // Output is collected here rather than by execa's `buffer`: its
          // per-chunk transform pipeline costs about a millisecond per command,
          // which is most of this adapter's overhead over a bare spawn.
          const subprocess = execa(file, args, {
            shell: false,
            reject: false,
            buffer: false,
            stdin: 'ignore',
            env: { LC_ALL: 'C' },
            extendEnv: true,
            timeout: spec.timeoutMs ?? this.timeoutMs,
          });
          const stdout = bounded(subprocess.stdout, this.maxBuffer, () => subprocess.kill());
          const stderr = bounded(subprocess.stderr, this.maxBuffer, () => subprocess.kill());
          const r = await subprocess;
          return { r, stdout: stdout.text(), stderr: stderr.text(), overflow: stdout.overflow() || stderr.overflow() };
        },
        (cause): CommandError => notStarted(spec.argv, cause instanceof Error ? cause.message : String(cause), cause),
      ),
      TE.chainEitherK(({ r, stdout, stderr, overflow }) =>
        classify(spec.argv, executed !== spec.argv, {
          exitCode: r.exitCode,
          signal: r.signal ?? null,
          timedOut: r.timedOut,
          isMaxBuffer: overflow,
          stdout,
          stderr,
          code: typeof r.code === 'string' ? r.code : null,
          message: typeof r.shortMessage === 'string' ? r.shortMessage : '',
        }),
      ),
    );
    return async () => {
      const started = Date.now();
      const result = await outcome();
      this.notify(spec, executed, Date.now() - started, E.isLeft(result) ? result.left.code : null);
      return result;
    };
  }

  private notify(spec: CommandSpec, executed: Argv, durationMs: number, error: CommandError['code'] | null): void {
    const observer = this.options.onCommand;
    if (observer === undefined) return;
    try {
      observer({ argv: spec.argv, executed, limits: spec.limits ?? null, durationMs, error });
    } catch {
      // An observer counts and logs; its failure must not change the command's outcome.
    }
  }
}

/** Collect a stream as UTF-8 text up to `max` bytes; past that, call `onOverflow` once and keep nothing more. */
const bounded = (stream: Readable | null, max: number, onOverflow: () => void) => {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  stream?.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > max) {
      over = true;
      onOverflow();
      return;
    }
    chunks.push(chunk);
  });
  return {
    text: (): string => Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, ''),
    overflow: (): boolean => over,
  };
};

/** `prlimit --cpu=<s> --as=<bytes> -- <argv…>`; limits must be positive (CPU rounded up to whole seconds). */
export const wrapLimits = (prlimit: string, argv: Argv, limits: ResourceLimits): E.Either<CommandError, Argv> => {
  const cpu = Math.ceil(limits.cpuSeconds);
  const as = Math.floor(limits.addressSpaceBytes);
  if (!Number.isSafeInteger(cpu) || cpu < 1 || !Number.isSafeInteger(as) || as < 1) {
    return E.left(notStarted(argv, `refused to start: invalid resource limits cpu=${limits.cpuSeconds} as=${limits.addressSpaceBytes}`));
  }
  return E.right([prlimit, `--cpu=${cpu}`, `--as=${as}`, '--', ...argv]);
};

/** The parts of an execa result the mapping reads. */
interface Outcome {
  readonly exitCode: number | undefined;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly isMaxBuffer: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** Node's spawn error code (`ENOENT`, `EACCES`) when the program never ran. */
  readonly code: string | null;
  readonly message: string;
}

/** Map an execa result to the port's outcome; see the module comment. */
export const classify = (argv: Argv, wrapped: boolean, o: Outcome): E.Either<CommandError, CommandResult> => {
  const shown = showArgv(argv);
  if (o.isMaxBuffer) {
    return E.left({ _tag: 'CommandKilled', code: 'COMMAND_KILLED', argv, signal: o.signal, timedOut: false, path: shown, message: `${shown}: output exceeded the bound and the command was stopped` });
  }
  if (o.timedOut) {
    return E.left({ _tag: 'CommandKilled', code: 'COMMAND_KILLED', argv, signal: o.signal, timedOut: true, path: shown, message: `${shown}: timed out` });
  }
  if (o.signal !== null) {
    return E.left({ _tag: 'CommandKilled', code: 'COMMAND_KILLED', argv, signal: o.signal, timedOut: false, path: shown, message: `${shown}: killed by ${o.signal}` });
  }
  if (o.exitCode === undefined) return E.left(notStarted(argv, o.code === null ? o.message : `${o.code}: ${o.message}`));
  // prlimit execs the program in place; when it cannot, it says so and exits 127.
  if (wrapped && o.exitCode === 127 && /^prlimit: failed to execute/m.test(o.stderr)) return E.left(notStarted(argv, o.stderr.trim()));
  if (o.exitCode !== 0) {
    return E.left({
      _tag: 'CommandFailed',
      code: 'COMMAND_FAILED',
      argv,
      exitCode: o.exitCode,
      stderr: o.stderr,
      path: shown,
      message: `${shown} exited ${o.exitCode}${o.stderr.trim() === '' ? '' : `: ${o.stderr.trim().split('\n').slice(-3).join(' | ')}`}`,
    });
  }
  return E.right({ exitCode: 0, stdout: o.stdout, stderr: o.stderr });
};

const notStarted = (argv: Argv, why: string, cause?: unknown): CommandError => ({
  _tag: 'CommandNotFound',
  code: 'COMMAND_NOT_FOUND',
  argv,
  path: showArgv(argv),
  message: `could not start ${argv[0]}: ${why}`,
  cause,
});
