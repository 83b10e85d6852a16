import type { Argv, CommandExecutor, CommandSpec } from '@disk-ledger/domain';
import { InjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { SiteExecutor } from './site-executor.js';
import { SiteRecorder } from './site-recorder.js';

/** An inner executor that only remembers what it ran. */
const recording = () => {
  const ran: Argv[] = [];
  const exec: CommandExecutor = {
    run: (spec: CommandSpec) => async () => {
      ran.push(spec.argv);
      return E.right({ exitCode: 0 as const, stdout: '', stderr: '' });
    },
  };
  return { ran, exec };
};

const INFO_PROBE: Argv = ['qemu-img', 'info', '--output=json', '/d/disk'];
const INFO_NAMED: Argv = ['qemu-img', 'info', '-f', 'raw', '--output=json', '/d/disk'];

describe('SiteExecutor', () => {
  it('runs every argv, counts it, and records a probe with its host and step', async () => {
    const recorder = new SiteRecorder();
    const { ran, exec } = recording();
    const h1 = new SiteExecutor(exec, 'h1', recorder);
    recorder.step = 3;
    await h1.run({ argv: INFO_NAMED })();
    await h1.run({ argv: INFO_PROBE })();
    expect(ran).toEqual([INFO_NAMED, INFO_PROBE]);
    expect(recorder.commandCount).toBe(2);
    expect(recorder.probes()).toEqual([{ step: 3, host: 'h1', argv: INFO_PROBE, image: '/d/disk' }]);
  });

  it('lets an armed host run its next command, then rejects with an injected crash, once', async () => {
    const recorder = new SiteRecorder();
    const { ran, exec } = recording();
    const h1 = new SiteExecutor(exec, 'h1', recorder);
    const h2 = new SiteExecutor(exec, 'h2', recorder);
    recorder.armCrash('h1');
    expect(E.isRight(await h2.run({ argv: INFO_NAMED })())).toBe(true);
    const crashed = await h1.run({ argv: INFO_NAMED })().catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(InjectedCrash);
    expect(crashed).toMatchObject({ host: 'h1', when: 'after' });
    // The command took effect before the host died.
    expect(ran).toHaveLength(2);
    expect(E.isRight(await h1.run({ argv: INFO_NAMED })())).toBe(true);
  });

  it('forgets armed crashes when faults are cleared', async () => {
    const recorder = new SiteRecorder();
    const { exec } = recording();
    recorder.armCrash('h1');
    recorder.clearFaults();
    expect(E.isRight(await new SiteExecutor(exec, 'h1', recorder).run({ argv: INFO_NAMED })())).toBe(true);
  });
});
