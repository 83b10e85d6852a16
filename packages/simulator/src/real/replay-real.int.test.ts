/**
 * Whole replays on the real site, in process and with small disks: the
 * metadata driver neither probes nor leaks, the classic model really copies
 * a host file into an uploaded snapshot, and a crash cuts a boot after its
 * first real command.
 */
import 'reflect-metadata';
import { access } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { replay } from '../replay/replay.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { inMemoryRepository } from '../world/world.js';
import { RealSite } from './real-site.js';

const load = (steps: string): Scenario => {
  const s = loadScenario(`format: 1
name: real-replay
hosts:
  - { name: c1, config: { images_type: raw }, secrets: [/etc/shadow] }
images:
  - { id: cirros, disk_format: raw, virtual_size: 64MiB }
flavors:
  small: { root: 64MiB, swap: 16MiB }
steps:
${steps}
`, 'real-replay.yaml');
  if (E.isLeft(s)) throw new Error(s.left.message);
  return s.right;
};

/** Replay on a fresh real site; also says whether the site's files were gone afterwards. */
const replayReal = async (s: Scenario, mode: 'metadata' | 'legacy') => {
  let instances = '';
  const report = await replay(s, {
    mode,
    repository: inMemoryRepository(),
    legacyDriver: (w) => new LegacyDriver(w),
    site: async (sc) => {
      const site = await RealSite.open(sc);
      if (E.isLeft(site)) throw new Error(site.left.message);
      instances = site.right.instancesPath('c1');
      return site.right;
    },
  });
  const removed = await access(instances).then(() => false, () => true);
  return { report, removed };
};

const SNAPSHOT = `  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
  - guest_write: { instance: vm1, disk: root, content: qcow2-backing-host-file, target: /etc/shadow }
  - snapshot: { instance: vm1, image_id: snap1 }`;

describe('replay on the real host', () => {
  it('snapshots a disk carrying a planted header without a probe or a leak (metadata driver)', async () => {
    const { report, removed } = await replayReal(load(SNAPSHOT), 'metadata');
    expect(report.host).toBe('real');
    expect(report.steps.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(report.counters).toMatchObject({ probes: 0, leaks: 0 });
    expect(report.counters.commands).toBeGreaterThan(0);
    expect(report.disks).toContainEqual(expect.objectContaining({ disk: 'root', backend: 'flat', format: 'raw', size: 64 * 1024 ** 2, location: 'disk', present: true }));
    expect(removed).toBe(true);
  });

  it('shows the classic model uploading the real host file into the snapshot', async () => {
    const { report } = await replayReal(load(SNAPSHOT), 'legacy');
    expect(report.steps.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(report.probes.some((p) => p.step === 2 && p.argv?.slice(0, 3).join(' ') === 'qemu-img convert -O')).toBe(true);
    expect(report.leaks).toContainEqual({ step: 2, secret: '/etc/shadow', into: 'image snap1', host: 'c1', via: 'upload' });
  });

  it('cuts a boot after its first real command when the host crashes, and a hard reboot completes the disks', async () => {
    const { report } = await replayReal(load(`  - crash: { host: c1, during: 1 }
  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
  - reboot: { instance: vm1, hard: true }`), 'metadata');
    expect(report.steps.map((s) => s.error?.code ?? s.outcome)).toEqual(['ok', 'HOST_CRASHED', 'ok']);
    expect(report.disks.map((d) => `${d.disk} ${d.backend}/${d.format} ${d.present ? 'present' : 'missing'}`)).toEqual(['root flat/raw present', 'swap flat/raw present']);
    expect(report.counters).toMatchObject({ probes: 0, leaks: 0 });
  });
});
