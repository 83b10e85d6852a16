import 'reflect-metadata';
import * as E from 'fp-ts/lib/Either.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { inMemoryRepository, World } from '../world/world.js';
import type { RunReport } from '../report/run-report.js';
import { replay, StepRunner } from './replay.js';

/** Two hosts; `old` runs the classic driver until its `upgrade` step. */
const scenario = (steps: string): Scenario => {
  const s = loadScenario(`format: 1
name: mixed-versions
hosts:
  - { name: new, config: { images_type: raw }, secrets: [/etc/shadow] }
  - { name: old, config: { images_type: qcow2 }, secrets: [/etc/shadow] }
images:
  - { id: cirros, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB, ephemeral: 512MiB }
steps:
${steps}`, 'x.yaml');
  if (E.isLeft(s)) throw new Error(s.left.message);
  return s.right;
};

const MODES = ['metadata', 'legacy'] as const;

/** Replay a scenario in one mode on the in-memory host and database. */
const replayIn = (s: Scenario, mode: (typeof MODES)[number]): Promise<RunReport> =>
  replay(s, { mode, repository: inMemoryRepository(), legacyDriver: (w) => new LegacyDriver(w) });

/** {@link replayIn} of a scenario's text. */
const replayText = (text: string, mode: (typeof MODES)[number]): Promise<RunReport> => {
  const s = loadScenario(text, 'test.yaml');
  if (E.isLeft(s)) throw new Error(s.left.message);
  return replayIn(s.right, mode);
};

/** Each step's outcome: ok, or its error's code. */
const codes = (r: RunReport): string[] => r.steps.map((x) => (x.outcome === 'ok' ? 'ok' : (x.error?.code ?? 'error')));

const outcomes = async (s: Scenario): Promise<string[]> => codes(await replayIn(s, 'metadata'));

describe('MetadataDriver', () => {
  describe('when an instance with records would move to a host still running the classic driver', () => {
    it('refuses with HOST_NOT_UPGRADED, and moves it once the host is upgraded', async () => {
      const steps = `  - boot: { instance: vm1, host: new, image: cirros, flavor: small }
  - resize: { instance: vm1, to: old }
  - live_migrate: { instance: vm1, to: old }
  - upgrade: { host: old }
  - resize: { instance: vm1, to: old }
`;
      expect(await outcomes(scenario(steps))).toEqual(['ok', 'HOST_NOT_UPGRADED', 'HOST_NOT_UPGRADED', 'ok', 'ok']);
    });
  });

  describe('when a step runs where nova runs it', () => {
    const provenances = (r: RunReport): string[] => r.disks.map((d) => `${d.instance}/${d.disk}@${d.host}:${d.provenance ?? 'none'}`);

    it('unshelves with the destination host’s driver: a shelved instance has no disks and no records to hold it back', async () => {
      const r = await replayIn(scenario(`  - boot: { instance: vm1, host: new, image: cirros, flavor: small }
  - shelve: { instance: vm1 }
  - unshelve: { instance: vm1, host: old }
  - boot: { instance: vm2, host: old, image: cirros, flavor: small }
  - shelve: { instance: vm2 }
  - unshelve: { instance: vm2, host: new }
  - upgrade: { host: old }
`), 'metadata');
      expect(codes(r)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
      expect(provenances(r)).toEqual(['vm1/root@old:none', 'vm1/ephemeral0@old:none', 'vm2/root@new:created', 'vm2/ephemeral0@new:created']);
    });

    it('finishes a move from a host still on the classic driver onto an upgraded one with records, derived from the source’s facts', async () => {
      for (const move of ['resize: { instance: vm1, to: new }', 'live_migrate: { instance: vm1, to: new }']) {
        const r = await replayIn(scenario(`  - boot: { instance: vm1, host: old, image: cirros, flavor: small }
  - guest_write: { instance: vm1, disk: root, content: qcow2-backing-host-file, target: /etc/shadow }
  - ${move}
  - upgrade: { host: old }
`), 'metadata');
        expect(codes(r), move).toEqual(['ok', 'ok', 'ok', 'ok']);
        expect(provenances(r), move).toEqual(['vm1/root@new:derived', 'vm1/ephemeral0@new:derived']);
        expect(r.probes.filter((p) => p.step === 2), move).toEqual([]);
        expect(r.leaks.filter((l) => l.step === 2), move).toEqual([]);
      }
    });
  });

  describe('when an online migration step names a batch', () => {
    it('migrates at most that many rows in all, whichever hosts hold them', async () => {
      const r = await replayIn(scenario(`  - boot: { instance: vm1, host: new, image: cirros, flavor: small, legacy: true }
  - boot: { instance: vm2, host: old, image: cirros, flavor: small }
  - upgrade: { host: old }
  - online_migrate: { batch: 3 }`), 'metadata');
      expect(codes(r)).toEqual(['ok', 'ok', 'ok', 'ok']);
      // Each instance has two rows (root, ephemeral0): three in all, not three per host.
      expect(r.disks.filter((d) => d.provenance === 'derived')).toHaveLength(3);
    });
  });

  describe('when an evacuated source crashes while it removes what the evacuation left', () => {
    it('keeps the evacuation, and removes the rest when it is back, before the next step', async () => {
      const s = loadScenario(`format: 1
name: evacuate-cleanup-crash
hosts:
  - { name: a, config: { images_type: rbd, images_rbd_pool: pool-a } }
  - { name: b, config: { images_type: raw } }
images:
  - { id: cirros, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB, ephemeral: 512MiB }
steps:
  - boot: { instance: vm1, host: a, image: cirros, flavor: small }
  - evacuate: { instance: vm1, to: b }
  - reboot: { instance: vm1, hard: true }
`, 'x.yaml');
      if (E.isLeft(s)) throw new Error(s.left.message);
      const world = new World(s.right, inMemoryRepository(), 'metadata', 'none');
      const runner = new StepRunner(world, (w) => new LegacyDriver(w));
      const pool = (): string[] => world.cluster.disks().filter((d) => d.host === null).map((d) => d.location);
      const [boot, evacuate, reboot] = s.right.steps;
      if (boot === undefined || evacuate === undefined || reboot === undefined) throw new Error('three steps');
      expect((await runner.run(0, boot)).ok).toBe(true);
      // Host a dies after its first command of the step: the first removal of what the evacuation left there. That is
      // the source's own start, not the evacuation's work, which stands.
      const cut = await runner.run(1, evacuate, 'a');
      expect(cut.ok ? 'ok' : cut.code).toBe('ok');
      expect(world.instance('vm1')?.host).toBe('b');
      expect(pool()).toEqual(['pool-a/vm1_disk', 'pool-a/vm1_disk.eph0']);
      expect(runner.pendingLeftBehind().map((p) => p.instance)).toEqual(['vm1']);
      expect((await runner.run(2, reboot)).ok).toBe(true);
      expect(pool()).toEqual([]);
      expect(runner.pendingLeftBehind()).toEqual([]);
    });
  });

  describe('when an instance is shelved', () => {
    it('refuses everything but unshelve and delete with INSTANCE_INVALID_STATE, in both modes', async () => {
      const steps = `  - boot: { instance: vm1, host: new, image: cirros, flavor: small }
  - shelve: { instance: vm1 }
  - reboot: { instance: vm1, hard: true }
  - rescue: { instance: vm1, image: cirros }
  - snapshot: { instance: vm1, image_id: s1 }
  - resize: { instance: vm1, to: new }
  - delete: { instance: vm1 }
`;
      for (const mode of MODES) {
        expect(codes(await replayIn(scenario(steps), mode)), mode).toEqual(['ok', 'ok', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'ok']);
      }
    });

    it('runs an unshelve a crash cut short again, in both modes', async () => {
      const steps = `  - boot: { instance: vm1, host: old, image: cirros, flavor: small }
  - shelve: { instance: vm1 }
  - crash: { host: new, during: 3 }
  - unshelve: { instance: vm1, host: new }
  - reboot: { instance: vm1, hard: true }
  - unshelve: { instance: vm1, host: new }
  - reboot: { instance: vm1, hard: true }
`;
      for (const mode of MODES) {
        const r = await replayIn(scenario(steps), mode);
        expect(codes(r), mode).toEqual(['ok', 'ok', 'ok', 'HOST_CRASHED', 'INSTANCE_INVALID_STATE', 'ok', 'ok']);
        expect(r.disks.map((d) => `${d.disk}@${d.host}`), mode).toEqual(['root@new', 'ephemeral0@new']);
      }
    });
  });

  describe('when a scenario has no hosts', () => {
    it('replays its empty timeline in both modes, holding every expectation', async () => {
      const s = loadScenario('format: 1\nname: empty\nhosts: []\nsteps: []\nexpect: { probes: 0, leaks: 0 }\n', 'empty.yaml');
      if (E.isLeft(s)) throw new Error(s.left.message);
      for (const mode of MODES) {
        const r = await replayIn(s.right, mode);
        expect(r.ok).toBe(true);
        expect(r.disks).toEqual([]);
      }
    });
  });

  describe('when a shelved instance with a config drive is unshelved', () => {
    it('makes its config drive again on the new host, as it does the other disks', async () => {
      const steps = `  - boot: { instance: vm1, host: new, image: cirros, flavor: small, config_drive: true }
  - shelve: { instance: vm1 }
  - unshelve: { instance: vm1, host: new }
`;
      const r = await replayIn(scenario(steps), 'metadata');
      expect(r.steps.map((x) => x.outcome)).toEqual(['ok', 'ok', 'ok']);
      expect(r.disks.map((d) => d.disk).sort()).toEqual(['config', 'ephemeral0', 'root']);
    });
  });

  describe("when the format document's example replays with the classic model", () => {
    it('leaks the destination host’s own /etc/shadow, which that host holds though only the source declares it', async () => {
      const text = readFileSync(new URL('../scenario/testing/format-document-example.yaml', import.meta.url), 'utf8');
      const s = loadScenario(text, 'example.yaml');
      if (E.isLeft(s)) throw new Error(s.left.message);
      expect(s.right.hosts.find((h) => h.name === 'compute-2')?.secrets).toBeUndefined();
      const r = await replayIn(s.right, 'legacy');
      expect(r.steps[2]?.outcome).toBe('ok');
      expect(r.leaks.some((l) => l.secret === '/etc/shadow' && l.into.startsWith('guest compute-2:'))).toBe(true);
    });
  });

  describe('when a crash cuts the last step, a move, short', () => {
    it('reports the disks as the host coming back leaves them: the move rolled back, the source layout on the source', async () => {
      const text = `format: 1
name: cut-move
hosts:
  - { name: c1, config: { images_type: lvm, images_volume_group: vg1 } }
  - { name: c2, config: { images_type: qcow2 } }
images:
  - { id: q, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
steps:
  - boot: { instance: vm1, host: c1, image: q, flavor: small }
  - crash: { host: c2, during: 2 }
  - resize: { instance: vm1, to: c2 }
expect:
  disks:
    - { instance: vm1, disk: root, host: c1, backend: lvm, format: raw, size: 1GiB, location: vg1/vm1_disk }
`;
      const r = await replayText(text, 'metadata');
      expect(r.steps[2]?.error?.code).toBe('HOST_CRASHED');
      expect(r.expectations.filter((e) => !e.ok)).toEqual([]);
    });
  });

  describe('when a crash cuts a boot short before anything is registered', () => {
    /** A qcow2 image's boot that dies while the image is verified, then `then`. */
    const cutBoot = (then: string): string => `format: 1
name: cut-boot
hosts:
  - { name: c1, config: { images_type: qcow2 } }
images:
  - { id: cirros, disk_format: qcow2, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
steps:
  - crash: { host: c1, during: 1 }
  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
${then}`;

    it('leaves the instance as nova\'s API keeps it: a hard reboot builds it, a second boot of it is refused', async () => {
      const r = await replayText(cutBoot('  - reboot: { instance: vm1, hard: true }\n  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }\n'), 'metadata');
      expect(codes(r)).toEqual(['ok', 'HOST_CRASHED', 'ok', 'INSTANCE_EXISTS']);
      expect(r.disks.map((d) => `${d.disk}@${d.host}`)).toEqual(['root@c1']);
    });

    it('refuses anything but a hard reboot or a delete, and a delete forgets it, so the same boot can run again', async () => {
      const r = await replayText(cutBoot('  - reboot: { instance: vm1 }\n  - delete: { instance: vm1 }\n  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }\n'), 'metadata');
      expect(codes(r)).toEqual(['ok', 'HOST_CRASHED', 'INSTANCE_INVALID_STATE', 'ok', 'ok']);
    });
  });

  describe('when a crash cut short an operation that was re-making a disk', () => {
    it('a hard reboot makes it again, in both modes', async () => {
      const text = `format: 1
name: cut-rebuild
hosts:
  - { name: c1, config: { images_type: qcow2 } }
images:
  - { id: cirros, disk_format: qcow2, virtual_size: 1GiB }
  - { id: other, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB, ephemeral: 512MiB }
steps:
  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
  - crash: { host: c1, during: 2 }
  - rebuild: { instance: vm1, image: other }
  - reboot: { instance: vm1, hard: true }
  - snapshot: { instance: vm1, image_id: s1 }
`;
      for (const mode of MODES) {
        const r = await replayText(text, mode);
        expect(codes(r), mode).toEqual(['ok', 'ok', 'HOST_CRASHED', 'ok', 'ok']);
        expect(r.disks.map((d) => `${d.disk}@${d.host}`).sort(), mode).toEqual(['ephemeral0@c1', 'root@c1']);
      }
    });
  });

  describe('when a crash cuts a delete short on an rbd host', () => {
    it('a second delete finishes it, in both modes', async () => {
      const text = `format: 1
name: cut-delete
hosts:
  - { name: c1, config: { images_type: rbd, images_rbd_pool: p } }
images:
  - { id: q, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
steps:
  - boot: { instance: vm1, host: c1, image: q, flavor: small }
  - crash: { host: c1, during: 2 }
  - delete: { instance: vm1 }
  - delete: { instance: vm1 }
`;
      for (const mode of MODES) {
        const r = await replayText(text, mode);
        expect(codes(r), mode).toEqual(['ok', 'ok', 'HOST_CRASHED', 'ok']);
        expect(r.disks, mode).toEqual([]);
      }
    });
  });

  describe('when two hosts crash during one step', () => {
    it('arms both, whichever is declared first: the first of them to act cuts the step short, in both modes', async () => {
      const scenario = (first: string, second: string): string => `format: 1
name: two-crashes
hosts:
  - { name: c1, config: { images_type: lvm, images_volume_group: vg1 } }
  - { name: c2, config: { images_type: lvm, images_volume_group: vg2 } }
images:
  - { id: q, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
steps:
  - boot: { instance: vm1, host: c1, image: q, flavor: small }
  - crash: { host: ${first}, during: 3 }
  - crash: { host: ${second}, during: 3 }
  - resize: { instance: vm1, to: c2 }
`;
      for (const mode of MODES) {
        const messages: (string | undefined)[] = [];
        for (const [a, b] of [['c1', 'c2'], ['c2', 'c1']] as const) {
          const r = await replayText(scenario(a, b), mode);
          expect(r.steps[3]?.error?.code, mode).toBe('HOST_CRASHED');
          messages.push(r.steps[3]?.error?.message);
        }
        expect(messages[0], mode).toBe(messages[1]);
      }
    });
  });

  describe("when a step does not fit the instance's state", () => {
    /** The head of a scenario on raw hosts named `hosts`, with an image and a rescue image, flavors small and big, up to `steps:`. */
    const onRawHosts = (name: string, hosts: readonly string[]): string => `format: 1
name: ${name}
hosts:
${hosts.map((h) => `  - { name: ${h}, config: { images_type: raw } }`).join('\n')}
images:
  - { id: cirros, disk_format: raw, virtual_size: 1GiB }
  - { id: rescue-img, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
  big: { root: 2GiB }
steps:`;

    it('refuses it in both modes as nova does, and the instance carries on', async () => {
      const text = `${onRawHosts('states', ['a', 'b'])}
  - boot: { instance: vm1, host: a, image: cirros, flavor: small }
  - unrescue: { instance: vm1 }
  - live_migrate: { instance: vm1, to: a }
  - rescue: { instance: vm1, image: rescue-img }
  - rescue: { instance: vm1, image: rescue-img }
  - resize: { instance: vm1, to: b }
  - live_migrate: { instance: vm1, to: b }
  - evacuate: { instance: vm1, to: b }
  - shelve: { instance: vm1 }
  - rebuild: { instance: vm1, image: cirros }
  - snapshot: { instance: vm1, image_id: snap1 }
  - reboot: { instance: vm1, hard: true }
  - reboot: { instance: vm1 }
  - unrescue: { instance: vm1 }
  - live_migrate: { instance: vm1, to: b }
  - snapshot: { instance: vm1, image_id: snap1 }
`;
      for (const mode of MODES) {
        const r = await replayText(text, mode);
        expect(codes(r), mode).toEqual([
          'ok', 'INSTANCE_INVALID_STATE', 'UNABLE_TO_MIGRATE_TO_SELF', 'ok', 'INSTANCE_INVALID_STATE',
          'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE',
          'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'ok', 'ok', 'ok',
        ]);
        expect(r.disks.map((d) => `${d.disk}@${d.host}`), mode).toEqual(['root@b']);
      }
    });

    it('rescues from the image the instance was built from when the step names none, and refuses that for a volume-booted one, in both modes', async () => {
      const text = `format: 1
name: rescue-default-image
hosts:
  - { name: a, config: { images_type: raw } }
images:
  - { id: cirros, disk_format: raw, virtual_size: 1GiB }
  - { id: tiny, disk_format: raw, virtual_size: 512MiB }
flavors:
  small: { root: 1GiB }
steps:
  - boot: { instance: vm1, host: a, image: cirros, flavor: small }
  - rescue: { instance: vm1 }
  - boot: { instance: vm2, host: a, volume: true, flavor: small }
  - rescue: { instance: vm2 }
  - rescue: { instance: vm2, image: tiny }
`;
      for (const mode of MODES) {
        const r = await replayText(text, mode);
        expect(codes(r), mode).toEqual(['ok', 'ok', 'ok', 'INSTANCE_NOT_RESCUABLE', 'ok']);
        expect(r.steps[3]?.error?.message, mode).toContain('booted from a volume');
        const rescues = r.disks.filter((d) => d.disk === 'rescue').map((d) => `${d.instance}:${d.size}`);
        expect(rescues, mode).toEqual([`vm1:${2 ** 30}`, `vm2:${2 ** 29}`]);
      }
    });

    it('refuses in both modes, alike, what a resize waiting for confirm or revert does not allow, and an evacuation to its own host', async () => {
      const text = `${onRawHosts('waiting', ['a', 'b', 'c'])}
  - boot: { instance: vm1, host: a, image: cirros, flavor: small }
  - evacuate: { instance: vm1, to: a }
  - resize: { instance: vm1, to: b, flavor: big, confirm: false }
  - shelve: { instance: vm1 }
  - rebuild: { instance: vm1, image: cirros }
  - evacuate: { instance: vm1, to: c }
  - rescue: { instance: vm1, image: rescue-img }
  - convert: { instance: vm1, disk: root, backend: qcow2, format: qcow2 }
  - live_migrate: { instance: vm1, to: c }
  - resize: { instance: vm1, to: c }
  - reboot: { instance: vm1, hard: true }
  - snapshot: { instance: vm1, image_id: snap1 }
  - revert_resize: { instance: vm1 }
`;
      for (const mode of MODES) {
        const r = await replayText(text, mode);
        expect(codes(r), mode).toEqual([
          'ok', 'INVALID_HOST', 'ok', ...Array<string>(7).fill('RESIZE_UNCONFIRMED'), 'ok', 'ok', 'ok',
        ]);
        expect(r.disks.map((d) => `${d.disk}@${d.host} ${d.size}`), mode).toEqual([`root@a ${2 ** 30}`]);
      }
    });
  });
});
