import 'reflect-metadata';
import { Command } from 'commander';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFleetCommand, boundedInteger, fleetCommand, type FleetCommandDeps } from '../cli/fleet-command.js';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import type { FleetSummary } from './fleet-summary.js';

/** Dependencies that capture what the command prints; progress goes to a stream that is not a terminal. */
const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  const progress = new PassThrough();
  const progressText: string[] = [];
  progress.on('data', (b: Buffer) => progressText.push(b.toString()));
  const deps: FleetCommandDeps = { legacyDriver: (w) => new LegacyDriver(w), print: (s) => out.push(s), printErr: (s) => err.push(s), progress };
  return { deps, out, err, progressText };
};

const FLAGS = { hosts: 5, instances: 20, events: 200, seed: 3, mode: 'metadata' as const, json: false };

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-ledger-fleet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fleetCommand', () => {
  it('prints a summary table and plain progress lines when progress does not go to a terminal', async () => {
    const c = capture();
    expect(await fleetCommand(FLAGS, c.deps)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toContain('fleet: 5 hosts, up to 20 instances, 200 events, seed 3, metadata mode');
    expect(text).toMatch(/events\/s; peak RSS/);
    expect(text).toContain('disks with a record');
    expect(c.progressText.join('')).toContain('fleet: 100% (200/200 events');
    expect(c.progressText.join('').split('\n').filter((l) => l !== '').length).toBe(10);
  });

  it('prints the summary object with --json', async () => {
    const c = capture();
    expect(await fleetCommand({ ...FLAGS, json: true }, c.deps)).toBe(0);
    const summary = JSON.parse(c.out.join('\n')) as FleetSummary;
    expect(summary.fleet).toMatchObject({ hosts: 5, instances: 20, events: 200, seed: 3, mode: 'metadata' });
    expect(summary.totals.ok + summary.totals.error).toBe(200);
  });

  it('writes a self-contained HTML report with --report', async () => {
    const c = capture();
    const file = join(dir, 'fleet.html');
    expect(await fleetCommand({ ...FLAGS, report: file }, c.deps)).toBe(0);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('<svg ');
    expect(c.out.join('\n')).toContain(`report: ${file}`);
    expect((await readdir(dir)).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('writes the report through a link to the file it names, keeping the link', async () => {
    const c = capture();
    await mkdir(join(dir, 'reports'));
    await symlink(join(dir, 'reports', 'r.html'), join(dir, 'latest.html'));
    expect(await fleetCommand({ ...FLAGS, report: join(dir, 'latest.html') }, c.deps)).toBe(0);
    expect((await lstat(join(dir, 'latest.html'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'reports', 'r.html'), 'utf8')).toContain('<!DOCTYPE html>');
    expect(await readdir(join(dir, 'reports'))).toEqual(['r.html']);
  });

  describe('when the report cannot be written', () => {
    it.each([[''], ['/proc/no-report-here.html'], ['no/such/dir/r.html']])('exits 2 before running for %j, saying why', async (report) => {
      const c = capture();
      expect(await fleetCommand({ ...FLAGS, report: report.startsWith('no/') ? join(dir, report) : report }, c.deps)).toBe(2);
      expect(c.err.join('\n')).toContain('cannot write the report');
      expect(c.err.join('\n')).not.toContain('.disk-ledger-report-');
      expect(c.out).toEqual([]);
      expect(c.progressText).toEqual([]);
    });

    it('exits 1 after the run when the write fails (a full device), the summary printed all the same', async () => {
      const c = capture();
      await symlink('/dev/full', join(dir, 'full.html'));
      expect(await fleetCommand({ ...FLAGS, report: join(dir, 'full.html') }, c.deps)).toBe(1);
      expect(c.err.join('\n')).toMatch(/cannot write the report to .*full\.html: ENOSPC/);
      expect(c.out.join('\n')).toContain('disks with a record');
    });

    it('with --json, also prints the refusal as an object on stdout', async () => {
      const c = capture();
      expect(await fleetCommand({ ...FLAGS, json: true, report: join(dir, 'no/such/dir/r.html') }, c.deps)).toBe(2);
      const printed = JSON.parse(c.out.join('\n')) as { error: { code: string; message: string } };
      expect(printed.error.code).toBe('REPORT_UNWRITABLE');
      expect(printed.error.message).toContain('cannot write the report');
      expect(c.err.join('\n')).toContain(printed.error.message);
    });
  });
});

describe('addFleetCommand', () => {
  const parse = async (args: readonly string[]) => {
    const c = capture();
    let code = -1;
    const program = new Command('disk-ledger').exitOverride().configureOutput({ writeErr: (s) => c.err.push(s), writeOut: (s) => c.out.push(s) });
    addFleetCommand(program, { ...c.deps, exit: (x) => (code = x) });
    try {
      await program.parseAsync(['node', 'disk-ledger', 'fleet', ...args]);
    } catch {
      code = 2;
    }
    return { code, ...c };
  };

  it('parses the flags of the issue', async () => {
    const r = await parse(['--hosts', '4', '--instances', '10', '--events', '60', '--seed', '8', '--mode', 'legacy', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out.join('\n')) as FleetSummary).fleet).toMatchObject({ hosts: 4, instances: 10, events: 60, seed: 8, mode: 'legacy' });
  });

  it('splits the fleet into the cells asked for, and says so', async () => {
    const r = await parse(['--hosts', '6', '--instances', '20', '--events', '120', '--seed', '8', '--cells', '3', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('fleet: 6 hosts in 3 cells, up to 20 instances, 120 events, seed 8');
  });

  it('says how a fleet too big for its instances was split, when no --cells was given', async () => {
    const r = await parse(['--hosts', '200', '--instances', '3']);
    expect(r.code).toBe(2);
    expect(r.err.join('')).toContain('200 hosts make 8 cells (one per 25 hosts), which need at least 8 instances (got 3)');
  });

  it('refuses more cells than the fleet can be split into, before running anything', async () => {
    const r = await parse(['--hosts', '2', '--cells', '3']);
    expect(r.code).toBe(2);
    expect(r.err.join('')).toContain('--cells: 3 cells need at least 3 hosts (got 2)');
    expect(r.progressText).toEqual([]);
  });

  it.each([
    [['--hosts', '0']],
    [['--cells', '0']],
    [['--workers', 'two']],
    [['--events', 'many']],
    [['--seed', '1.5']],
    [['--mode', 'both']],
    [['--hosts', '0x10']],
    [['--events', '1e15']],
    [['--instances', '4.5']],
    [['--seed', '1e3']],
    [['--hosts', '100001']],
    [['--events', '1000000001']],
  ])('refuses %j', async (args) => {
    const r = await parse(args);
    expect(r.code).toBe(2);
    expect(r.err.join('')).toMatch(/error: option/);
  });
});

describe('the integer flags of fleet', () => {
  it('say which bound a count past it breaks, however far past, and refuse what is no positive decimal integer', () => {
    const hosts = boundedInteger(100_000);
    for (const big of ['100001', '99999999999999999999']) expect(() => hosts(big), big).toThrow('must be at most 100,000');
    for (const bad of ['0', '-3', '1.5', '1e3', '0x10', 'abc', '']) expect(() => hosts(bad), bad).toThrow('must be a positive integer, in decimal');
    expect(hosts(' 42 ')).toBe(42);
  });
});
