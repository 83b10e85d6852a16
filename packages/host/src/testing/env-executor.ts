/** Test-only: an executor whose tools see another environment than this process. */
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { CommandError, CommandExecutor, CommandResult, CommandSpec } from '@disk-ledger/domain';

/** Runs every argv under `env <assignments>`. */
export class EnvExecutor implements CommandExecutor {
  constructor(
    private readonly inner: CommandExecutor,
    private readonly assignments: readonly string[],
  ) {}

  run(spec: CommandSpec): TE.TaskEither<CommandError, CommandResult> {
    return this.inner.run({ ...spec, argv: ['env', ...this.assignments, ...spec.argv] });
  }
}
