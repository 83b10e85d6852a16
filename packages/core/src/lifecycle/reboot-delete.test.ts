import { HOSTILE_KINDS, decodeDiskMetadata, encodeDiskMetadata, type HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { GiB } from '../composition/testing/catalogue.js';
import { FakeFleet, INSTANCES_PATH } from '../composition/testing/fake-fleet.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { allProblems, observe, outcome, showRecord } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { vm } from '../testing/names.js';

const VM = vm('vm1');

/** Options to reconfigure each host to: always another backend. */
const LATER: Readonly<Record<OptionsName, OptionsName>> = {
  'flat/raw': 'lvm', 'qcow2/default': 'flat/raw', lvm: 'qcow2/default', 'rbd/shared': 'ploop', 'rbd/other': 'ploop', ploop: 'rbd/shared',
};

/** Whether a disk's place is `instance`'s own: in its directory, or one of its `<instance>_disk…` volumes. */
const ownedBy = (location: string, instance: string): boolean => location.includes(`/${instance}/`) || new RegExp(`(^|/)${instance}_(disk|kernel|ramdisk)`).test(location);

const booted = async (name: OptionsName): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
  await f.boot(VM, 'a');
  return f;
};

describe('hard reboot', () => {
  describe('when every local disk is lost and the host options changed since', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`re-creates each disk from its record, not from today's options (${name} → ${LATER[name]})`, async () => {
        const f = await booted(name);
        for (const disk of (await f.records(VM)).keys()) await f.lose(VM, disk);
        f.reconfigure('a', OPTIONS[LATER[name]]);
        const writes = f.repository.events.length;
        const o = await observe(f, VM, () => f.lifecycle().hardReboot(VM)());
        expect(outcome(o.result)).toBe('ok');
        expect(o.after).toEqual(o.before);
        // Each lost disk's record goes to creating and back to ready; its layout never changes.
        const states = f.repository.events.slice(writes).flatMap((e) => e.writes.map((w) => {
          const m = w.driverInfo === null ? null : decodeDiskMetadata(w.driverInfo);
          return m === null || E.isLeft(m) ? '-' : `${w.disk} ${showRecord({ ...m.right, state: 'ready' }) === o.before[w.disk] ? 'same layout' : 'changed'} ${m.right.state}`;
        }));
        expect(states).toEqual(['root', 'ephemeral0', 'swap', 'config'].flatMap((d) => [`${d} same layout creating`, `${d} same layout ready`]));
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe("when the host's disk.info for the instance no longer decodes (a file of the classic driver's)", () => {
    for (const name of BACKEND_OPTIONS) {
      it(`reads the records and goes on, and a delete still removes everything, on ${name}`, async () => {
        // No config drive: the one instance-level disk a first touch would still look for on every host.
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
        await f.boot(VM, 'a', { configDrive: false });
        const written = await f.cluster.files('a').writeTextAtomic(`/var/lib/nova/instances/${VM}/disk.info` as HostPath, '{"/var/lib/nova/')();
        expect(E.isRight(written)).toBe(true);
        const o = await observe(f, VM, () => f.lifecycle().hardReboot(VM)());
        expect(outcome(o.result)).toBe('ok');
        expect(o.after).toEqual(o.before);
        expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
        expect(f.cluster.disks().filter((d) => !(d.address.kind === 'file' && d.address.path.includes('/_base/')))).toEqual([]);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when a stale disk.info names a disk the instance never had, with facts the options contradict', () => {
    const setUp = async (): Promise<FakeFleet> => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['rbd/shared'] }] });
      await f.boot(VM, 'a', { configDrive: false });
      const info = JSON.stringify({ [`/var/lib/nova/instances/${VM}/disk.rescue`]: 'qcow2' });
      expect(E.isRight(await f.cluster.files('a').writeTextAtomic(`/var/lib/nova/instances/${VM}/disk.info` as HostPath, info)())).toBe(true);
      return f;
    };

    it('finds the disk nowhere and goes on', async () => {
      const f = await setUp();
      const o = await observe(f, VM, () => f.lifecycle().hardReboot(VM)());
      expect(outcome(o.result)).toBe('ok');
      expect(o.after).toEqual(o.before);
      expect(await allProblems(f)).toEqual([]);
    });

    it('leaves a file there alone for an instance born with records: the classic driver never ran for it, and its host is not asked', async () => {
      const f = await setUp();
      expect(E.isRight(await f.cluster.files('a').writeTextAtomic(`/var/lib/nova/instances/${VM}/disk.rescue` as HostPath, 'x')())).toBe(true);
      const before = await f.records(VM);
      const mark = f.mark();
      const r = await f.lifecycle().hardReboot(VM)();
      expect(E.isRight(r)).toBe(true);
      expect(await f.records(VM)).toEqual(before);
      // Only its own disks are looked at: no look-up of a classic config drive or rescue disk in the pool.
      expect(f.commandsSince(mark).map((c) => c.argv.at(-1)).filter((x) => /disk\.(config|rescue)$/.test(x ?? ''))).toEqual([]);
    });

    it('refuses to adopt it when a file is there after all for a legacy instance, and records nothing for it', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['rbd/shared'] }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }] });
      const info = JSON.stringify({ [`/var/lib/nova/instances/${VM}/disk.rescue`]: 'qcow2' });
      expect(E.isRight(await f.cluster.files('a').writeTextAtomic(`/var/lib/nova/instances/${VM}/disk.info` as HostPath, info)())).toBe(true);
      expect(E.isRight(await f.cluster.files('a').writeTextAtomic(`/var/lib/nova/instances/${VM}/disk.rescue` as HostPath, 'x')())).toBe(true);
      const r = await f.lifecycle().hardReboot(VM)();
      expect(E.isLeft(r) && r.left.code).toBe('LEGACY_FACTS_CONTRADICT');
      expect([...(await f.records(VM)).keys()]).toEqual(['root']);
    });
  });

  describe('when the disks are there', () => {
    it('leaves them and their data alone', async () => {
      const f = await booted('qcow2/default');
      const markers = await writeBenign(f, VM);
      const o = await observe(f, VM, () => f.lifecycle().hardReboot(VM)());
      expect(outcome(o.result)).toBe('ok');
      expect(o.commands.filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
      for (const [disk, marker] of markers) {
        const { host, location, meta } = await f.location(VM, disk);
        const view = f.cluster.guestView(host, location, meta.format);
        expect(view.ok && view.view.markers).toContain(marker);
      }
    });
  });

  describe('when a guest planted hostile headers first', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`reads and re-creates nothing by content on ${name}`, async () => {
        for (const kind of HOSTILE_KINDS) {
          const f = await booted(name);
          await plantHostile(f, VM, kind);
          await f.lose(VM, 'swap');
          const o = await observe(f, VM, () => f.lifecycle().hardReboot(VM)());
          expect(outcome(o.result)).toBe('ok');
          expect(o.after).toEqual(o.before);
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
  });
});

describe('delete', () => {
  describe('when an instance is deleted', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`removes its disks and records, and keeps the soft-deleted rows readable, on ${name}`, async () => {
        for (const kind of [null, ...HOSTILE_KINDS]) {
          const f = await booted(name);
          if (kind !== null) await plantHostile(f, VM, kind);
          const before = await f.records(VM);
          const r = await f.lifecycle().delete(VM)();
          expect(outcome(r)).toBe('ok');
          expect(E.isLeft(await f.store.getInstance(VM)())).toBe(true);
          const rows = f.store.allRows(VM);
          expect(rows.every((row) => row.deleted)).toBe(true);
          expect(rows.filter((row) => row.bdmId !== null).map((row) => row.disk)).toEqual(['root', 'ephemeral0', 'swap']);
          expect(rows.every((row) => row.driverInfo !== null)).toBe(true);
          expect(before.size).toBe(4);
          expect(f.cluster.disks().filter((d) => !(d.address.kind === 'file' && d.address.path.includes('/_base/')))).toEqual([]);
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
  });

  describe('when a record does not decode, or the classic driver’s facts do not place a disk', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`removes everything of the instance by nova's names all the same, while other operations refuse, on ${name}`, async () => {
        const f = await booted(name);
        expect(E.isRight(await f.store.saveRecords(VM, [{ disk: 'ephemeral0', driverInfo: '{"nova_object.name": "LibvirtDiskMetadata"' }])())).toBe(true);
        const r = await f.lifecycle().hardReboot(VM)();
        expect(E.isLeft(r) && r.left.code).toBe('RECORD_UNREADABLE');
        expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
        expect(E.isLeft(await f.store.getInstance(VM)())).toBe(true);
        expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
      });
    }

    for (const diskInfo of ['corrupt', 'absent'] as const) {
      it(`deletes a legacy instance whose disk.info is ${diskInfo}, removing its files with its directory`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
        await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'qcow2', size: GiB }, { disk: 'swap', format: 'raw', size: GiB / 4 }], diskInfo });
        const r = await f.lifecycle().hardReboot(VM)();
        expect(E.isLeft(r) && r.left.code).toBe(diskInfo === 'corrupt' ? 'DISK_INFO_CORRUPT' : 'LEGACY_FACTS_MISSING');
        expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
        expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
        expect(f.headReads).toEqual([]);
      });
    }

    it('removes a legacy config drive in the rbd pool by its name when the disk.info that lists it is garbled', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['rbd/shared'] }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }, { disk: 'config', format: 'raw', size: GiB / 16 }], diskInfo: 'corrupt' });
      expect(f.cluster.disks().filter((d) => d.location.includes('vm1_disk.config'))).toHaveLength(1);
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
    });
  });

  describe("when a record puts its disk outside what is the instance's own", () => {
    // vm1_2's volumes start with "vm1_" too: a prefix is not an owner.
    for (const [name, otherId] of BACKEND_OPTIONS.flatMap((n) => [[n, 'vm2'], [n, 'vm1_2']] as const)) {
      it(`refuses every other operation before it acts, and a delete removes the rest, never what the record names (${otherId}'s root), on ${name}`, async () => {
        const f = await booted(name);
        const other = vm(otherId);
        await f.boot(other, 'a');
        const victim = (await f.records(other)).get('root');
        const mine = (await f.records(VM)).get('ephemeral0');
        if (victim == null || mine == null || victim.location === null) throw new Error('both instances have records');
        // The other instance's root, as its own record names it, or as the host path of its file.
        const location = victim.backend === 'lvm' || victim.backend === 'rbd' ? victim.location : `${INSTANCES_PATH}/${other}/${victim.location}`;
        expect(E.isRight(await f.store.saveRecords(VM, [{ disk: 'ephemeral0', driverInfo: encodeDiskMetadata({ ...mine, backend: victim.backend, format: victim.format, location }) }])())).toBe(true);
        const theirs = (): number => f.cluster.disks().filter((d) => ownedBy(d.location, other)).length;
        const held = theirs();
        const commands = f.cluster.commands().length;
        for (const op of [f.lifecycle().records(VM), f.lifecycle().hardReboot(VM)]) {
          const r = await op();
          expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['INVALID_NAME', `${VM}/ephemeral0.location`]);
        }
        expect(f.cluster.commands().length).toBe(commands);
        expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
        expect(E.isLeft(await f.store.getInstance(VM)())).toBe(true);
        expect(f.cluster.disks().filter((d) => ownedBy(d.location, 'vm1'))).toEqual([]);
        expect(theirs()).toBe(held);
        expect(outcome(await f.lifecycle().hardReboot(other)())).toBe('ok');
      });
    }
  });

  describe('when rows have no record and no fact places their disks', () => {
    it('removes a boot that stopped after its first disk: the rows it never reached do not hold the delete up', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      expect(E.isRight(await f.repository.createInstance(VM, 'a', ['root', 'ephemeral0', 'swap'])())).toBe(true);
      expect(E.isRight(await f.host('a').backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: GiB / 4 })())).toBe(true);
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
    });

    for (const name of ['lvm', 'rbd/shared'] as const) {
      it(`does not look for the usual disks of an instance booted from a volume without local disks, on the ${name} host`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
        await f.boot(VM, 'a', { image: null, flavor: { root: 0, ephemeral: 0, swap: 0 }, configDrive: false });
        const before = f.cluster.commands().length;
        expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
        const looked = f.cluster.commands().slice(before).map((c) => c.argv.join(' ')).filter((a) => /_disk($|\.eph0|\.swap)/.test(a));
        expect(looked).toEqual([]);
        expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      });

      it(`removes a legacy instance's volumes by name from the ${name} group or pool its options still name, after its images_type changed`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
        await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }, { disk: 'swap', format: 'raw', size: GiB / 4 }], diskInfo: 'absent' });
        expect(f.cluster.disks().filter((d) => d.location.includes('vm1_'))).toHaveLength(2);
        f.reconfigure('a', { ...OPTIONS[name], imagesType: 'raw' });
        expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
        expect(f.cluster.disks().filter((d) => d.location.includes('vm1'))).toEqual([]);
      });
    }
  });
});
