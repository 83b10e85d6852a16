import type { DiskLocation, HostPath } from '@disk-ledger/domain';
import { InjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { FakeSite } from './fake-site.js';
import { INSTANCES_PATH } from './nova-paths.js';

const scenario = (): Scenario => {
  const s = loadScenario(`format: 1
name: fake-site
hosts:
  - { name: c1, config: { images_type: raw }, secrets: [/etc/shadow] }
  - { name: c2 }
steps: []
`, 'x.yaml');
  if (E.isLeft(s)) throw new Error(s.left.message);
  return s.right;
};

const DISK = `${INSTANCES_PATH}/vm1/disk` as HostPath;
const disk: DiskLocation = { backend: 'flat', path: DISK };

const makeDisk = async (site: FakeSite): Promise<void> => {
  expect(E.isRight(await site.files('c1').mkdirp(`${INSTANCES_PATH}/vm1` as HostPath)())).toBe(true);
  const r = await site.executor('c1').run({ argv: ['qemu-img', 'create', '-f', 'raw', DISK, '1048576'] })();
  expect(E.isRight(r)).toBe(true);
};

describe('FakeSite', () => {
  it("gives every host nova's instances path and reports the cluster's records with numeric steps", async () => {
    const site = new FakeSite(scenario());
    expect(site.instancesPath('c2')).toBe('/var/lib/nova/instances');
    await makeDisk(site);
    expect(await site.diskPresent('c1', disk)).toBe(true);
    expect(await site.diskPresent('c2', disk)).toBe(false);
    expect(await site.guestWrite('c1', disk, 'raw', { kind: 'qcow2-backing-host-file', target: '/etc/shadow' })).toEqual({ ok: true });
    site.setStep(5);
    expect(await site.guestView('c1', disk, 'qcow2')).toEqual({ ok: true });
    expect(site.leaks()).toMatchObject([{ step: 5, secret: '/etc/shadow', secretHost: 'c1', into: `guest c1:${DISK}`, via: 'guest-follow' }]);
    expect(site.probes()).toMatchObject([{ step: 5, host: 'c1', argv: null }]);
    expect(site.commandCount).toBe(1);
  });

  it('crashes the armed host after its next command, once; cleared faults crash nothing', async () => {
    const site = new FakeSite(scenario());
    site.armCrash('c1');
    await expect(makeDisk(site)).rejects.toBeInstanceOf(InjectedCrash);
    expect(await site.diskPresent('c1', disk)).toBe(true);
    site.armCrash('c1');
    site.clearFaults();
    await makeDisk(site);
  });
});
