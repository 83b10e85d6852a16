import { hostStorageOptions } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeLegacyDiskInfo, encodeLegacyDiskInfo } from './disk-info-file.js';
import { BACKING_SHADOW, bootStep, diskInfoText, diskOf, expectOk, guestWrites, legacyWorld, loseDiskInfo, pathOf, probeKinds, shadowLeaks } from './testing/legacy-world.js';

const DIR = '/var/lib/nova/instances/vm1';

describe('LegacyDriver disk.info', () => {
  describe('when an instance boots', () => {
    it('writes one line mapping each file disk to its format once the disks exist', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros', 'small', 'vm1', { config_drive: true })));
      expect(await diskInfoText(world, 'h1', 'vm1')).toBe(
        `{"${DIR}/disk":"raw","${DIR}/disk.eph0":"raw","${DIR}/disk.swap":"raw","${DIR}/disk.config":"raw"}`,
      );
    });

    it('has no entries for logical volumes', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'lvm' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros', 'small', 'vm1', { config_drive: true })));
      expect(await diskInfoText(world, 'h1', 'vm1')).toBe(`{"${DIR}/disk.config":"raw"}`);
    });

    it('registers BDM rows with no driver_info', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      const rows = await world.repository.listDisks(world.instances.get('vm1')!.id)();
      expect(E.isRight(rows) && rows.right.map((r) => [r.disk, r.driverInfo])).toEqual([['root', null], ['ephemeral0', null], ['swap', null]]);
      expect(world.instances.get('vm1')?.legacy).toBe(true);
    });
  });

  describe('when it still has the entries', () => {
    it('hard-reboots without probing', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      const before = world.cluster.probes().length;
      expectOk(await driver.reboot({ op: 'reboot', instance: 'vm1', hard: true }));
      expect(world.cluster.probes().length).toBe(before);
      expect(shadowLeaks(world)).toEqual([]);
    });
  });

  describe('when it is lost', () => {
    it('detects the formats on hard reboot, writes the guess back, and shows the host file to the guest', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', BACKING_SHADOW);
      await loseDiskInfo(world, 'h1', 'vm1');
      const before = world.cluster.probes().length;
      expectOk(await driver.reboot({ op: 'reboot', instance: 'vm1', hard: true }));
      expect(probeKinds(world).slice(before)).toEqual([...Array<string>(3).fill('qemu-img info --output=json'), 'guest']);
      expect(shadowLeaks(world)).toEqual([`guest-follow → guest h1:${DIR}/disk`]);
      expect(await diskInfoText(world, 'h1', 'vm1')).toContain(`"${DIR}/disk":"qcow2"`);
      expect((await diskOf(world, 'vm1', 'root')).format).toBe('qcow2');
    });
  });

  describe('when it is lost and the guest planted a vmdk descriptor', () => {
    it('writes vmdk into disk.info, as nova did, and the guest reads the extent', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await guestWrites(world, 'vm1', 'root', { kind: 'vmdk-flat-extent', target: '/etc/shadow' });
      await loseDiskInfo(world, 'h1', 'vm1');
      expectOk(await driver.reboot({ op: 'reboot', instance: 'vm1', hard: true }));
      expect(await diskInfoText(world, 'h1', 'vm1')).toContain(`"${DIR}/disk":"vmdk"`);
      expect(shadowLeaks(world)).toEqual([`guest-follow → guest h1:${DIR}/disk`]);
    });
  });

  describe('when it is corrupt', () => {
    it('fails the hard reboot with INVALID_DISK_INFO', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      await world.cluster.files('h1').writeTextAtomic(pathOf(`${DIR}/disk.info`), '{"corrupt')();
      expect(await driver.reboot({ op: 'reboot', instance: 'vm1', hard: true })).toMatchObject({ ok: false, code: 'INVALID_DISK_INFO' });
    });
  });

  describe('when a disk is gone and the options changed', () => {
    it('makes the disk again from today’s options and opens it with the stale entry', async () => {
      const { world, driver } = legacyWorld({ hosts: { h1: 'flat' } });
      expectOk(await driver.boot(bootStep('h1', 'cirros')));
      const qcow2 = hostStorageOptions({ imagesType: 'qcow2' });
      if (E.isLeft(qcow2)) throw new Error(qcow2.left.message);
      world.setOptions('h1', qcow2.right);
      await world.cluster.files('h1').remove(pathOf(`${DIR}/disk`))();
      expectOk(await driver.reboot({ op: 'reboot', instance: 'vm1', hard: true }));
      const root = await diskOf(world, 'vm1', 'root');
      expect(world.instances.get('vm1')?.legacyDisks.get('root')).toMatchObject({ backend: 'qcow2', format: 'raw' });
      expect(world.cluster.diskAt('h1', root.address)?.containerFormat).toBe('qcow2');
    });
  });
});

describe('the disk.info codec', () => {
  describe('when a probe put a format outside the record vocabulary into it', () => {
    it('writes it as nova did, and reads it back', () => {
      const info = new Map([['/a/disk', 'vmdk'], ['/a/disk.eph0', 'parallels']] as const);
      const text = encodeLegacyDiskInfo(new Map(info));
      expect(text).toBe('{"/a/disk":"vmdk","/a/disk.eph0":"ploop"}');
      expect(decodeLegacyDiskInfo(text, 'disk.info')).toEqual(E.right(new Map(info)));
    });
  });

  describe('when the file is empty or malformed', () => {
    it('reads an empty file as no entries and refuses anything but path → format', () => {
      expect(decodeLegacyDiskInfo('', 'disk.info')).toEqual(E.right(new Map()));
      expect(decodeLegacyDiskInfo('[1]', 'disk.info')).toMatchObject(E.left({ code: 'INVALID_DISK_INFO' }));
      expect(decodeLegacyDiskInfo('{"/a/disk":"ext4"}', 'disk.info')).toMatchObject(E.left({ code: 'INVALID_DISK_INFO' }));
    });
  });
});
