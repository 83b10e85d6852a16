import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FakeCluster } from './fake-cluster.js';
import { FakeCommandExecutor } from './fake-command-executor.js';
import { HostDown, InjectedCrash, isInjectedCrash } from './state/faults.js';
import { DIR, GiB, fails, failure, fileAt, ok, run, standardHosts } from './testing/run-command.js';

const disk = `${DIR}/disk`;
const create = ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)] as const;

describe('FakeCommandExecutor', () => {
  describe('when a command runs', () => {
    it('logs its argv, host, step tag, limits and outcome', async () => {
      const c = new FakeCluster(standardHosts);
      c.setStep(3);
      await ok(c, 'h1', create);
      const limits = { cpuSeconds: 30, addressSpaceBytes: GiB };
      await run(c, 'h2', ['qemu-img', 'info', '-f', 'raw', '--output=json', disk], limits);
      await run(c, 'h1', ['true']);
      expect(c.commands()).toEqual([
        { seq: 1, host: 'h1', step: 3, argv: create, limits: null, outcome: 'ok', exitCode: 0 },
        { seq: 2, host: 'h2', step: 3, argv: ['qemu-img', 'info', '-f', 'raw', '--output=json', disk], limits, outcome: 'failed', exitCode: 1 },
        { seq: 3, host: 'h1', step: 3, argv: ['true'], limits: null, outcome: 'unsupported', exitCode: null },
      ]);
      expect(c.commandCount).toBe(3);
    });

    it('runs nothing until the task is run', async () => {
      const c = new FakeCluster(standardHosts);
      const task = c.executor('h1').run({ argv: create });
      expect(c.commandCount).toBe(0);
      await task();
      expect(c.commandCount).toBe(1);
    });

    it('keeps only the last N records, or none, when asked, and still counts', async () => {
      const last = new FakeCluster({ ...standardHosts, commandLog: { last: 2 } });
      const none = new FakeCluster({ ...standardHosts, commandLog: 'none' });
      for (const c of [last, none]) for (let i = 0; i < 5; i += 1) await run(c, 'h1', ['qemu-img', 'info', `/x${i}`]);
      expect(last.commands().map((r) => r.argv[2])).toEqual(['/x3', '/x4']);
      expect(none.commands()).toEqual([]);
      expect([last.commandCount, none.commandCount]).toEqual([5, 5]);
    });
  });

  describe('when the program is unknown', () => {
    it('answers COMMAND_UNSUPPORTED with the argv, never a silent success', async () => {
      const e = await fails(new FakeCluster(standardHosts), 'h1', ['prlimit', '--cpu=30', '--', 'qemu-img', 'info', disk]);
      expect(e).toMatchObject({ _tag: 'CommandUnsupported', code: 'COMMAND_UNSUPPORTED', argv: ['prlimit', '--cpu=30', '--', 'qemu-img', 'info', disk] });
    });
  });

  describe('when a fault is injected', () => {
    it('fails the next matching command only, with the given exit code, and does not run it', async () => {
      const c = new FakeCluster(standardHosts);
      c.injectFault({ match: (argv) => argv[1] === 'create', exitCode: 3, stderr: 'boom' });
      expect(failure(await fails(c, 'h1', create))).toEqual({ tag: 'CommandFailed', exitCode: 3, stderr: 'boom' });
      expect(c.diskAt('h1', fileAt(disk))).toBeNull();
      await ok(c, 'h1', create);
      expect(c.commands().map((r) => r.outcome)).toEqual(['injected-failure', 'ok']);
    });

    it('crashes before the command: the task rejects with InjectedCrash and nothing was made', async () => {
      const c = new FakeCluster(standardHosts);
      c.injectFault({ match: (_argv, host) => host === 'h1', effect: 'crash' });
      const crash: unknown = await c.executor('h1').run({ argv: create })().catch((e: unknown) => e);
      expect(crash).toBeInstanceOf(InjectedCrash);
      expect(crash).toMatchObject({ host: 'h1', when: 'before' });
      expect(c.diskAt('h1', fileAt(disk))).toBeNull();
    });

    it('crashes after the command when asked: the disk exists but nobody learnt it', async () => {
      const c = new FakeCluster(standardHosts);
      c.injectFault({ match: () => true, effect: 'crash-after' });
      const crash: unknown = await c.executor('h1').run({ argv: create })().catch((e: unknown) => e);
      expect(isInjectedCrash(crash) && crash instanceof InjectedCrash && crash.when).toBe('after');
      expect(c.diskAt('h1', fileAt(disk))).not.toBeNull();
      expect(c.commands()[0]?.outcome).toBe('crashed');
    });
  });

  describe('when the host is down', () => {
    it('rejects every command with HostDown until it is back', async () => {
      const c = new FakeCluster(standardHosts);
      c.setHostDown('h1', true);
      await expect(c.executor('h1').run({ argv: create })()).rejects.toBeInstanceOf(HostDown);
      c.setHostDown('h1', false);
      expect(E.isRight(await run(c, 'h1', create))).toBe(true);
    });
  });

  describe('when bound to an unknown host', () => {
    it('throws at construction', () => {
      expect(() => new FakeCommandExecutor(new FakeCluster(), 'nowhere')).toThrow(/no host "nowhere"/);
    });
  });

  describe('when the same commands run twice', () => {
    it('produces the same state and logs (deterministic)', async () => {
      const script = async (): Promise<unknown> => {
        const c = new FakeCluster(standardHosts);
        await ok(c, 'h1', create);
        c.guestWrite('h1', fileAt(disk), 'raw', { kind: 'qcow2-backing-host-file', target: '/etc/shadow' });
        await ok(c, 'h1', ['qemu-img', 'convert', '-O', 'raw', disk, 'rbd:pool0/x']);
        await ok(c, 'h1', ['rbd', 'info', '--format', 'json', 'pool0/x']);
        return { disks: c.disks(), commands: c.commands(), probes: c.probes(), leaks: c.leaks() };
      };
      expect(await script()).toEqual(await script());
    });
  });
});
