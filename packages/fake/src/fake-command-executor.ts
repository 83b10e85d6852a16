/**
 * Adapts the `CommandExecutor` port to the in-memory host: each argv is run
 * by the emulation of its program on one host of a `FakeCluster`, against the
 * cluster's in-memory state. Errors map as the real executor's do: a non-zero
 * exit is `CommandFailed` (exit code and stderr as the real tool prints
 * them); an argv outside docs/commands.md is `CommandUnsupported`, never a
 * silent success. Every command is logged with its host, the cluster's step
 * tag and its limits (recorded, not enforced); every format probe and every
 * leak it caused is recorded. A fault rule can fail the command or "crash"
 * it: the task then rejects with `InjectedCrash`, as if the process had died.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { showArgv, type Argv, type CommandError, type CommandExecutor, type CommandResult, type CommandSpec } from '@disk-ledger/domain';
import { newTrace, type CommandContext } from './commands/context.js';
import type { Outcome } from './commands/outcome.js';
import { runProgram } from './commands/programs.js';
import type { ClusterState } from './state/cluster-state.js';
import { InjectedCrash } from './state/faults.js';
import type { CommandOutcome } from './state/records.js';

/** The first line of `s` that is not blank, trimmed. */
const firstLine = (s: string): string => {
  // Line by line rather than splitting the whole text: every failed command (most often a probe for
  // an absent volume) has its stderr read here.
  for (let start = 0; start <= s.length; ) {
    const nl = s.indexOf('\n', start);
    const end = nl < 0 ? s.length : nl;
    const line = s.slice(start, end).trim();
    if (line !== '') return line;
    start = end + 1;
  }
  return '';
};

/** A `CommandFailed` as the real executor reports it. */
export const commandFailed = (argv: Argv, exitCode: number, stderr: string): CommandError => {
  const shown = showArgv(argv);
  return { _tag: 'CommandFailed', code: 'COMMAND_FAILED', argv, exitCode, stderr, path: shown, message: `${shown} exited ${exitCode}: ${firstLine(stderr)}` };
};

const commandUnsupported = (argv: Argv, reason: string): CommandError => ({
  _tag: 'CommandUnsupported',
  code: 'COMMAND_UNSUPPORTED',
  argv,
  path: showArgv(argv),
  message: `the in-memory host does not emulate ${showArgv(argv)}: ${reason}`,
});

/** Runs argvs on one host of a fake cluster. */
export class FakeCommandExecutor implements CommandExecutor {
  constructor(
    private readonly cluster: ClusterState,
    /** The host the commands run on. */
    readonly host: string,
  ) {
    cluster.host(host);
  }

  run(spec: CommandSpec): TE.TaskEither<CommandError, CommandResult> {
    // Async so that a crash becomes a rejected promise, not a throw from run().
    return async () => this.execute(spec);
  }

  private execute(spec: CommandSpec): E.Either<CommandError, CommandResult> {
    const state = this.cluster;
    const host = state.liveHost(this.host);
    const { argv } = spec;
    const seq = state.nextCommandSeq;
    const step = state.step;
    const log = (outcome: CommandOutcome, exitCode: number | null): void =>
      state.recordCommand({ seq, host: this.host, step, argv, limits: spec.limits ?? null, outcome, exitCode });

    const fault = state.faults.take(argv, this.host);
    if (fault !== null && (fault.effect ?? 'fail') === 'fail') {
      const exitCode = fault.exitCode ?? 1;
      log('injected-failure', exitCode);
      return E.left(commandFailed(argv, exitCode, fault.stderr ?? 'injected failure\n'));
    }
    if (fault?.effect === 'crash') {
      log('crashed', null);
      throw new InjectedCrash(this.host, argv, 'before');
    }

    const ctx: CommandContext = { state, host, argv, trace: newTrace() };
    const out = runProgram(ctx);
    for (const p of ctx.trace.probes) state.recordProbe({ seq, host: this.host, step, argv, image: p.image, detected: p.detected });
    for (const l of ctx.trace.leaks) state.recordSecretLeaks(this.host, [l.marker], l.into, l.via, argv);
    if (fault?.effect === 'crash-after') {
      log('crashed', null);
      throw new InjectedCrash(this.host, argv, 'after');
    }
    return this.answer(argv, out, log);
  }

  private answer(argv: Argv, out: Outcome, log: (o: CommandOutcome, code: number | null) => void): E.Either<CommandError, CommandResult> {
    switch (out.status) {
      case 'ok':
        log('ok', 0);
        return E.right({ exitCode: 0, stdout: out.stdout, stderr: out.stderr });
      case 'failed':
        log('failed', out.exitCode);
        return E.left(commandFailed(argv, out.exitCode, out.stderr));
      case 'unsupported':
        log('unsupported', null);
        return E.left(commandUnsupported(argv, out.reason));
    }
  }
}
