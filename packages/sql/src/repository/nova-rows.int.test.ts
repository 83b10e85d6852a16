import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REMOVED_KEPT } from '../mapping/instance-records.js';
import { NOVA_TIMESTAMP } from '../schema/nova-timestamp.js';
import { forEachBackend, type TestDatabase } from '../testing/backends.js';
import { id, left, right } from '../testing/task.js';

forEachBackend('nova rows', (backend) => {
  describe(`SqlBlockDeviceMappingRepository rows on ${backend.name}`, () => {
    let t: TestDatabase;
    beforeEach(async () => {
      t = await backend.open({ now: () => new Date('2024-05-01T12:34:56.789Z') });
    });
    afterEach(async () => {
      await t.dispose();
    });

    const bdm = (instance: string) =>
      t.database.db
        .selectFrom('block_device_mapping')
        .select(['id', 'source_type', 'destination_type', 'guest_format', 'boot_index', 'device_name', 'deleted', 'uuid', 'driver_info'])
        .select(t.database.flavour.timestampText('created_at').as('created'))
        .select(t.database.flavour.timestampText('updated_at').as('updated'))
        .select(t.database.flavour.timestampText('deleted_at').as('deleted_at'))
        .where('instance_uuid', '=', instance)
        .orderBy('id')
        .execute();

    describe('when registering an instance', () => {
      it('writes rows the way nova does: image/blank → local, boot index, device names in order, uuids, UTC timestamps', async () => {
        await right(t.database.repository.createInstance(id('vm1'), 'h1', ['root', 'ephemeral0', 'ephemeral1', 'swap', 'config']));
        const rows = await bdm('vm1');
        expect(rows.map((r) => [r.source_type, r.destination_type, r.guest_format, r.boot_index, r.device_name, r.deleted, r.driver_info])).toEqual([
          ['image', 'local', null, 0, '/dev/vda', 0, null],
          ['blank', 'local', null, -1, '/dev/vdb', 0, null],
          ['blank', 'local', null, -1, '/dev/vdc', 0, null],
          ['blank', 'local', 'swap', -1, '/dev/vdd', 0, null],
        ]);
        expect(new Set(rows.map((r) => r.uuid)).size).toBe(4);
        expect(rows.every((r) => r.created === '2024-05-01 12:34:56' && r.updated === null)).toBe(true);
      });

      it('refuses an ephemeral gap, a duplicate or a non-disk, writing nothing', async () => {
        for (const disks of [['root', 'ephemeral1'], ['root', 'root'], ['root', 'disk.eph0']] as const) {
          const error = await left(t.database.repository.createInstance(id('vm1'), 'h1', disks as never));
          expect(error).toMatchObject({ code: 'REPOSITORY_INPUT_INVALID' });
          expect((await left(t.database.repository.getInstance(id('vm1')))).code).toBe('INSTANCE_NOT_FOUND');
        }
      });
    });

    describe('when naming rows nova wrote', () => {
      it('numbers ephemerals by device name as nova orders them (vdz before vdaa), ignores volumes, names extra roots nothing', async () => {
        const vm = id('vm1');
        await right(t.database.repository.createInstance(vm, 'h1', ['root']));
        // 28 ephemerals inserted in scrambled order, a volume, and a stray second image row.
        const letters = (i: number): string => (i < 26 ? String.fromCharCode(97 + i) : `a${String.fromCharCode(97 + i - 26)}`);
        const order = Array.from({ length: 28 }, (_, i) => (i * 11) % 28);
        const base = { instance_uuid: vm, deleted: 0, created_at: '2020-01-01 00:00:00', device_type: 'disk' };
        for (const i of order) {
          await t.database.db.insertInto('block_device_mapping')
            .values({ ...base, source_type: 'blank', destination_type: 'local', device_name: `/dev/vd${letters(i + 1)}`, uuid: randomUUID(), driver_info: `E${i}` })
            .execute();
        }
        await t.database.db.insertInto('block_device_mapping')
          .values({ ...base, source_type: 'volume', destination_type: 'volume', device_name: '/dev/vdb', uuid: randomUUID(), driver_info: null })
          .execute();
        await t.database.db.insertInto('block_device_mapping')
          .values({ ...base, source_type: 'image', destination_type: 'local', device_name: '/dev/vdzz', uuid: randomUUID(), driver_info: 'stray' })
          .execute();
        const rows = await right(t.database.repository.listDisks(vm));
        expect(rows.filter((r) => r.disk.startsWith('ephemeral')).map((r) => [r.disk, r.driverInfo]).sort()).toEqual(
          Array.from({ length: 28 }, (_, i) => [`ephemeral${i}`, `E${i}`]).sort(),
        );
        expect(rows.map((r) => r.disk)).not.toContain('volume');
        expect(rows.filter((r) => r.disk === 'root')).toHaveLength(1);
        expect(rows.some((r) => r.driverInfo === 'stray')).toBe(false);
      });

      it('skips a row marked no_device, as nova\'s driver does: it maps no disk and numbers none', async () => {
        const vm = id('vm1');
        await right(t.database.repository.createInstance(vm, 'h1', ['root']));
        const base = { instance_uuid: vm, deleted: 0, created_at: '2020-01-01 00:00:00', source_type: 'blank', destination_type: 'local' };
        // A boolean as each database stores one (SQLite binds no booleans).
        const flag = (b: boolean): boolean | number => (backend.dialect === 'postgres' ? b : Number(b));
        await t.database.db.insertInto('block_device_mapping').values({ ...base, device_name: '/dev/vdb', no_device: flag(true), uuid: randomUUID(), driver_info: null }).execute();
        await t.database.db.insertInto('block_device_mapping').values({ ...base, device_name: '/dev/vdc', no_device: flag(false), uuid: randomUUID(), driver_info: 'E' }).execute();
        await t.database.db.insertInto('block_device_mapping').values({ ...base, device_name: '/dev/vdd', no_device: flag(true), uuid: randomUUID(), driver_info: null, deleted: 99 }).execute();
        const repo = t.database.repository;
        expect((await right(repo.listDisks(vm))).map((r) => [r.disk, r.driverInfo])).toEqual([['root', null], ['ephemeral0', 'E']]);
        // A page of one is the root, not a short page a migration would take for its last.
        expect((await right(repo.listUnpopulated(1))).map((r) => r.disk)).toEqual(['root']);
        expect((await right(repo.listUnpopulated(10))).map((r) => r.disk)).toEqual(['root']);
        expect(await right(repo.countUnpopulated())).toBe(1);
        expect(await right(repo.census())).toMatchObject({ populated: 1, unpopulated: 1 });
        expect(await right(repo.listDeletedDisks(vm))).toEqual([]);
      });
    });

    describe('when writes would leave an ephemeral gap', () => {
      it('refuses the whole call, in saveRecords and in compareAndSetRecord', async () => {
        const vm = id('vm1');
        await right(t.database.repository.createInstance(vm, 'h1', ['root', 'ephemeral0']));
        const before = await right(t.database.repository.listDisks(vm));
        const error = await left(t.database.repository.saveRecords(vm, [{ disk: 'root', driverInfo: 'R' }, { disk: 'ephemeral2', driverInfo: 'E2' }, { disk: 'config', driverInfo: 'C' }]));
        expect(error).toMatchObject({ code: 'REPOSITORY_INPUT_INVALID', path: 'disk' });
        expect(error.message).toContain('has 1 ephemeral disk(s)');
        expect(await right(t.database.repository.listDisks(vm))).toEqual(before);
        expect((await left(t.database.repository.compareAndSetRecord(vm, 'ephemeral2', 'E2'))).code).toBe('REPOSITORY_INPUT_INVALID');
        await right(t.database.repository.saveRecords(vm, [{ disk: 'ephemeral1', driverInfo: 'E1' }, { disk: 'ephemeral2', driverInfo: 'E2' }]));
        expect((await right(t.database.repository.listDisks(vm))).map((r) => r.disk)).toEqual(['root', 'ephemeral0', 'ephemeral1', 'ephemeral2']);
      });
    });

    describe('when a record is removed or the instance deleted', () => {
      it('soft-deletes as oslo.db does (deleted = id, deleted_at set, updated_at kept) and keeps the record readable', async () => {
        const vm = id('vm1');
        const repo = t.database.repository;
        await right(repo.createInstance(vm, 'h1', ['root', 'swap']));
        await right(repo.saveRecords(vm, [{ disk: 'swap', driverInfo: 'S' }, { disk: 'rescue', driverInfo: 'X' }]));
        await right(repo.saveRecords(vm, [{ disk: 'swap', driverInfo: null }, { disk: 'rescue', driverInfo: null }]));
        const swap = (await bdm('vm1'))[1];
        expect(swap).toMatchObject({ deleted: swap?.id, deleted_at: '2024-05-01 12:34:56', updated: '2024-05-01 12:34:56', driver_info: 'S' });
        await right(repo.deleteInstance(vm));
        const gone = await right(repo.listDeletedDisks(vm));
        expect(gone.map((r) => [r.kind, r.disk, r.deviceName, r.driverInfo])).toEqual([
          ['root', null, '/dev/vda', null],
          ['swap', null, '/dev/vdb', 'S'],
          ['instance', 'rescue', null, 'X'],
        ]);
        expect(gone.every((r) => r.deletedAt !== null && NOVA_TIMESTAMP.test(r.deletedAt))).toBe(true);
      });

      it(`keeps the latest ${REMOVED_KEPT} removed instance-level records, so rescue cycles do not grow a row for ever`, async () => {
        const vm = id('vm1');
        const repo = t.database.repository;
        await right(repo.createInstance(vm, 'h1', ['root']));
        for (let i = 0; i < REMOVED_KEPT + 4; i += 1) {
          await right(repo.saveRecords(vm, [{ disk: 'rescue', driverInfo: `X${i}` }, { disk: 'config', driverInfo: `C${i}` }]));
          await right(repo.saveRecords(vm, [{ disk: 'rescue', driverInfo: null }]));
        }
        const removed = await right(repo.listDeletedDisks(vm));
        expect(removed.map((r) => r.driverInfo)).toEqual(Array.from({ length: REMOVED_KEPT }, (_, i) => `X${i + 4}`));
        expect((await right(repo.listDisks(vm))).map((r) => [r.disk, r.driverInfo])).toEqual([['root', null], ['config', `C${REMOVED_KEPT + 3}`]]);
      });
    });

    describe('when stored instance-level records are not what this code wrote', () => {
      it('fails loudly, naming the field, instead of guessing', async () => {
        const vm = id('vm1');
        await right(t.database.repository.createInstance(vm, 'h1', ['root']));
        await t.database.db.updateTable('instance_extra').set({ libvirt_disk_metadata: '{"config": 42}' }).where('instance_uuid', '=', vm).execute();
        expect(await left(t.database.repository.listDisks(vm))).toMatchObject({ code: 'REPOSITORY_FAILED', path: 'instance_extra.libvirt_disk_metadata.config' });
      });
    });

    describe('when the online migration pages through legacy rows', () => {
      it('skips excluded rows, filters by host, counts, and lists populated rows for a census', async () => {
        const repo = t.database.repository;
        for (const [vm, host] of [['a', 'h1'], ['b', 'h2'], ['c', 'h1']] as const) await right(repo.createInstance(id(vm), host, ['root', 'swap']));
        const all = await right(repo.listUnpopulated(100));
        expect(all.map((r) => `${r.instance}/${r.disk}@${r.host}`)).toEqual(['a/root@h1', 'a/swap@h1', 'b/root@h2', 'b/swap@h2', 'c/root@h1', 'c/swap@h1']);
        const skip = [all[0]?.bdmId ?? 0, all[1]?.bdmId ?? 0];
        expect((await right(repo.listUnpopulated(2, { excludeIds: skip }))).map((r) => r.instance)).toEqual(['b', 'b']);
        expect((await right(repo.listUnpopulated(10, { host: 'h1', afterId: all[1]?.bdmId ?? 0 }))).map((r) => r.instance)).toEqual(['c', 'c']);
        expect(await right(repo.countUnpopulated())).toBe(6);
        expect(await right(repo.fillUnpopulated([{ bdmId: all[2]?.bdmId ?? 0, driverInfo: 'M' }]))).toBe(1);
        await right(repo.saveRecords(id('c'), [{ disk: 'config', driverInfo: 'C' }]));
        await right(repo.deleteInstance(id('a')));
        expect(await right(repo.census())).toEqual({ instances: 2, populated: 1, unpopulated: 3, withInstanceLevelRecords: 1 });
        expect((await right(repo.listPopulated(10))).map((r) => [r.instance, r.disk, r.driverInfo])).toEqual([['b', 'root', 'M']]);
      });
    });
  });
});

describe('openDatabase', () => {
  describe('when the server cannot be reached', () => {
    it('answers REPOSITORY_FAILED naming the URL without its password', async () => {
      const { openDatabase } = await import('../open-database.js');
      for (const url of ['postgres://nova:secret@127.0.0.1:1/nova', 'mysql://nova:secret@127.0.0.1:1/nova']) {
        const error = await left(openDatabase(url));
        expect(error).toMatchObject({ code: 'REPOSITORY_FAILED' });
        expect(error.message).toContain('127.0.0.1:1');
        expect(error.message).not.toContain('secret');
      }
      expect(await left(openDatabase('oracle://x'))).toMatchObject({ code: 'DATABASE_URL_INVALID' });
    });
  });
});

