import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from './run-cli.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-ledger-cli-fleet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FLAGS = ['fleet', '--hosts', '6', '--instances', '30', '--events', '300', '--seed', '2'];

/** The summary without the measurements of the run. */
const withoutTiming = (stdout: string): unknown => {
  const { timing: _timing, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
  return rest;
};

/** Run `argv` under `script`, so that the CLI's stderr is a terminal; what the terminal received. */
const onTerminal = (argv: readonly string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const command = argv.map((a) => `'${a}'`).join(' ');
    execFile('script', ['-qec', command, '/dev/null'], { cwd: ROOT, timeout: 60_000 }, (error, stdout) => {
      // `script` passes on the command's status: an interrupted run ends non-zero by design.
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve(stdout);
    });
  });

describe('disk-ledger fleet (built CLI, child process)', () => {
  it('gives the terminal its cursor and line wrapping back when a run with a bar is interrupted', async () => {
    const out = await onTerminal(['timeout', '-s', 'INT', '3', process.execPath, BIN, 'fleet', '--hosts', '5', '--instances', '1000', '--events', '10000000']);
    expect(out).toContain('\u001b[?25l');
    expect(out).toMatch(/\d,\d{3}\/10,000,000 events/);
    expect(out.slice(out.lastIndexOf('\u001b[?25l'))).toContain('\u001b[?25h');
    expect(out.slice(out.lastIndexOf('\u001b[?7l'))).toContain('\u001b[?7h');
  }, 60_000);

  it('prints the summary object with --json, and plain progress lines on a stderr that is not a terminal', async () => {
    const r = await runCli([...FLAGS, '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { fleet: Record<string, unknown>; totals: { ok: number; error: number }; census: { recorded: number } };
    expect(summary.fleet).toMatchObject({ hosts: 6, instances: 30, events: 300, seed: 2, mode: 'metadata' });
    expect(summary.totals.ok + summary.totals.error).toBe(300);
    expect(summary.census.recorded).toBeGreaterThan(0);
    expect(r.stderr).toContain('fleet: 100% (300/300 events');
    expect(r.stderr).not.toContain('\r');
  });

  it('gives the same result for the same seed', async () => {
    const a = await runCli([...FLAGS, '--json']);
    const b = await runCli([...FLAGS, '--json']);
    expect(withoutTiming(b.stdout)).toEqual(withoutTiming(a.stdout));
  });

  it('prints a readable summary and writes the HTML report', async () => {
    const file = join(dir, 'fleet.html');
    const r = await runCli([...FLAGS, '--mode', 'legacy', '--report', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('events/s');
    expect(r.stdout).toContain('disks with a record');
    const html = await readFile(file, 'utf8');
    expect(html).toContain('<!DOCTYPE html>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|https?:/);
  });

  it('leaves a report path that is a link to a missing file as it was when the run is refused, and writes through it when it runs', async () => {
    const sub = await mkdtemp(join(dir, 'link-'));
    const link = join(sub, 'report.html');
    const target = join(sub, 'target.html');
    await symlink(target, link);
    const refused = await runCli(['fleet', '--hosts', '2', '--cells', '3', '--report', link]);
    expect(refused.code).toBe(2);
    expect((await readdir(sub)).sort()).toEqual(['report.html']);
    expect(await readlink(link)).toBe(target);
    const ran = await runCli([...FLAGS, '--report', link]);
    expect(ran.code).toBe(0);
    expect((await readdir(sub)).sort()).toEqual(['report.html', 'target.html']);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toContain('<!DOCTYPE html>');
  });

  it('exits 2 on an invalid flag', async () => {
    const r = await runCli(['fleet', '--events', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--events');
  });

  it('says an option the command line refuses on stdout too with --json, as it does its own refusals', async () => {
    const r = await runCli(['fleet', '--hosts', '0', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--hosts <n>' argument '0' is invalid");
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'USAGE_INVALID', message: expect.stringContaining("option '--hosts <n>' argument '0' is invalid") } });
    const unknown = await runCli(['db', 'census', '--db', 'sqlite::memory:', '--bogus', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({ error: { code: 'USAGE_INVALID', message: expect.stringContaining("unknown option '--bogus'") } });
    const clear = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--clear-instances', '--json']);
    expect(clear.code).toBe(2);
    expect(JSON.parse(clear.stdout)).toEqual({ error: { code: 'USAGE_INVALID', message: expect.stringContaining('--clear-instances needs --db') } });
    const plain = await runCli(['fleet', '--hosts', '0']);
    expect(plain.stdout).toBe('');
  });

  it('lists fleet in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain('fleet');
  });

  it('runs cells on worker threads with the same result as on one thread', async () => {
    const cells = ['fleet', '--hosts', '8', '--instances', '40', '--events', '600', '--seed', '3', '--cells', '3', '--json'];
    const [one, three] = await Promise.all([runCli([...cells, '--workers', '1']), runCli([...cells, '--workers', '3'])]);
    expect([one.code, three.code]).toEqual([0, 0]);
    expect(withoutTiming(three.stdout)).toEqual(withoutTiming(one.stdout));
    expect(JSON.parse(three.stdout)).toMatchObject({ fleet: { cells: 3, hosts: 8, events: 600 }, totals: { ok: expect.any(Number) } });
    expect(three.stderr).toContain('fleet: 100% (600/600 events');
  });

  it('exits 2 when the fleet cannot be split into the cells asked for', async () => {
    const r = await runCli(['fleet', '--hosts', '2', '--cells', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cells: 3 cells need at least 3 hosts (got 2)');
  });
});
