import * as E from 'fp-ts/lib/Either.js';
import { AlterTableNode, sql, type Kysely, type KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, pendingMigration } from './migrate.js';
import type { NovaTables } from './nova-tables.js';
import { STANDALONE_TABLES } from './table-spec.js';
import { forEachBackend, opened, type TestDatabase } from '../testing/backends.js';
import { createNovaFixture, indexNames } from '../testing/nova-fixture.js';
import { id, left, right } from '../testing/task.js';

const columns = async (db: Kysely<NovaTables>): Promise<Map<string, string[]>> =>
  new Map((await db.introspection.getTables()).map((t) => [t.name, t.columns.map((c) => c.name).sort()]));

const added = (before: Map<string, string[]>, after: Map<string, string[]>): string[] =>
  [...after].flatMap(([table, cols]) => cols.filter((c) => !(before.get(table) ?? []).includes(c)).map((c) => `${table}.${c}`)).sort();

forEachBackend('migrate', (backend) => {
  describe(`migrate on ${backend.name}`, () => {
    let t: TestDatabase;
    beforeEach(async () => {
      t = await backend.open({ migrate: false });
    });
    afterEach(async () => {
      await t.dispose();
    });

    describe('when the database is empty', () => {
      it('creates the standalone schema, then does nothing when run again', async () => {
        const { db, flavour } = t.database;
        expect(await right(migrate(db, flavour))).toEqual({ createdTables: ['instances', 'instance_extra', 'block_device_mapping'], addedColumns: [] });
        const schema = await columns(db);
        expect(schema.get('block_device_mapping')).toContain('driver_info');
        expect(schema.get('instance_extra')).toContain('libvirt_disk_metadata');
        const indexes = await indexNames(db, backend.dialect);
        expect(await right(migrate(db, flavour))).toEqual({ createdTables: [], addedColumns: [] });
        expect(await columns(db)).toEqual(schema);
        expect(await indexNames(db, backend.dialect)).toEqual(indexes);
      });
    });

    describe('when several processes migrate an empty database at once', () => {
      it('all succeed, and the schema is whole', async ({ skip }) => {
        if (backend.dialect === 'sqlite' && t.url.includes(':memory:')) skip('an in-memory SQLite database has one connection');
        const pools = await Promise.all([0, 1, 2].map(() => opened(t.url, { migrate: false })));
        try {
          for (let round = 0; round < 3; round += 1) {
            const results = await Promise.all(pools.map((p) => migrate(p.db, p.flavour)()));
            expect(results.map((r) => (E.isLeft(r) ? r.left.message : 'ok'))).toEqual(['ok', 'ok', 'ok']);
          }
          expect(await right(pendingMigration(t.database.db, t.database.flavour))).toEqual({ createdTables: [], addedColumns: [] });
          expect((await indexNames(t.database.db, backend.dialect)).length).toBeGreaterThan(0);
        } finally {
          for (const p of pools) await p.close();
        }
      });
    });

    describe('when a run stopped part-way (a table made, its indexes not)', () => {
      it('the next run finishes the schema, indexes included, and uniqueness holds', async () => {
        const { db, flavour, repository } = t.database;
        await right(migrate(db, flavour));
        const indexes = await indexNames(db, backend.dialect);
        // MySQL commits each DDL statement: a crash after CREATE TABLE leaves the tables without their indexes.
        for (const spec of STANDALONE_TABLES) {
          for (const ix of [...spec.unique, ...spec.indexes]) {
            await sql.raw(backend.dialect === 'mysql' ? `DROP INDEX ${ix.name} ON ${spec.name}` : `DROP INDEX ${ix.name}`).execute(db);
          }
        }
        expect(await indexNames(db, backend.dialect)).not.toEqual(indexes);
        await right(migrate(db, flavour));
        expect(await indexNames(db, backend.dialect)).toEqual(indexes);
        const vm = id('3f6c0b38-94a4-4a4e-8d0a-6a7e5c1f9d22');
        await right(repository.createInstance(vm, 'h1', ['root']));
        expect((await left(repository.createInstance(vm, 'h1', ['root']))).code).toBe('INSTANCE_EXISTS');
      });
    });

    describe('when only asked what a migration would do', () => {
      it('names the missing tables, then the missing columns of a nova database, then nothing once migrated, changing nothing itself', async () => {
        const { db, flavour } = t.database;
        expect(await right(pendingMigration(db, flavour))).toEqual({ createdTables: ['instances', 'instance_extra', 'block_device_mapping'], addedColumns: [] });
        await createNovaFixture(db, backend.dialect);
        const before = await columns(db);
        expect([...(await right(pendingMigration(db, flavour))).addedColumns].sort()).toEqual([
          'block_device_mapping.driver_info', 'instance_extra.libvirt_disk_metadata', 'shadow_block_device_mapping.driver_info', 'shadow_instance_extra.libvirt_disk_metadata',
        ]);
        expect(await columns(db)).toEqual(before);
        await right(migrate(db, flavour));
        expect(await right(pendingMigration(db, flavour))).toEqual({ createdTables: [], addedColumns: [] });
      });
    });

    describe("when the database is nova's", () => {
      it('adds only the two columns (and their shadow-table twins): no table, no index, and a rerun is a no-op', async () => {
        const { db, flavour } = t.database;
        await createNovaFixture(db, backend.dialect);
        const before = await columns(db);
        const indexes = await indexNames(db, backend.dialect);
        const report = await right(migrate(db, flavour));
        const expected = ['block_device_mapping.driver_info', 'instance_extra.libvirt_disk_metadata', 'shadow_block_device_mapping.driver_info', 'shadow_instance_extra.libvirt_disk_metadata'];
        expect(report).toEqual({ createdTables: [], addedColumns: [expected[0], expected[2], expected[1], expected[3]] });
        const after = await columns(db);
        expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
        expect(added(before, after)).toEqual(expected);
        expect(await indexNames(db, backend.dialect)).toEqual(indexes);
        expect(await right(migrate(db, flavour))).toEqual({ createdTables: [], addedColumns: [] });
        expect(await columns(db)).toEqual(after);
      });

      it('adds all four columns or, where DDL is transactional, none, when it may not alter one table; a rerun with the right finishes', async () => {
        const { db, flavour } = t.database;
        await createNovaFixture(db, backend.dialect);
        const before = await columns(db);
        // As a database user who does not own shadow_instance_extra: its ALTER fails.
        const denied: KyselyPlugin = {
          transformQuery: ({ node }) => {
            if (AlterTableNode.is(node) && node.table.table.identifier.name === 'shadow_instance_extra') throw new Error('must be owner of table shadow_instance_extra');
            return node;
          },
          transformResult: ({ result }) => Promise.resolve(result),
        };
        const failed = await left(migrate(db.withPlugin(denied), flavour));
        expect(failed.message).toContain('must be owner of table shadow_instance_extra');
        const partial = added(before, await columns(db));
        expect(partial).toEqual(backend.dialect === 'mysql' ? ['block_device_mapping.driver_info', 'instance_extra.libvirt_disk_metadata', 'shadow_block_device_mapping.driver_info'] : []);
        await right(migrate(db, flavour));
        expect(added(before, await columns(db))).toHaveLength(4);
      });

      it('stores a record naming a 4-byte character in the columns it added', async () => {
        const { db, flavour, repository } = t.database;
        await createNovaFixture(db, backend.dialect);
        await right(migrate(db, flavour));
        const vm = id('3f6c0b38-94a4-4a4e-8d0a-6a7e5c1f9d23');
        await right(repository.createInstance(vm, 'h1', ['root']));
        await right(repository.saveRecords(vm, [{ disk: 'root', driverInfo: 'R \u{1F600}' }, { disk: 'config', driverInfo: 'C \u{1F600}' }]));
        expect((await right(repository.listDisks(vm))).map((r) => r.driverInfo)).toEqual(['R \u{1F600}', 'C \u{1F600}']);
      });

      it('then serves the repository, and nova refuses to reuse a deleted uuid', async () => {
        const { db, flavour, repository } = t.database;
        await createNovaFixture(db, backend.dialect);
        await right(migrate(db, flavour));
        const vm = id('3f6c0b38-94a4-4a4e-8d0a-6a7e5c1f9d21');
        await right(repository.createInstance(vm, 'h1', ['root', 'ephemeral0', 'swap']));
        await right(repository.saveRecords(vm, [{ disk: 'root', driverInfo: 'R' }, { disk: 'ephemeral0', driverInfo: null }, { disk: 'config', driverInfo: 'C' }]));
        expect((await right(repository.listDisks(vm))).map((r) => [r.disk, r.driverInfo])).toEqual([['root', 'R'], ['swap', null], ['config', 'C']]);
        await right(repository.deleteInstance(vm));
        expect((await left(repository.createInstance(vm, 'h1', ['root']))).code).toBe('INSTANCE_EXISTS');
      });
    });

    describe('when the database belongs to something else', () => {
      it('refuses to create tables in it', async () => {
        const { db, flavour } = t.database;
        await db.schema.createTable('unrelated').addColumn('id', 'integer').execute();
        const result = await migrate(db, flavour)();
        expect(E.isLeft(result) ? result.left.message : '').toContain("refusing to create tables");
        expect([...(await columns(db)).keys()]).toEqual(['unrelated']);
      });

      it('refuses, creating nothing, when its only table has one of nova\'s names but not its columns', async () => {
        const { db, flavour } = t.database;
        await db.schema.createTable('block_device_mapping').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('x', 'integer').execute();
        const result = await migrate(db, flavour)();
        expect(E.isLeft(result) ? result.left.message : '').toMatch(/block_device_mapping \(no [^)]+\).*refusing to create tables/);
        expect([...(await columns(db)).keys()]).toEqual(['block_device_mapping']);
        expect((await columns(db)).get('block_device_mapping')).toEqual(['id', 'x']);
      });
    });
  });
});
