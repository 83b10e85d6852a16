/**
 * One real host's command executor, as the services and the classic model
 * see it: every argv runs for real (through the inner executor), is counted,
 * and is recorded as a probe when it leaves a format to detection. When the
 * host is armed to crash, its next command takes effect and then its task
 * rejects with `InjectedCrash`, as if the host died before anyone learnt
 * the result: no caller's error handling runs, as on the in-memory host.
 */
import type { CommandError, CommandExecutor, CommandResult, CommandSpec } from '@disk-ledger/domain';
import { InjectedCrash } from '@disk-ledger/fake';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { probedImage } from './probe-argv.js';
import type { SiteRecorder } from './site-recorder.js';

export class SiteExecutor implements CommandExecutor {
  constructor(
    private readonly inner: CommandExecutor,
    readonly host: string,
    private readonly recorder: SiteRecorder,
  ) {}

  run(spec: CommandSpec): TE.TaskEither<CommandError, CommandResult> {
    return async () => {
      const crash = this.recorder.takeCrash(this.host);
      this.recorder.countCommand();
      const probed = probedImage(spec.argv);
      if (probed !== null) this.recorder.probe(this.host, spec.argv, probed);
      const result = await this.inner.run(spec)();
      if (crash) throw new InjectedCrash(this.host, spec.argv, 'after');
      return result;
    };
  }
}
