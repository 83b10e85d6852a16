import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Argv, CommandError, CommandResult, CommandSpec } from '@disk-ledger/domain';
import { ExecaCommandExecutor, wrapLimits, type CommandEvent } from './execa-command-executor.js';

const run = (spec: CommandSpec, exec = new ExecaCommandExecutor()): Promise<E.Either<CommandError, CommandResult>> => exec.run(spec)();

const left = async (spec: CommandSpec, exec?: ExecaCommandExecutor): Promise<CommandError> => {
  const r = await run(spec, exec);
  if (E.isRight(r)) return expect.fail(`expected a failure, got exit 0 with ${JSON.stringify(r.right)}`);
  return r.left;
};

describe('ExecaCommandExecutor', () => {
  describe('when the command exits 0', () => {
    it('returns its output', async () => {
      expect(await run({ argv: ['sh', '-c', 'echo out; echo err >&2'] })).toEqual(E.right({ exitCode: 0, stdout: 'out', stderr: 'err' }));
    });
    it('runs `true`', async () => {
      expect(E.isRight(await run({ argv: ['true'] }))).toBe(true);
    });
    it('passes arguments verbatim, never through a shell', async () => {
      const r = await run({ argv: ['printf', '%s|', '$(id)', 'a b', ';', '*'] });
      expect(r).toEqual(E.right({ exitCode: 0, stdout: '$(id)|a b|;|*|', stderr: '' }));
    });
    it('runs with LC_ALL=C and stdin closed', async () => {
      const r = await run({ argv: ['sh', '-c', 'echo "$LC_ALL"; cat; echo end'] });
      expect(r).toEqual(E.right({ exitCode: 0, stdout: 'C\nend', stderr: '' }));
    });
  });

  describe('when the command exits non-zero', () => {
    it('is a CommandFailed keeping the exit code and stderr', async () => {
      const e = await left({ argv: ['sh', '-c', 'echo x >&2; exit 3'] });
      expect(e).toMatchObject({ _tag: 'CommandFailed', code: 'COMMAND_FAILED', exitCode: 3, stderr: 'x', argv: ['sh', '-c', 'echo x >&2; exit 3'] });
    });
    it('maps `false` to exit 1', async () => {
      expect(await left({ argv: ['false'] })).toMatchObject({ code: 'COMMAND_FAILED', exitCode: 1 });
    });
  });

  describe('when the command is killed', () => {
    it('is a CommandKilled with timedOut after its timeout', async () => {
      const started = Date.now();
      const e = await left({ argv: ['sleep', '5'], timeoutMs: 200 });
      expect(e).toMatchObject({ _tag: 'CommandKilled', code: 'COMMAND_KILLED', timedOut: true });
      expect(Date.now() - started).toBeLessThan(4000);
    });
    it('uses the executor default timeout when the spec names none', async () => {
      const e = await left({ argv: ['sleep', '5'] }, new ExecaCommandExecutor({ defaultTimeoutMs: 200 }));
      expect(e).toMatchObject({ code: 'COMMAND_KILLED', timedOut: true });
    });
    it('is a CommandKilled naming the signal when a signal ends it', async () => {
      expect(await left({ argv: ['sh', '-c', 'kill -9 $$'] })).toMatchObject({ code: 'COMMAND_KILLED', signal: 'SIGKILL', timedOut: false });
    });
    it('stops a command whose output exceeds the bound', async () => {
      const e = await left({ argv: ['sh', '-c', 'head -c 100000 /dev/zero'] }, new ExecaCommandExecutor({ maxBuffer: 1000 }));
      expect(e).toMatchObject({ code: 'COMMAND_KILLED', timedOut: false });
    });
  });

  describe('when the program cannot start', () => {
    it('is a CommandNotFound for a missing program', async () => {
      expect(await left({ argv: ['disk-ledger-no-such-program'] })).toMatchObject({ _tag: 'CommandNotFound', code: 'COMMAND_NOT_FOUND' });
    });
    it('is a CommandNotFound for a file that is not executable', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'dl-exec-'));
      const file = join(dir, 'not-executable');
      await writeFile(file, '#!/bin/sh\necho ran\n', { mode: 0o644 });
      try {
        expect(await left({ argv: [file] })).toMatchObject({ code: 'COMMAND_NOT_FOUND' });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    it('is a CommandNotFound, not an exception, for a NUL in the argv', async () => {
      expect(await left({ argv: ['echo', 'a\0b'] })).toMatchObject({ code: 'COMMAND_NOT_FOUND' });
    });
    it('is a CommandNotFound when prlimit cannot exec the program', async () => {
      const e = await left({ argv: ['disk-ledger-no-such-program'], limits: { cpuSeconds: 5, addressSpaceBytes: 1 << 30 } });
      expect(e).toMatchObject({ code: 'COMMAND_NOT_FOUND', argv: ['disk-ledger-no-such-program'] });
    });
    it('is a CommandNotFound when prlimit itself is missing', async () => {
      const exec = new ExecaCommandExecutor({ prlimit: 'disk-ledger-no-such-prlimit' });
      expect(await left({ argv: ['true'], limits: { cpuSeconds: 5, addressSpaceBytes: 1 << 30 } }, exec)).toMatchObject({ code: 'COMMAND_NOT_FOUND' });
    });
  });

  describe('when limits are set', () => {
    const limits = { cpuSeconds: 7, addressSpaceBytes: 512 * 1024 * 1024 };
    it('wraps the argv as prlimit --cpu --as --', () => {
      expect(wrapLimits('prlimit', ['qemu-img', 'info'], limits)).toEqual(
        E.right(['prlimit', '--cpu=7', `--as=${512 * 1024 * 1024}`, '--', 'qemu-img', 'info']),
      );
    });
    it('applies the CPU limit to the command', async () => {
      expect(await run({ argv: ['sh', '-c', 'ulimit -t'], limits })).toEqual(E.right({ exitCode: 0, stdout: '7', stderr: '' }));
    });
    it('applies the address-space limit to the command', async () => {
      expect(await run({ argv: ['sh', '-c', 'ulimit -v'], limits })).toEqual(E.right({ exitCode: 0, stdout: String(512 * 1024), stderr: '' }));
    });
    it('kills a command that exceeds its CPU time', async () => {
      const e = await left({ argv: ['sh', '-c', 'while :; do :; done'], limits: { cpuSeconds: 1, addressSpaceBytes: 1 << 30 }, timeoutMs: 20_000 });
      expect(e).toMatchObject({ code: 'COMMAND_KILLED', timedOut: false });
    });
    it('refuses limits that are not positive, running nothing', async () => {
      for (const bad of [{ cpuSeconds: 0, addressSpaceBytes: 1 }, { cpuSeconds: 1, addressSpaceBytes: -1 }, { cpuSeconds: Number.NaN, addressSpaceBytes: 1 }]) {
        const events: CommandEvent[] = [];
        const exec = new ExecaCommandExecutor({ onCommand: (ev) => events.push(ev) });
        expect(await left({ argv: ['true'], limits: bad }, exec)).toMatchObject({ code: 'COMMAND_NOT_FOUND' });
        expect(events).toEqual([]);
      }
    });
  });

  describe('when observed', () => {
    it('reports each command once with its argv, the executed argv and the outcome', async () => {
      const events: CommandEvent[] = [];
      const exec = new ExecaCommandExecutor({ onCommand: (ev) => events.push(ev) });
      const limits = { cpuSeconds: 2, addressSpaceBytes: 1 << 30 };
      await run({ argv: ['true'] }, exec);
      await run({ argv: ['false'], limits }, exec);
      expect(events.map((e) => [e.argv, e.executed[0], e.limits, e.error])).toEqual([
        [['true'], 'true', null, null],
        [['false'], 'prlimit', limits, 'COMMAND_FAILED'],
      ]);
    });
    it('ignores an observer that throws', async () => {
      const exec = new ExecaCommandExecutor({ onCommand: () => { throw new Error('observer bug'); } });
      expect(E.isRight(await run({ argv: ['true'] }, exec))).toBe(true);
    });
  });

  it('never rejects its task', async () => {
    const argvs: Argv[] = [['true'], ['false'], ['disk-ledger-no-such-program'], ['echo', '\0']];
    await expect(Promise.all(argvs.map((argv) => run({ argv })))).resolves.toHaveLength(4);
  });
});
