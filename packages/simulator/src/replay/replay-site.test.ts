import 'reflect-metadata';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { FakeSite } from '../world/fake-site.js';
import { inMemoryRepository } from '../world/world.js';
import { replay } from './replay.js';

const scenario = (): Scenario => {
  const s = loadScenario(`format: 1
name: site-option
hosts:
  - { name: c1, config: { images_type: raw }, secrets: [/etc/shadow] }
images:
  - { id: cirros, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
steps:
  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
  - guest_write: { instance: vm1, disk: root, content: qcow2-backing-host-file, target: /etc/shadow }
  - snapshot: { instance: vm1, image_id: snap1 }
`, 'x.yaml');
  if (E.isLeft(s)) throw new Error(s.left.message);
  return s.right;
};

/** A fake site that remembers being closed. */
class ClosingSite extends FakeSite {
  closed = 0;
  override close(): Promise<void> {
    this.closed += 1;
    return Promise.resolve();
  }
}

describe('replay on a given site', () => {
  it("runs on the site it is given, reports the site's records and kind, and closes it", async () => {
    const site = new ClosingSite(scenario());
    const report = await replay(scenario(), { mode: 'legacy', repository: inMemoryRepository(), legacyDriver: (w) => new LegacyDriver(w), site: () => Promise.resolve(site) });
    expect(report.host).toBe('fake');
    expect(report.counters.commands).toBe(site.commandCount);
    expect(report.leaks.map((l) => l.into)).toEqual(site.leaks().map((l) => l.into));
    expect(report.leaks.length).toBeGreaterThan(0);
    expect(site.closed).toBe(1);
  });

  it('closes the site when the replay fails with a bug', async () => {
    const site = new ClosingSite(scenario());
    const run = replay(scenario(), {
      mode: 'metadata',
      repository: inMemoryRepository(),
      legacyDriver: () => {
        throw new Error('broken driver');
      },
      site: () => Promise.resolve(site),
    });
    await expect(run).rejects.toThrow('broken driver');
    expect(site.closed).toBe(1);
  });
});
