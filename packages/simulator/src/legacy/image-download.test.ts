import { describe, expect, it } from 'vitest';
import { classicBaseName } from './base-images.js';
import { bootStep, expectOk, legacyWorld, probeKinds, shadowLeaks, type WorldSpec } from './testing/legacy-world.js';

const BASE = '/var/lib/nova/instances/_base';
const evil = (diskFormat: string, content: string): string => `{ id: evil, disk_format: ${diskFormat}, virtual_size: 1GiB, content: ${content}, target: /etc/shadow }`;
const on = (host: WorldSpec['hosts'][string], image: string): WorldSpec => ({ hosts: { h1: host }, images: [image] });

describe('LegacyDriver image download', () => {
  describe('when a vmdk names a host file as its flat extent (CVE-2022-47951)', () => {
    it('copies the host file into the base image and shows it to the guest', async () => {
      const { world, driver } = legacyWorld(on('flat', evil('vmdk', 'vmdk-flat-extent')));
      expectOk(await driver.boot(bootStep('h1', 'evil')));
      expect(shadowLeaks(world)).toEqual([
        `extent → ${BASE}/${classicBaseName('evil')}.converted`,
        'guest-view → guest h1:/var/lib/nova/instances/vm1/disk',
      ]);
      expect(probeKinds(world)[0]).toBe('qemu-img info --output=json');
    });

    it('leaks at the first read when force_raw_images is off, the extent being followed by the disk copy', async () => {
      const { world, driver } = legacyWorld(on('flatKeep', evil('vmdk', 'vmdk-flat-extent')));
      expectOk(await driver.boot(bootStep('h1', 'evil')));
      expect(shadowLeaks(world)).toContain('extent → /var/lib/nova/instances/vm1/disk');
    });
  });

  describe('when a qcow2 keeps its data in a host file (CVE-2024-32498)', () => {
    it('copies the data file into the base image even though the format is known', async () => {
      const { world, driver } = legacyWorld(on('qcow2', evil('qcow2', 'qcow2-data-file')));
      expectOk(await driver.boot(bootStep('h1', 'evil')));
      expect(shadowLeaks(world)).toEqual([
        `data-file → ${BASE}/${classicBaseName('evil')}.converted`,
        'guest-view → guest h1:/var/lib/nova/instances/vm1/disk',
      ]);
    });
  });

  describe('when an image declared raw is really a qcow2 with a backing file (CVE-2024-40767)', () => {
    it('trusts the label, then the disk copy detects the header and reads the host file', async () => {
      const { world, driver } = legacyWorld(on('flat', evil('raw', 'raw-with-qcow2-header')));
      expectOk(await driver.boot(bootStep('h1', 'evil')));
      expect(shadowLeaks(world)).toEqual(['backing → /var/lib/nova/instances/vm1/disk', 'guest-view → guest h1:/var/lib/nova/instances/vm1/disk']);
      // The label was trusted: nothing inspected the download before the copy probed it.
      expect(probeKinds(world).slice(0, 1)).toEqual(['qemu-img convert -O']);
    });

    it('reads the host file into a logical volume as well', async () => {
      const { world, driver } = legacyWorld(on('lvm', evil('raw', 'raw-with-qcow2-header')));
      expectOk(await driver.boot(bootStep('h1', 'evil')));
      expect(shadowLeaks(world)).toContain('backing → /dev/vg0/vm1_disk');
    });
  });

  describe('when a qcow2 image has a backing file', () => {
    it('refuses it, as nova had for years before the other checks', async () => {
      const { world, driver } = legacyWorld(on('flat', evil('qcow2', 'qcow2-backing-host-file')));
      expect(await driver.boot(bootStep('h1', 'evil'))).toMatchObject({ ok: false, code: 'IMAGE_UNACCEPTABLE' });
      expect(shadowLeaks(world)).toEqual([]);
    });
  });

  describe('when the image is benign', () => {
    it('still inspects and converts it by probing, and leaks nothing', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      expect(probeKinds(world).slice(0, 2)).toEqual(['qemu-img info --output=json', 'qemu-img convert -O']);
      expect(world.cluster.leaks()).toEqual([]);
    });
  });
});
