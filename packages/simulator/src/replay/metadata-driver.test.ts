import 'reflect-metadata';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { inMemoryRepository } from '../world/world.js';
import { replay } from './replay.js';

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

const outcomes = async (s: Scenario): Promise<string[]> => {
  const r = await replay(s, { mode: 'metadata', repository: inMemoryRepository(), legacyDriver: (w) => new LegacyDriver(w) });
  return r.steps.map((x) => (x.outcome === 'ok' ? 'ok' : (x.error?.code ?? 'error')));
};

describe('MetadataDriver', () => {
  describe('when an instance with records would move to a host still running the classic driver', () => {
    it('refuses with HOST_NOT_UPGRADED, and moves it once the host is upgraded', async () => {
      const steps = `  - boot: { instance: vm1, host: new, image: cirros, flavor: small }
  - resize: { instance: vm1, to: old }
  - live_migrate: { instance: vm1, to: old }
  - shelve: { instance: vm1 }
  - unshelve: { instance: vm1, host: old }
  - upgrade: { host: old }
  - unshelve: { instance: vm1, host: old }
`;
      expect(await outcomes(scenario(steps))).toEqual(['ok', 'HOST_NOT_UPGRADED', 'HOST_NOT_UPGRADED', 'ok', 'HOST_NOT_UPGRADED', 'ok', 'ok']);
    });
  });

  describe('when an instance is shelved', () => {
    it('refuses everything but unshelve and delete with INSTANCE_INVALID_STATE', async () => {
      const steps = `  - boot: { instance: vm1, host: new, image: cirros, flavor: small }
  - shelve: { instance: vm1 }
  - reboot: { instance: vm1, hard: true }
  - rescue: { instance: vm1, image: cirros }
  - snapshot: { instance: vm1, image_id: s1 }
  - delete: { instance: vm1 }
`;
      expect(await outcomes(scenario(steps))).toEqual(['ok', 'ok', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'INSTANCE_INVALID_STATE', 'ok']);
    });
  });
});
