import { InjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../replay/outcome.js';
import { BACKING_SHADOW, bootStep, diskOf, expectOk, guestWrites, legacyWorld, pathOf, probeKinds, type CONFIGS } from './testing/legacy-world.js';

type Backend = keyof typeof CONFIGS;
const BACKENDS: readonly Backend[] = ['flat', 'qcow2', 'lvm', 'rbd', 'ploop', 'flatKeep'];

describe('LegacyDriver', () => {
  describe('when a benign instance goes through every operation', () => {
    it.each(BACKENDS.map((b) => [b]))('on %s hosts, every step succeeds and nothing leaks', async (backend) => {
      const { world, driver } = legacyWorld({ hosts: { h1: backend, h2: backend } });
      const outcomes: Outcome[] = [
        await driver.boot(bootStep('h1', 'cirros', 'small', 'vm1', { config_drive: true })),
        await driver.reboot({ op: 'reboot', instance: 'vm1', hard: true }),
        await driver.snapshot({ op: 'snapshot', instance: 'vm1', image_id: 'snap1' }),
        await driver.resize({ op: 'resize', instance: 'vm1', to: 'h2', flavor: 'big' }),
        await driver.liveMigrate({ op: 'live_migrate', instance: 'vm1', to: 'h1' }),
        await driver.rescue({ op: 'rescue', instance: 'vm1', image: 'rescue-img' }),
        await driver.unrescue({ op: 'unrescue', instance: 'vm1' }),
        await driver.shelve({ op: 'shelve', instance: 'vm1' }),
        await driver.unshelve({ op: 'unshelve', instance: 'vm1', host: 'h2' }),
        await driver.evacuate({ op: 'evacuate', instance: 'vm1', to: 'h1' }),
        await driver.rebuild({ op: 'rebuild', instance: 'vm1', image: 'rawimg' }),
        await driver.delete({ op: 'delete', instance: 'vm1' }),
      ];
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      expect(world.cluster.leaks()).toEqual([]);
      expect(world.instances.has('vm1')).toBe(false);
    });
  });

  describe('when shelved and unshelved', () => {
    it('keeps the root in an image and boots it again on the chosen host', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat', h2: 'qcow2' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      expectOk(await driver.shelve({ op: 'shelve', instance: 'vm1' }));
      expect(world.instances.get('vm1')).toMatchObject({ shelved: true, shelvedImage: 'vm1-shelved' });
      expect(await world.cluster.files('h1').exists(pathOf('/var/lib/nova/instances/vm1'))()).toEqual(E.right(false));
      expectOk(await driver.unshelve({ op: 'unshelve', instance: 'vm1', host: 'h2' }));
      expect(world.instances.get('vm1')).toMatchObject({ shelved: false, host: 'h2' });
      expect(world.instances.get('vm1')?.legacyDisks.get('root')).toMatchObject({ backend: 'qcow2', format: 'qcow2' });
      expect(world.cluster.imageMarkers('vm1-shelved')).toContain('image:cirros');
    });
  });

  describe('when evacuated', () => {
    it.each(BACKENDS.map((b) => [b]))('on %s hosts, the source that comes back keeps nothing of the instance, disk.info included', async (backend) => {
      const { world, driver } = legacyWorld({ hosts: { h1: backend, h2: backend } });
      expectOk(await driver.boot(bootStep('h1', 'cirros', 'small', 'vm1', { config_drive: true })));
      expect(await world.cluster.files('h1').exists(pathOf('/var/lib/nova/instances/vm1'))()).toEqual(E.right(true));
      expectOk(await driver.evacuate({ op: 'evacuate', instance: 'vm1', to: 'h2' }));
      expect(await world.cluster.files('h1').exists(pathOf('/var/lib/nova/instances/vm1'))()).toEqual(E.right(false));
      expect(world.instances.get('vm1')?.host).toBe('h2');
    });

    it('finishes at the source\'s next start a clean-up that a crash cut short', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'lvm', h2: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      const held = (): string[] => world.cluster.disks().flatMap((d) => (d.address.kind === 'lv' && d.address.host === 'h1' ? [d.address.lv] : []));
      expect(held().length).toBeGreaterThan(1);
      // The source dies again right after removing its first disk: its own start is cut, not the evacuation.
      world.cluster.injectFault({ match: (argv, host) => host === 'h1' && argv[0] === 'lvremove', effect: 'crash-after' });
      expectOk(await driver.evacuate({ op: 'evacuate', instance: 'vm1', to: 'h2' }));
      expect(world.instances.get('vm1')?.host).toBe('h2');
      world.cluster.clearFaults();
      expect(held().length).toBeGreaterThan(0);
      await driver.hostsBack();
      expect(held()).toEqual([]);
      expect(await world.cluster.files('h1').exists(pathOf('/var/lib/nova/instances/vm1'))()).toEqual(E.right(false));
    });

    it('has the source destroy what it holds when it is back even when the destination died part-way, as nova does', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'lvm', h2: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      const held = (): string[] => world.cluster.disks().flatMap((d) => (d.address.kind === 'lv' && d.address.host === 'h1' ? [d.address.lv] : []));
      expect(held().length).toBeGreaterThan(1);
      world.cluster.injectFault({ match: (_argv, host) => host === 'h2', effect: 'crash' });
      await expect(driver.evacuate({ op: 'evacuate', instance: 'vm1', to: 'h2' })).rejects.toBeInstanceOf(InjectedCrash);
      world.cluster.clearFaults();
      expect(world.instances.get('vm1')?.host).toBe('h2');
      await driver.hostsBack();
      expect(held()).toEqual([]);
      expectOk(await driver.reboot({ op: 'reboot', instance: 'vm1', hard: true }));
      expect(world.cluster.disks().filter((d) => d.location.includes('vm1')).map((d) => d.host)).toEqual(['h2', 'h2', 'h2']);
    });
  });

  describe('when a disk is converted', () => {
    it('reads it with its format detected and moves it to the new layout', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'lvm' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      const before = world.cluster.probes().length;
      expectOk(await driver.convert({ op: 'convert', instance: 'vm1', disk: 'root', backend: 'flat', format: 'qcow2' }));
      expect(world.instances.get('vm1')?.legacyDisks.get('root')).toMatchObject({ backend: 'flat', format: 'qcow2', location: 'disk' });
      expect(probeKinds(world).slice(before)[0]).toBe('qemu-img convert -O');
      expect(world.cluster.diskAt('h1', (await diskOf(world, 'vm1', 'root')).address)?.containerFormat).toBe('qcow2');
    });

    it('follows a planted backing file into the new disk', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      expectOk(await driver.convert({ op: 'convert', instance: 'vm1', disk: 'root', backend: 'flat', format: 'qcow2' }));
      expect(world.cluster.leaks().map((l) => l.via)).toContain('backing');
    });
  });

  describe('when the online migration looks at its rows', () => {
    it('derives every one of them from the options and disk.info it left', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros', 'small', 'vm1', { config_drive: true })));
      const r = await world.fleet.onlineMigration().run('h1', 50);
      expect(r).toEqual(E.right({ found: 3, done: 3, filledElsewhere: 0, failures: [], instances: ['vm1'] }));
    });
  });

  describe('when deleted', () => {
    it('removes the disks and the instance directory and soft-deletes the rows', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'lvm' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      const id = world.instances.get('vm1')!.id;
      expectOk(await driver.delete({ op: 'delete', instance: 'vm1' }));
      expect(world.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
      expect(await world.repository.getInstance(id)()).toMatchObject(E.left({ code: 'INSTANCE_NOT_FOUND' }));
    });
  });

  describe('when a step names what does not exist', () => {
    it('fails with a code', async () => {
      const { driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expect(await driver.reboot({ op: 'reboot', instance: 'nope', hard: true })).toMatchObject({ ok: false, code: 'INSTANCE_NOT_FOUND' });
      expect(await driver.boot(bootStep('h1', 'cirros', 'nope'))).toMatchObject({ ok: false, code: 'FLAVOR_NOT_FOUND' });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      expect(await driver.boot(bootStep('h1', 'cirros'))).toMatchObject({ ok: false, code: 'INSTANCE_EXISTS' });
      expect(await driver.resize({ op: 'resize', instance: 'vm1', to: 'h1' })).toMatchObject({ ok: false, code: 'UNABLE_TO_MIGRATE_TO_SELF' });
    });
  });

  describe('when the host crashes part-way', () => {
    it('lets the crash through', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      world.cluster.injectFault({ match: (argv) => argv[0] === 'mkfs', effect: 'crash' });
      await expect(driver.boot(bootStep('h1', 'cirros'))).rejects.toBeInstanceOf(InjectedCrash);
    });
  });
});
