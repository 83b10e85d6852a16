import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { BACKING_SHADOW, bootStep, diskInfoText, diskOf, expectOk, GiB, guestWrites, legacyWorld, pathOf, shadowLeaks } from './testing/legacy-world.js';

const DISK = '/var/lib/nova/instances/vm1/disk';

describe('LegacyDriver resize', () => {
  describe('when the guest planted a qcow2 header in its raw root (CVE-2016-2140)', () => {
    it('carries no disk.info, detects the header on the destination and shows the host file to the guest there', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat', h2: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      expectOk(await driver.resize({ op: 'resize', instance: 'vm1', to: 'h2' }));
      const onDestination = world.cluster.probes().filter((p) => p.host === 'h2' && p.argv?.join(' ') === `qemu-img info --output=json ${DISK}`);
      expect(onDestination.map((p) => p.detected)).toEqual(['qcow2']);
      expect(shadowLeaks(world)).toEqual([`guest-follow → guest h2:${DISK}`]);
      expect(await diskInfoText(world, 'h2', 'vm1')).toContain(`"${DISK}":"qcow2"`);
      expect(await diskInfoText(world, 'h1', 'vm1')).toBeNull();
    });
  });

  describe('when the root grows (CVE-2026-24708)', () => {
    it('resizes the planted header instead of the disk, which stays at its old size', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat', h2: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      expectOk(await driver.resize({ op: 'resize', instance: 'vm1', to: 'h2', flavor: 'big' }));
      const resize = world.cluster.commands().find((c) => c.host === 'h2' && c.argv.join(' ') === `qemu-img resize ${DISK} ${2 * GiB}`);
      expect(resize?.outcome).toBe('ok');
      const root = await diskOf(world, 'vm1', 'root');
      expect(world.cluster.diskAt('h2', root.address)).toMatchObject({ containerFormat: 'raw', length: GiB });
      const asQcow2 = world.cluster.guestView('h2', root.address, 'qcow2');
      expect(asQcow2.ok && asQcow2.view.virtualSize).toBe(2 * GiB);
    });
  });

  describe('when the destination keeps its disks elsewhere', () => {
    it('converts the copy into the destination’s layout of today', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat', h2: 'lvm' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      expectOk(await driver.resize({ op: 'resize', instance: 'vm1', to: 'h2' }));
      expect(world.instances.get('vm1')?.legacyDisks.get('root')).toMatchObject({ backend: 'lvm', format: 'raw', location: 'vg0/vm1_disk' });
      expect(await world.cluster.files('h1').exists(pathOf(DISK))()).toEqual(E.right(false));
      expect(world.cluster.leaks()).toEqual([]);
    });
  });
});

describe('LegacyDriver live migration', () => {
  describe('when the instance has qcow2 overlays on ephemeral templates (CVE-2013-7130)', () => {
    it('fills the missing ephemeral template with the root image, which the next tenant’s ephemeral disk shows', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'qcow2', h2: 'qcow2' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      expectOk(await driver.liveMigrate({ op: 'live_migrate', instance: 'vm1', to: 'h2' }));
      expectOk(await driver.boot(bootStep('h2', 'rawimg', 'small', 'vm2')));
      const eph = await diskOf(world, 'vm2', 'ephemeral0');
      const view = world.cluster.guestView('h2', eph.address, 'qcow2');
      expect(view.ok && view.view.markers).toContain('image:cirros');
    });

    it('does not happen on a cold migration, which builds templates by role', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'qcow2', h2: 'qcow2' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      expectOk(await driver.resize({ op: 'resize', instance: 'vm1', to: 'h2' }));
      expectOk(await driver.boot(bootStep('h2', 'rawimg', 'small', 'vm2')));
      const view = world.cluster.guestView('h2', (await diskOf(world, 'vm2', 'ephemeral0')).address, 'qcow2');
      expect(view.ok && view.view.markers).not.toContain('image:cirros');
    });
  });
});
