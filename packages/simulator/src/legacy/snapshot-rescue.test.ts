import { describe, expect, it } from 'vitest';
import { BACKING_SHADOW, bootStep, expectOk, guestWrites, legacyWorld, probeKinds, shadowLeaks } from './testing/legacy-world.js';

describe('LegacyDriver snapshot', () => {
  describe('when the guest planted a qcow2 header in its raw root (CVE-2015-7548)', () => {
    it('follows the backing file into the snapshot and uploads the host file', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      const before = world.cluster.probes().length;
      expectOk(await driver.snapshot({ op: 'snapshot', instance: 'vm1', image_id: 'snap1' }));
      expect(shadowLeaks(world)).toEqual(['backing → /var/lib/nova/instances/snapshots/vm1.snapshot', 'upload → image snap1']);
      expect(probeKinds(world).slice(before)[0]).toBe('qemu-img convert -O');
      expect(world.cluster.imageMarkers('snap1')?.some((m) => m.startsWith('SECRET:h1:/etc/shadow'))).toBe(true);
    });

    it('does the same from an LVM root, with no disk.info involved', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'lvm' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      expectOk(await driver.snapshot({ op: 'snapshot', instance: 'vm1', image_id: 'snap1' }));
      expect(shadowLeaks(world)).toContain('upload → image snap1');
    });
  });

  describe('when the root is a qcow2 overlay', () => {
    it('leaks nothing: the guest wrote inside the container', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'qcow2' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      expectOk(await driver.snapshot({ op: 'snapshot', instance: 'vm1', image_id: 'snap1' }));
      expect(shadowLeaks(world)).toEqual([]);
    });
  });

  describe('when the instance has no local root', () => {
    it('fails with DISK_NOT_FOUND', async () => {
      const { driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', null)));
      expect(await driver.snapshot({ op: 'snapshot', instance: 'vm1', image_id: 'snap1' })).toMatchObject({ ok: false, code: 'DISK_NOT_FOUND' });
    });
  });
});

describe('LegacyDriver rescue', () => {
  describe('when the guest planted a qcow2 header in its raw root (CVE-2014-0134)', () => {
    it('attaches the root with a detected format and shows the host file to the rescue system', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      const before = world.cluster.probes().length;
      expectOk(await driver.rescue({ op: 'rescue', instance: 'vm1', image: 'rescue-img' }));
      expect(shadowLeaks(world)).toEqual(['guest-follow → guest h1:/var/lib/nova/instances/vm1/disk']);
      expect(probeKinds(world).slice(before)).toContain('qemu-img info --output=json');
    });

    it('detects the root even though disk.info has its entry', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      expectOk(await driver.rescue({ op: 'rescue', instance: 'vm1', image: 'rescue-img' }));
      expect(world.cluster.probes().some((p) => p.argv?.join(' ') === 'qemu-img info --output=json /var/lib/nova/instances/vm1/disk' && p.detected === 'qcow2')).toBe(true);
    });
  });

  describe('when unrescued', () => {
    it('removes the rescue disk and starts on disk.info formats again', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      expectOk(await driver.rescue({ op: 'rescue', instance: 'vm1', image: 'rescue-img' }));
      expect(world.instances.get('vm1')?.legacyDisks.has('rescue')).toBe(true);
      expectOk(await driver.unrescue({ op: 'unrescue', instance: 'vm1' }));
      expect(world.instances.get('vm1')?.legacyDisks.has('rescue')).toBe(false);
      expect(world.cluster.disks().some((d) => d.location.endsWith('disk.rescue'))).toBe(false);
      expect(world.cluster.leaks()).toEqual([]);
    });
  });
});
