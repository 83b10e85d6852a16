/**
 * `disk-ledger replay --host real` as a user runs it: the built CLI in a
 * child process, real qemu-img in a temporary directory. The bundled
 * advisories whose hosts keep disks in files are replayed in both modes;
 * one needing LVM, and one needing RBD, are refused before anything runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from './run-cli.js';

/** The bundled advisories that use only flat and qcow2 disks (read from their YAML: no lvm, rbd or ploop anywhere). */
const FILE_ONLY = [
  'cve-2013-7130-live-migration',
  'cve-2014-0134-rescue',
  'cve-2016-2140-resize',
  'cve-2022-47951-vmdk-extent',
  'cve-2024-32498-qcow2-data-file',
  'cve-2024-40767-mislabelled-raw',
  'cve-2024-40767-mislabelled-raw-qcow2-host',
  'cve-2026-24708-resize-raw-header',
];

interface Run {
  readonly mode: 'metadata' | 'legacy';
  readonly host: string;
  readonly ok: boolean;
  readonly counters: { readonly probes: number; readonly leaks: number; readonly commands: number };
  readonly leaks: readonly { readonly secret: string; readonly into: string; readonly via: string }[];
  readonly expectations: readonly { readonly what: string; readonly ok: boolean }[];
}

interface Report {
  readonly scenario: string;
  readonly runs: readonly Run[];
}

const advisory = (name: string): string => `scenarios/advisories/${name}.yaml`;

/** The parts of a scenario file that say which backends it needs. */
interface ScenarioDoc {
  readonly hosts: readonly { readonly config?: { readonly images_type?: string } }[];
  readonly steps: readonly { readonly convert?: { readonly backend: string }; readonly reconfigure?: { readonly config: { readonly images_type?: string } } }[];
}

const OTHER = ['lvm', 'rbd', 'ploop'];
const needsOtherBackend = (doc: ScenarioDoc): boolean =>
  doc.hosts.some((h) => OTHER.includes(h.config?.images_type ?? '')) ||
  doc.steps.some((s) => OTHER.includes(s.convert?.backend ?? '') || OTHER.includes(s.reconfigure?.config.images_type ?? ''));

let dir = '';
let reports: readonly Report[] = [];
let code = -1;
let stderr = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-ledger-cli-real-'));
  // One child process for all of them: the replays themselves are what takes time.
  const r = await runCli(['replay', ...FILE_ONLY.map(advisory), '--host', 'real', '--mode', 'both', '--json']);
  code = r.code;
  stderr = r.stderr;
  reports = code === 0 ? (JSON.parse(r.stdout) as Report[]) : [];
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const runOf = (scenario: string, mode: Run['mode']): Run => {
  const run = reports.find((x) => x.scenario === scenario)?.runs.find((x) => x.mode === mode);
  if (run === undefined) throw new Error(`no ${mode} run of ${scenario}`);
  return run;
};

describe('disk-ledger replay --host real (built CLI, child process)', () => {
  it('replays the file-backend advisories in both modes with every expectation holding', () => {
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(reports.map((r) => r.scenario)).toEqual(FILE_ONLY);
    for (const r of reports) {
      expect(r.runs.map((x) => `${x.mode} on ${x.host}`)).toEqual(['metadata on real', 'legacy on real']);
      for (const run of r.runs) expect(run.expectations.filter((e) => !e.ok), `${r.scenario} ${run.mode}`).toEqual([]);
    }
  });

  it.each(FILE_ONLY)('%s: the metadata driver runs real commands and neither probes nor leaks', (name) => {
    const run = runOf(name, 'metadata');
    expect(run.counters).toMatchObject({ probes: 0, leaks: 0 });
    expect(run.leaks).toEqual([]);
  });

  it.each(FILE_ONLY)('%s: the classic model probes, and really copies the host file where the scenario says it leaks', async (name) => {
    const expected = (parse(await readFile(join(ROOT, advisory(name)), 'utf8')) as { expect_legacy?: { leaks?: { min: number } } }).expect_legacy;
    const run = runOf(name, 'legacy');
    expect(run.counters.probes).toBeGreaterThan(0);
    if (expected?.leaks !== undefined) {
      expect(run.counters.leaks).toBeGreaterThanOrEqual(expected.leaks.min);
      // Found by its marker, which only the secret file's bytes hold.
      expect(run.leaks.every((l) => l.secret === '/etc/shadow')).toBe(true);
    }
  });

  it.each(['resize-confirm-revert', 'resize-adds-ephemeral-and-swap', 'vmdk-images', 'ami-kernel-ramdisk'])('replays %s with every expectation holding', async (name) => {
    const r = await runCli(['replay', `scenarios/steps/${name}.yaml`, '--host', 'real', '--mode', 'both', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    const metadata = report.runs.find((x) => x.mode === 'metadata');
    expect(metadata?.counters).toMatchObject({ probes: 0, leaks: 0 });
    expect(metadata?.expectations.every((e) => e.ok)).toBe(true);
  }, 60_000);

  it.each(['legacy-reconfigured-refuses-planted-data-file', 'legacy-upgrade-refuses-unverified-base', 'classic-resize-awaiting-revert-not-migrated', 'legacy-reconfigured-qcow2-unconfirmed', 'legacy-raw-kept-after-move-to-qcow2', 'legacy-planted-backing-names-cache-entry', 'legacy-overlay-names-other-image-qcow2-host', 'legacy-overlays-kept-after-move-to-raw'])('%s: never adopts a legacy disk as something that would read a host file, with real bytes', async (name) => {
    const r = await runCli(['replay', `scenarios/fleets/${name}.yaml`, '--host', 'real', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const run = JSON.parse(r.stdout) as Run;
    expect(run.mode).toBe('metadata');
    expect(run.counters).toMatchObject({ probes: 0, leaks: 0 });
    expect(run.expectations.length).toBeGreaterThan(0);
    expect(run.expectations.every((e) => e.ok)).toBe(true);
  }, 60_000);

  it('covers every bundled advisory that uses file backends only', async () => {
    const fileOnly: string[] = [];
    for (const f of (await readdir(join(ROOT, 'scenarios/advisories'))).filter((x) => x.endsWith('.yaml'))) {
      if (!needsOtherBackend(parse(await readFile(join(ROOT, 'scenarios/advisories', f), 'utf8')) as ScenarioDoc)) fileOnly.push(f.replace(/\.yaml$/, ''));
    }
    expect(fileOnly.sort()).toEqual([...FILE_ONLY].sort());
  });

  it('exits 2 naming the directory when it cannot make its temporary directory there', async () => {
    await writeFile(join(dir, 'a-file'), 'a file, not a directory');
    for (const tmp of [join(dir, 'no-such-dir'), join(dir, 'a-file')]) {
      const r = await runCli(['replay', 'scenarios/advisories/cve-2016-2140-resize.yaml', '--host', 'real'], 120_000, { ...process.env, TMPDIR: tmp });
      expect(r.code, tmp).toBe(2);
      expect(r.stderr).toContain(`cannot make a temporary directory in ${tmp}`);
      expect(r.stderr).not.toContain('internal error');
    }
  });

  describe('when a scenario needs a tool besides qemu-img that is not installed', () => {
    // A PATH holding qemu-img and qemu-io alone: the machine of a user who installed qemu-utils and nothing else.
    const qemuOnly = async (): Promise<NodeJS.ProcessEnv> => {
      const bin = join(dir, 'qemu-only-bin');
      await mkdir(bin, { recursive: true });
      for (const tool of ['qemu-img', 'qemu-io']) {
        const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
        await symlink(real, join(bin, tool)).catch(() => undefined);
      }
      return { ...process.env, PATH: bin };
    };
    const scenario = (flavor: string, configDrive: boolean): string =>
      ['format: 1', 'name: needs-tools', 'hosts: [ { name: c1, config: { images_type: qcow2 } } ]', 'images: [ { id: img, disk_format: qcow2, virtual_size: 1GiB } ]',
        `flavors: { f: ${flavor} }`, 'steps:', `  - boot: { instance: vm1, host: c1, image: img, flavor: f, config_drive: ${String(configDrive)} }`].join('\n');

    it.each([
      ['a config drive', '{ root: 1GiB }', true, /step 0 \(boot with config_drive: true\): config drives need genisoimage on --host real, which is not installed here \(apt-get install -y genisoimage\)/],
      ['an ephemeral disk', '{ root: 1GiB, ephemeral: 1GiB }', false, /flavors\.f\.ephemeral: ephemeral disks need mkfs on --host real, which is not installed here \(apt-get install -y util-linux\)/],
      ['a swap disk', '{ root: 1GiB, swap: 512MiB }', false, /flavors\.f\.swap: swap disks need mkswap on --host real/],
    ] as const)('refuses a scenario with %s as unsupported (exit 2) before any step, naming the tool', async (_what, flavor, configDrive, message) => {
      const file = join(dir, `needs-${flavor.length}-${String(configDrive)}.yaml`);
      await writeFile(file, scenario(flavor, configDrive));
      const env = await qemuOnly();
      const r = await runCli(['replay', file, '--host', 'real'], 120_000, env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      const json = await runCli(['replay', file, '--host', 'real', '--json'], 120_000, env);
      expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'HOST_UNSUPPORTED', file } });
    });

    it('replays a scenario whose flavor needing such a tool no step uses', async () => {
      const file = join(dir, 'unused-flavor.yaml');
      await writeFile(file, scenario('{ root: 1GiB }, big: { root: 1GiB, ephemeral: 1GiB, swap: 512MiB }', false));
      const r = await runCli(['replay', file, '--host', 'real'], 120_000, await qemuOnly());
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  });

  describe('when a scenario needs a backend whose tools cannot run here', () => {
    it('refuses an LVM host with exit 2 before replaying anything, naming the scenario and host', async () => {
      const r = await runCli(['replay', 'scenarios/advisories', '--host', 'real']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('cve-2015-7548-snapshot.yaml');
      expect(r.stderr).toContain('host "compute-1"');
      expect(r.stderr).toContain('the lvm backend is unsupported on --host real');
      const json = await runCli(['replay', 'scenarios/advisories', '--host', 'real', '--json']);
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'HOST_UNSUPPORTED', file: expect.stringContaining('cve-2015-7548-snapshot.yaml') } });
    });

    it('names every scenario it cannot replay in one refusal', async () => {
      const files = ['steps/convert-layouts', 'advisories/cve-2016-2140-resize', 'steps/shelve-unshelve', 'fleets/lvm-other-tenants-volume'];
      const r = await runCli(['replay', ...files.map((f) => `scenarios/${f}.yaml`), '--host', 'real', '--json']);
      expect(r.code).toBe(2);
      const { message, files: refused } = (JSON.parse(r.stdout) as { error: { message: string; files: string[] } }).error;
      expect(refused.map((f) => f.replace(/^.*scenarios\//, '').replace(/\.yaml$/, ''))).toEqual(files.filter((f) => !f.includes('cve-2016')));
      expect(message).toMatch(/convert-layouts\.yaml: step \d+ .*unsupported on --host real/);
      expect(message).toMatch(/also unsupported there: \S*shelve-unshelve\.yaml, \S*lvm-other-tenants-volume\.yaml$/);
      expect(message).not.toContain('cve-2016-2140-resize');
    });

    it('refuses a step converting a disk to RBD with exit 2, naming the step', async () => {
      const file = join(dir, 'to-rbd.yaml');
      await writeFile(file, `format: 1
name: to-rbd
hosts:
  - { name: c1, config: { images_type: raw, images_rbd_pool: vms }, secrets: [/etc/shadow] }
images:
  - { id: cirros, disk_format: raw, virtual_size: 64MiB }
flavors:
  small: { root: 64MiB }
steps:
  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
  - convert: { instance: vm1, disk: root, backend: rbd, format: raw }
`);
      const r = await runCli(['replay', file, '--host', 'real', '--mode', 'both']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('step 1 (convert vm1/root to rbd/raw)');
      expect(r.stderr).toContain('the rbd backend is unsupported on --host real');
    });
  });
});
