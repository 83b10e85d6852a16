/**
 * Test doubles around the ports: an executor that records every spec and
 * either delegates to a real executor or answers from a script, and a
 * `HostFiles` wrapper that records every call that changes the host.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type {
  Argv,
  CommandError,
  CommandExecutor,
  CommandResult,
  CommandSpec,
  EntryKind,
  FileSystemError,
  HostFiles,
  HostPath,
} from '@disk-ledger/domain';

/** A scripted answer: `Right` output or a `CommandError`. */
export type Answer = E.Either<CommandError, CommandResult>;

/** Records every command; runs it with `inner`, or answers with `script` when there is no inner executor. */
export class RecordingExecutor implements CommandExecutor {
  readonly specs: CommandSpec[] = [];

  constructor(private readonly inner: CommandExecutor | ((spec: CommandSpec) => Answer)) {}

  /** The argvs run so far. */
  get argvs(): readonly Argv[] {
    return this.specs.map((s) => s.argv);
  }

  /** Forget what was recorded. */
  clear(): void {
    this.specs.length = 0;
  }

  /** Lazy like a real executor: the command counts when the task runs, not when it is built. */
  run(spec: CommandSpec): TE.TaskEither<CommandError, CommandResult> {
    return () => {
      this.specs.push(spec);
      const inner = this.inner;
      return typeof inner === 'function' ? Promise.resolve(inner(spec)) : inner.run(spec)();
    };
  }
}

/** Answer commands in order with `answers`; a command beyond the script fails with exit 99. */
export const inOrder = (...answers: Answer[]): ((spec: CommandSpec) => Answer) => {
  let next = 0;
  return (spec) => answers[next++] ?? failed(spec.argv, 99, `unscripted command ${spec.argv.join(' ')}`);
};

/** A successful answer printing `stdout`. */
export const ok = (stdout = ''): Answer => E.right({ exitCode: 0, stdout, stderr: '' });

/** A failed answer with an exit code and stderr. */
export const failed = (argv: Argv, exitCode: number, stderr: string): Answer =>
  E.left({ _tag: 'CommandFailed', code: 'COMMAND_FAILED', argv, exitCode, stderr, message: `${argv[0]} exited ${exitCode}` });

/** Records the `HostFiles` calls that change the host; reads pass through unrecorded. */
export class RecordingFiles implements HostFiles {
  readonly writes: string[] = [];

  constructor(private readonly inner: HostFiles) {}

  clear(): void {
    this.writes.length = 0;
  }

  /** Count the write when the task runs, as a real adapter would perform it. */
  private note<A>(what: string, task: TE.TaskEither<FileSystemError, A>): TE.TaskEither<FileSystemError, A> {
    return () => {
      this.writes.push(what);
      return task();
    };
  }

  exists(path: HostPath): TE.TaskEither<FileSystemError, boolean> {
    return this.inner.exists(path);
  }
  mkdirp(path: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.note(`mkdirp ${path}`, this.inner.mkdirp(path));
  }
  readText(path: HostPath): TE.TaskEither<FileSystemError, string> {
    return this.inner.readText(path);
  }
  writeTextAtomic(path: HostPath, text: string): TE.TaskEither<FileSystemError, void> {
    return this.note(`write ${path}`, this.inner.writeTextAtomic(path, text));
  }
  readHead(path: HostPath, length: number): TE.TaskEither<FileSystemError, Uint8Array> {
    return this.inner.readHead(path, length);
  }
  rename(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.note(`rename ${from} ${to}`, this.inner.rename(from, to));
  }
  replace(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.note(`replace ${from} ${to}`, this.inner.replace(from, to));
  }
  remove(path: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.note(`remove ${path}`, this.inner.remove(path));
  }
  list(path: HostPath): TE.TaskEither<FileSystemError, readonly string[]> {
    return this.inner.list(path);
  }
  fileSize(path: HostPath): TE.TaskEither<FileSystemError, number> {
    return this.inner.fileSize(path);
  }
  entryKind(path: HostPath): TE.TaskEither<FileSystemError, EntryKind | null> {
    return this.inner.entryKind(path);
  }
}
