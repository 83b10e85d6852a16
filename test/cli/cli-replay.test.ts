import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceId } from '@disk-ledger/domain';
import { openDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from './run-cli.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-ledger-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scenario = (extra: string) => `format: 1
name: cli-check
hosts:
  - name: c1
    config: { images_type: raw }
    secrets: [/etc/shadow]
images:
  - { id: cirros, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
steps:
  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
${extra}`;

/** A SQLite database at `file` holding `ids` live on host `elsewhere`, as an operator or a stopped replay left them. */
const databaseWith = async (file: string, ids: readonly string[]): Promise<string> => {
  const opened = await openDatabase(file)();
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  for (const id of ids) expect(E.isRight(await opened.right.repository.createInstance(id as InstanceId, 'elsewhere', ['root'])())).toBe(true);
  await opened.right.close();
  return file;
};

/** Each of `ids` as the database at `file` holds it now. */
const instancesIn = async (file: string, ids: readonly string[]) => {
  const after = await openDatabase(file, { migrate: 'require' })();
  if (E.isLeft(after)) throw new Error(after.left.message);
  const out = [];
  for (const id of ids) out.push(await after.right.repository.getInstance(id as InstanceId)());
  await after.right.close();
  return out;
};

describe('disk-ledger replay (built CLI, child process)', () => {
  it('replays every bundled scenario in both modes with all expectations holding', async () => {
    const r = await runCli(['replay', 'scenarios/advisories', 'scenarios/steps', 'scenarios/fleets', '--mode', 'both']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('all expectations hold');
    expect(r.code).toBe(0);
  });

  it('exits 74 and says so when its standard output cannot be written (a full disk), not 1 with a stack trace', () => {
    const full = openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [BIN, 'replay', 'scenarios/advisories/cve-2016-2140-resize.yaml', '--json'], { cwd: ROOT, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    closeSync(full);
    expect(r.status).toBe(74);
    expect(r.stderr).toBe('disk-ledger: cannot write to standard output (ENOSPC): the output is incomplete\n');
    // An invalid scenario keeps its own code: the output's failure says less.
    const bad = openSync('/dev/full', 'w');
    const invalid = spawnSync(process.execPath, [BIN, 'replay', 'package.json', '--json'], { cwd: ROOT, stdio: ['ignore', bad, 'pipe'], encoding: 'utf8' });
    closeSync(bad);
    expect(invalid.status).toBe(2);
  });

  it('prints the report object with --json', async () => {
    const r = await runCli(['replay', 'scenarios/advisories/cve-2016-2140-resize.yaml', '--json']);
    expect(r.code).toBe(0);
    const report: unknown = JSON.parse(r.stdout);
    expect(report).toMatchObject({ scenario: 'cve-2016-2140-resize', mode: 'metadata', host: 'fake', counters: { probes: 0, leaks: 0 } });
  });

  it('reports every probe with an argv, a VM opening a backing file by its format-less open', async () => {
    const r = await runCli(['replay', 'scenarios/advisories/cve-2016-2140-resize.yaml', '--mode', 'legacy', '--json']);
    const report = JSON.parse(r.stdout) as { probes: { argv: unknown; image: string }[] };
    expect(report.probes.length).toBeGreaterThan(0);
    for (const p of report.probes) expect(Array.isArray(p.argv) && p.argv.every((a) => typeof a === 'string')).toBe(true);
    expect(report.probes).toContainEqual(expect.objectContaining({ argv: ['qemu-system-x86_64', '-drive', 'file=/etc/shadow'], image: '/etc/shadow' }));
  });

  it('puts one report per mode under runs with --mode both --json', async () => {
    const r = await runCli(['replay', 'scenarios/advisories/cve-2015-7548-snapshot.yaml', '--mode', 'both', '--json']);
    const report = JSON.parse(r.stdout) as { runs: { mode: string; counters: Record<string, unknown> }[] };
    expect(report.runs.map((x) => x.mode)).toEqual(['metadata', 'legacy']);
    // The classic driver's own counts apart are a metadata-mode field: in legacy mode every count is its own.
    expect(report.runs.map((x) => 'classic' in x.counters)).toEqual([true, false]);
  });

  describe('when an expectation does not hold', () => {
    it('exits 1 and says which', async () => {
      const file = join(dir, 'failing.yaml');
      await writeFile(file, scenario('expect:\n  disks:\n    - { instance: vm1, disk: root, format: qcow2 }\n'));
      const r = await runCli(['replay', file]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('disk vm1/root format');
    });
  });

  describe('when the scenario is invalid', () => {
    it('exits 2 naming the key path', async () => {
      const file = join(dir, 'invalid.yaml');
      await writeFile(file, scenario('  - resize: { instance: vm1, to: c1, flavour: small }\n'));
      const r = await runCli(['replay', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('steps[1].resize.flavour');
    });

    it('with --json, also prints the error as an object on stdout', async () => {
      const file = join(dir, 'invalid-json.yaml');
      await writeFile(file, scenario('  - resize: { instance: vm1, to: c1, flavour: small }\n'));
      const r = await runCli(['replay', file, '--json']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'SCENARIO_INVALID', file, path: 'steps[1].resize.flavour', message: expect.stringContaining('steps[1].resize.flavour') } });
    });
  });

  it('bundles at least 15 scenarios', async () => {
    let n = 0;
    for (const d of ['advisories', 'steps', 'fleets']) n += (await readdir(join(ROOT, 'scenarios', d))).filter((f) => f.endsWith('.yaml')).length;
    expect(n).toBeGreaterThanOrEqual(15);
  });

  it('replays on a SQLite file with --db, twice, the second run reusing the names the first soft-deleted', async () => {
    const db = join(dir, 'replay.sqlite');
    for (let i = 0; i < 2; i += 1) {
      const r = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--mode', 'both', '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { runs: { counters: { dbRoundTrips: number } }[] };
      expect(report.runs[0]?.counters.dbRoundTrips).toBeGreaterThan(0);
    }
  });

  it("counts the scenario's own round trips: more work, more trips; opening the database (its migration) not among them", async () => {
    const trips = async (text: string, db?: string): Promise<number> => {
      const file = join(dir, `trips-${Math.random().toString(36).slice(2)}.yaml`);
      await writeFile(file, text);
      const r = await runCli(['replay', file, '--json', ...(db === undefined ? [] : ['--db', db])]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { counters: { dbRoundTrips: number } }).counters.dbRoundTrips;
    };
    const one = await trips(scenario(''));
    const more = await trips(scenario('  - reboot: { instance: vm1, hard: true }\n  - delete: { instance: vm1 }\n'));
    expect(one).toBeGreaterThan(0);
    expect(more).toBeGreaterThan(one);
    const db = join(dir, 'trips.sqlite');
    // The first run on a new file migrates its schema; the second finds it done: both count the same trips.
    expect(await trips(scenario(''), db)).toBe(one);
    expect(await trips(scenario('').replace(/vm1/g, 'vm2'), db)).toBe(one);
  });

  it("refuses a --db holding a live instance a scenario names, or a schema it would have to alter, and changes neither", async () => {
    const db = await databaseWith(join(dir, 'operator.sqlite'), ['vm1']);
    const r = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already holds live instance(s) vm1');
    const [still] = await instancesIn(db, ['vm1']);
    expect(still).toMatchObject({ right: { host: 'elsewhere' } });

    // A nova database not upgraded yet: the replay does not add the columns (`db upgrade` does).
    const nova = join(dir, 'nova.sqlite');
    execFileSync('sqlite3', [nova, 'CREATE TABLE instances (id INTEGER PRIMARY KEY, uuid TEXT, host TEXT, deleted INTEGER);']);
    const refused = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--db', nova]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('run `db upgrade` first');
  });

  it('with --clear-instances, soft-deletes the live instances the scenario names, and only those, then replays', async () => {
    const db = await databaseWith(join(dir, 'stopped.sqlite'), ['vm1', 'other']);
    const refused = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--clear-instances soft-deletes them first');
    const r = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--db', db, '--clear-instances']);
    expect(r.code, r.stderr).toBe(0);
    const [vm1, other] = await instancesIn(db, ['vm1', 'other']);
    expect(vm1 !== undefined && E.isLeft(vm1)).toBe(true);
    expect(other).toMatchObject({ right: { host: 'elsewhere' } });
  });

  it('with --clear-instances, says why an instance could not be soft-deleted, and which were, and replays nothing', async () => {
    const db = await databaseWith(join(dir, 'policy.sqlite'), ['vm1', 'vm2']);
    execFileSync('sqlite3', [db, "CREATE TRIGGER policy BEFORE UPDATE ON instances WHEN OLD.uuid = 'vm2' BEGIN SELECT RAISE(ABORT, 'locked by policy'); END;"]);
    const r = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--db', db, '--clear-instances', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/could not soft-delete vm2: .*locked by policy.*; soft-deleted before it: vm1$/);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'DATABASE_UNUSABLE' } });
    const live = execFileSync('sqlite3', [db, 'SELECT uuid FROM instances WHERE deleted = 0 ORDER BY uuid']).toString().trim().split('\n');
    expect(live).toEqual(['vm2']);
    const none = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--clear-instances']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--clear-instances needs --db');
  });

  it('takes the scenarios of a directory and its subdirectories, whatever the case of their extension, and nothing else', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'sub'), { recursive: true });
    await writeFile(join(tree, 'a.yaml'), scenario('').replace('name: cli-check', 'name: lower'));
    await writeFile(join(tree, 'sub', 'B.YML'), scenario('').replace('name: cli-check', 'name: upper').replace(/vm1/g, 'vm2'));
    await writeFile(join(tree, 'notes.txt'), 'not a scenario');
    const r = await runCli(['replay', tree, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { scenario: string; file: string }[]).map((x) => [x.scenario, x.file])).toEqual([['lower', join(tree, 'a.yaml')], ['upper', join(tree, 'sub', 'B.YML')]]);
  });

  it('refuses an unusable --db with exit 2', async () => {
    const r = await runCli(['replay', 'scenarios/steps/boot-every-disk.yaml', '--db', 'postgres://nobody@127.0.0.1:1/none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--db');
  });

  it('answers --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('replay');
  });
});
