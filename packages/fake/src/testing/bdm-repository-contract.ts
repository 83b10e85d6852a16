/**
 * The contract of the `BlockDeviceMappingRepository` port, as a vitest suite
 * every adapter runs: the in-memory repository here, and the SQL adapters
 * (SQLite, PostgreSQL, MariaDB) with the same `describeBdmRepositoryContract`.
 * The suite uses only the port's methods, plus a small seed interface each
 * adapter implements to create legacy rows and to read soft-deleted ones.
 * Test-only (this folder is not built).
 */
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instanceId, type BdmWrite, type BlockDeviceMappingRepository, type DiskName, type InstanceId, type RecordWrite } from '@disk-ledger/domain';

// ---- what an adapter provides

/** One stored row, soft-deleted or not. */
export interface SeedRow {
  readonly disk: DiskName;
  /** The BDM row id, `null` for an instance-level record. */
  readonly bdmId: number | null;
  readonly driverInfo: string | null;
  readonly deleted: boolean;
}

/** Direct access to an adapter's storage, for what the port cannot do. */
export interface BdmRepositorySeed {
  /** Register an instance as the classic driver left it: live BDM rows whose `driver_info` is null. */
  legacyInstance(instance: InstanceId, host: string, disks: readonly DiskName[]): Promise<void>;
  /** Every row stored for the instance id, soft-deleted ones included, BDM rows in id order. */
  allRows(instance: InstanceId): Promise<readonly SeedRow[]>;
}

/** A fresh, empty repository with its seed access; `close` runs after each test. */
export interface BdmRepositoryHarness {
  readonly repo: BlockDeviceMappingRepository;
  readonly seed: BdmRepositorySeed;
  readonly close?: () => Promise<void>;
}

// ---- helpers

const id = (s: string): InstanceId => {
  const r = instanceId(s);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

/** The value of a task that must succeed. */
const right = async <A>(task: () => Promise<E.Either<{ readonly message: string }, A>>): Promise<A> => {
  const r = await task();
  if (E.isLeft(r)) throw new Error(`expected success, got ${r.left.message}`);
  return r.right;
};

/** The error code of a task that must fail. */
const code = async (task: () => Promise<E.Either<{ readonly code: string }, unknown>>): Promise<string> => {
  const r = await task();
  if (E.isRight(r)) throw new Error('expected a failure');
  return r.left.code;
};

// A value outside the DiskName type, as a caller in plain JavaScript or a corrupt batch could pass.
const NOT_A_DISK = 'not-a-disk' as DiskName;

const vm1 = id('vm1');
const vm2 = id('vm2');

// ---- the suite

/** Run the repository contract against the repositories `makeRepo` makes. */
export const describeBdmRepositoryContract = (name: string, makeRepo: () => Promise<BdmRepositoryHarness>): void => {
  describe(`${name} (BlockDeviceMappingRepository contract)`, () => {
    let h: BdmRepositoryHarness;
    beforeEach(async () => {
      h = await makeRepo();
    });
    afterEach(async () => {
      await h.close?.();
    });

    describe('when registering an instance', () => {
      it('creates empty BDM rows for the disks that have one, and none for instance-level disks', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root', 'ephemeral0', 'swap', 'config']));
        expect(await right(h.repo.getInstance(vm1))).toEqual({ instance: vm1, host: 'h1', migration: null, imageRef: null });
        const rows = await right(h.repo.listDisks(vm1));
        expect(rows.map((r) => [r.disk, r.driverInfo])).toEqual([
          ['root', null],
          ['ephemeral0', null],
          ['swap', null],
        ]);
        const ids = rows.map((r) => r.bdmId);
        expect(ids.every((i) => typeof i === 'number' && Number.isSafeInteger(i) && i > 0)).toBe(true);
        expect(new Set(ids).size).toBe(3);
      });

      it('refuses a live instance registered twice and answers INSTANCE_NOT_FOUND for an unknown one', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        expect(await code(h.repo.createInstance(vm1, 'h2', ['root']))).toBe('INSTANCE_EXISTS');
        expect(await right(h.repo.getInstance(vm1))).toEqual({ instance: vm1, host: 'h1', migration: null, imageRef: null });
        for (const task of [h.repo.getInstance(vm2), h.repo.listDisks(vm2), h.repo.setHost(vm2, 'h2'), h.repo.deleteInstance(vm2)]) {
          expect(await code(task)).toBe('INSTANCE_NOT_FOUND');
        }
      });

      it('keeps ids that differ only in letter case apart, whatever the database collates by', async () => {
        const upper = id('CaseVM-x');
        const lower = id('casevm-x');
        await right(h.repo.createInstance(upper, 'h1', ['root']));
        expect(await code(h.repo.getInstance(lower))).toBe('INSTANCE_NOT_FOUND');
        await right(h.repo.createInstance(lower, 'h2', ['root', 'swap']));
        await right(h.repo.saveRecords(lower, [{ disk: 'root', driverInfo: 'L' }]));
        await right(h.repo.deleteInstance(lower));
        expect(await right(h.repo.getInstance(upper))).toEqual({ instance: upper, host: 'h1', migration: null, imageRef: null });
        expect((await right(h.repo.listDisks(upper))).map((r) => [r.instance, r.disk, r.driverInfo])).toEqual([[upper, 'root', null]]);
        expect(await code(h.repo.getInstance(lower))).toBe('INSTANCE_NOT_FOUND');
      });

      it('moves the instance to another host', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        await right(h.repo.setHost(vm1, 'h2'));
        expect(await right(h.repo.getInstance(vm1))).toEqual({ instance: vm1, host: 'h2', migration: null, imageRef: null });
      });

      it('keeps the image the instance was booted from, and the one it was rebuilt from; none reads as null', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root'], 'cirros-0.6'));
        expect((await right(h.repo.getInstance(vm1))).imageRef).toBe('cirros-0.6');
        await right(h.repo.setHost(vm1, 'h2'));
        await right(h.repo.setImageRef(vm1, 'fedora-40'));
        expect(await right(h.repo.getInstance(vm1))).toEqual({ instance: vm1, host: 'h2', migration: null, imageRef: 'fedora-40' });
        // Nova stores '' for an instance booted from a volume.
        await right(h.repo.setImageRef(vm1, ''));
        expect((await right(h.repo.getInstance(vm1))).imageRef).toBeNull();
        await right(h.repo.setImageRef(vm1, null));
        expect((await right(h.repo.getInstance(vm1))).imageRef).toBeNull();
        await right(h.repo.createInstance(vm2, 'h1', [], null));
        expect((await right(h.repo.getInstance(vm2))).imageRef).toBeNull();
      });

      it('refuses an instance id the library could not read back (a path, empty, a NUL), writing nothing', async () => {
        for (const odd of ['../x', '', 'vm\u0000', 'a/b', 'x'.repeat(65), 42]) {
          const refused = await h.repo.createInstance(odd as unknown as InstanceId, 'h1', ['root'])();
          expect(E.isLeft(refused) && [refused.left.code, refused.left.path], JSON.stringify(odd)).toEqual(['REPOSITORY_INPUT_INVALID', 'instance']);
        }
        expect(await right(h.repo.listUnpopulated(50))).toEqual([]);
      });

      it('refuses a host name its column cannot hold or a server would store differently, writing nothing', async () => {
        const longest = `h${'x'.repeat(254)}`;
        for (const odd of ['x'.repeat(256), '', 'h\u0000', 'h 1', 'h1 ', '-h', 'h/1', 42]) {
          const refused = await h.repo.createInstance(vm1, odd as unknown as string, ['root'])();
          expect(E.isLeft(refused) && [refused.left.code, refused.left.path], JSON.stringify(odd)).toEqual(['REPOSITORY_INPUT_INVALID', 'host']);
          expect(await code(h.repo.getInstance(vm1))).toBe('INSTANCE_NOT_FOUND');
        }
        await right(h.repo.createInstance(vm1, longest, ['root']));
        expect((await right(h.repo.getInstance(vm1))).host).toBe(longest);
        const moved = await h.repo.setHost(vm1, `${longest}x`)();
        expect(E.isLeft(moved) && [moved.left.code, moved.left.path]).toEqual(['REPOSITORY_INPUT_INVALID', 'host']);
        expect((await right(h.repo.getInstance(vm1))).host).toBe(longest);
      });

      it('checks its arguments before the instance: a bad one is REPOSITORY_INPUT_INVALID naming it, for a known or an unknown instance', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        for (const instance of [vm1, vm2, 'vm1 ' as InstanceId]) {
          const moved = await h.repo.setHost(instance, 'bad host')();
          expect(E.isLeft(moved) && [moved.left.code, moved.left.path], instance).toEqual(['REPOSITORY_INPUT_INVALID', 'host']);
          const ref = await h.repo.setImageRef(instance, 'x'.repeat(300))();
          expect(E.isLeft(ref) && [ref.left.code, ref.left.path], instance).toEqual(['REPOSITORY_INPUT_INVALID', 'imageRef']);
          const saved = await h.repo.saveRecords(instance, [{ disk: 'nope' as DiskName, driverInfo: 'X' }])();
          expect(E.isLeft(saved) && [saved.left.code, saved.left.path], instance).toEqual(['REPOSITORY_INPUT_INVALID', 'writes[0]']);
          const claimed = await h.repo.compareAndSetRecord(instance, 'nope' as DiskName, 'X')();
          expect(E.isLeft(claimed) && [claimed.left.code, claimed.left.path], instance).toEqual(['REPOSITORY_INPUT_INVALID', 'disk']);
        }
        // A listing by host takes only a host name, so that every database matches it alike.
        const listed = await h.repo.listUnpopulated(10, { host: 'h1 ' })();
        expect(E.isLeft(listed) && [listed.left.code, listed.left.path]).toEqual(['REPOSITORY_INPUT_INVALID', 'host']);
        expect((await right(h.repo.listUnpopulated(10, { host: 'h1' }))).map((r) => r.disk)).toEqual(['root']);
      });

      it('answers INSTANCE_NOT_FOUND for an id createInstance refuses, even one a server collates equal to a live id', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        await right(h.repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R' }]));
        // MariaDB's PAD SPACE collations compare 'vm1 ' equal to 'vm1'.
        for (const odd of ['vm1 ', 'vm1  ', 'vm1\t']) {
          const other = odd as InstanceId;
          expect(await code(h.repo.getInstance(other)), JSON.stringify(odd)).toBe('INSTANCE_NOT_FOUND');
          expect(await code(h.repo.listDisks(other))).toBe('INSTANCE_NOT_FOUND');
          expect(await code(h.repo.saveRecords(other, [{ disk: 'root', driverInfo: 'X' }]))).toBe('INSTANCE_NOT_FOUND');
          expect(await code(h.repo.compareAndSetRecord(other, 'swap', 'X'))).toBe('INSTANCE_NOT_FOUND');
          expect(await code(h.repo.setMigration(other, 'M'))).toBe('INSTANCE_NOT_FOUND');
          expect(await code(h.repo.setImageRef(other, 'i'))).toBe('INSTANCE_NOT_FOUND');
          expect(await code(h.repo.setHost(other, 'h2'))).toBe('INSTANCE_NOT_FOUND');
          expect(await code(h.repo.deleteInstance(other))).toBe('INSTANCE_NOT_FOUND');
        }
        expect(await right(h.repo.getInstance(vm1))).toEqual({ instance: vm1, host: 'h1', migration: null, imageRef: null });
        expect((await right(h.repo.listDisks(vm1))).map((r) => [r.disk, r.driverInfo])).toEqual([['root', 'R']]);
      });

      it('refuses an image_ref its column cannot hold, writing nothing, and one for an unknown instance', async () => {
        const long = 'x'.repeat(256);
        const refused = await h.repo.createInstance(vm1, 'h1', ['root'], long)();
        expect(E.isLeft(refused) && refused.left.code === 'REPOSITORY_INPUT_INVALID' && refused.left.path === 'imageRef').toBe(true);
        expect(await code(h.repo.getInstance(vm1))).toBe('INSTANCE_NOT_FOUND');
        await right(h.repo.createInstance(vm1, 'h1', ['root'], 'a'));
        const bad = await h.repo.setImageRef(vm1, 42 as unknown as string)();
        expect(E.isLeft(bad) && bad.left.path === 'imageRef').toBe(true);
        expect(await code(h.repo.setImageRef(vm1, long))).toBe('REPOSITORY_INPUT_INVALID');
        // What the databases would store differently (or not at all): a NUL, a lone surrogate, a 4-byte character, a newline.
        for (const odd of ['a\u0000b', 'x\uD83Dy', 'img-\u{1F600}', 'a\nb']) {
          expect(await code(h.repo.setImageRef(vm1, odd)), JSON.stringify(odd)).toBe('REPOSITORY_INPUT_INVALID');
        }
        expect((await right(h.repo.getInstance(vm1))).imageRef).toBe('a');
        expect(await code(h.repo.setImageRef(vm2, 'a'))).toBe('INSTANCE_NOT_FOUND');
      });
    });

    describe('when saving records', () => {
      it('updates BDM rows and creates missing BDM rows and instance-level slots in one call', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root', 'swap']));
        await right(
          h.repo.saveRecords(vm1, [
            { disk: 'root', driverInfo: 'R' },
            { disk: 'ephemeral0', driverInfo: 'E0' },
            { disk: 'config', driverInfo: 'C' },
            { disk: 'rescue', driverInfo: 'X' },
          ]),
        );
        const rows = await right(h.repo.listDisks(vm1));
        expect(rows.filter((r) => r.bdmId !== null).map((r) => [r.disk, r.driverInfo])).toEqual([
          ['root', 'R'],
          ['swap', null],
          ['ephemeral0', 'E0'],
        ]);
        expect(rows.slice(3).every((r) => r.bdmId === null)).toBe(true);
        expect(rows.slice(3).map((r) => [r.disk, r.driverInfo]).sort()).toEqual([
          ['config', 'C'],
          ['rescue', 'X'],
        ]);
      });

      it('removes a record written as null: the row is soft-deleted, invisible to listDisks, still stored', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root', 'swap']));
        await right(h.repo.saveRecords(vm1, [{ disk: 'swap', driverInfo: 'S' }, { disk: 'config', driverInfo: 'C' }]));
        await right(h.repo.saveRecords(vm1, [{ disk: 'swap', driverInfo: null }, { disk: 'config', driverInfo: null }, { disk: 'rescue', driverInfo: null }]));
        expect((await right(h.repo.listDisks(vm1))).map((r) => r.disk)).toEqual(['root']);
        const stored = await h.seed.allRows(vm1);
        expect(stored.filter((r) => r.deleted).map((r) => [r.disk, r.driverInfo]).sort()).toEqual([
          ['config', 'C'],
          ['swap', 'S'],
        ]);
      });

      it('numbers ephemeral disks by position: one past the next free position is refused, naming the disk, and nothing is written', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root', 'ephemeral0']));
        const gap = await h.repo.saveRecords(vm1, [{ disk: 'ephemeral7', driverInfo: 'E7' }])();
        expect(E.isLeft(gap) && gap.left).toMatchObject({ code: 'REPOSITORY_INPUT_INVALID', path: 'disk' });
        expect(E.isLeft(gap) && gap.left.message).toContain('ephemeral1');
        expect(await code(h.repo.compareAndSetRecord(vm1, 'ephemeral3', 'E3'))).toBe('REPOSITORY_INPUT_INVALID');
        expect(await code(h.repo.createInstance(vm2, 'h1', ['root', 'ephemeral1']))).toBe('REPOSITORY_INPUT_INVALID');
        expect((await right(h.repo.listDisks(vm1))).map((r) => r.disk)).toEqual(['root', 'ephemeral0']);
        // Consecutive ones in one batch are fine.
        await right(h.repo.saveRecords(vm1, [{ disk: 'ephemeral2', driverInfo: 'E2' }, { disk: 'ephemeral1', driverInfo: 'E1' }]));
        expect((await right(h.repo.listDisks(vm1))).map((r) => r.disk).sort()).toEqual(['ephemeral0', 'ephemeral1', 'ephemeral2', 'root']);
      });

      it('is atomic: a bad write in the batch leaves nothing written', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        const before = await right(h.repo.listDisks(vm1));
        expect(await code(h.repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R' }, { disk: 'config', driverInfo: 'C' }, { disk: NOT_A_DISK, driverInfo: 'X' }]))).toBe(
          'REPOSITORY_INPUT_INVALID',
        );
        expect(await right(h.repo.listDisks(vm1))).toEqual(before);
        expect(await code(h.repo.saveRecords(vm2, [{ disk: 'root', driverInfo: 'R' }]))).toBe('INSTANCE_NOT_FOUND');
      });
    });

    describe('when writing first-touch records with compare-and-set', () => {
      it('writes into an empty slot, creating it when needed, and keeps an existing record', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        expect(await right(h.repo.compareAndSetRecord(vm1, 'root', 'A'))).toEqual({ written: true, driverInfo: 'A' });
        expect(await right(h.repo.compareAndSetRecord(vm1, 'root', 'B'))).toEqual({ written: false, driverInfo: 'A' });
        expect(await right(h.repo.compareAndSetRecord(vm1, 'config', 'C'))).toEqual({ written: true, driverInfo: 'C' });
        expect(await right(h.repo.compareAndSetRecord(vm1, 'ephemeral0', 'E'))).toEqual({ written: true, driverInfo: 'E' });
        const rows = await right(h.repo.listDisks(vm1));
        expect(rows.map((r) => [r.disk, r.driverInfo, r.bdmId === null])).toEqual([
          ['root', 'A', false],
          ['ephemeral0', 'E', false],
          ['config', 'C', true],
        ]);
        expect(await code(h.repo.compareAndSetRecord(vm2, 'root', 'A'))).toBe('INSTANCE_NOT_FOUND');
      });

      it('lets one of two concurrent writers win; the loser gets the winner\'s text', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        const [a, b] = await Promise.all([right(h.repo.compareAndSetRecord(vm1, 'root', 'from-a')), right(h.repo.compareAndSetRecord(vm1, 'root', 'from-b'))]);
        expect([a.written, b.written].filter(Boolean)).toHaveLength(1);
        const winner = a.written ? a.driverInfo : b.driverInfo;
        expect([a.driverInfo, b.driverInfo]).toEqual([winner, winner]);
        expect((await right(h.repo.listDisks(vm1)))[0]?.driverInfo).toBe(winner);
      });
    });

    describe('when undoing a record whose disk was never made', () => {
      it('empties a BDM row and removes an instance-level record, only while they hold the given text', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root', 'swap']));
        await right(h.repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R' }, { disk: 'swap', driverInfo: 'S' }, { disk: 'config', driverInfo: 'C' }]));
        expect(await right(h.repo.clearRecord(vm1, 'root', 'other'))).toBe(false);
        expect(await right(h.repo.clearRecord(vm1, 'ephemeral0', 'R'))).toBe(false);
        expect(await right(h.repo.clearRecord(vm1, 'root', 'R'))).toBe(true);
        expect(await right(h.repo.clearRecord(vm1, 'config', 'C'))).toBe(true);
        expect(await right(h.repo.clearRecord(vm1, 'config', 'C'))).toBe(false);
        const rows = await right(h.repo.listDisks(vm1));
        expect(rows.map((r) => [r.disk, r.driverInfo, r.bdmId === null])).toEqual([
          ['root', null, false],
          ['swap', 'S', false],
        ]);
        expect((await h.seed.allRows(vm1)).filter((r) => r.bdmId !== null && r.deleted)).toEqual([]);
        // The instance-level record is kept as a removed one, as a null write keeps it.
        expect((await h.seed.allRows(vm1)).filter((r) => r.disk === 'config').map((r) => [r.driverInfo, r.deleted])).toEqual([['C', true]]);
      });

      it('soft-deletes a BDM row the undone write added, only while it holds the given text', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        await right(h.repo.saveRecords(vm1, [{ disk: 'swap', driverInfo: 'S' }, { disk: 'ephemeral0', driverInfo: 'E' }]));
        expect(await right(h.repo.clearRecord(vm1, 'swap', 's', { dropRow: true }))).toBe(false);
        expect(await right(h.repo.clearRecord(vm1, 'swap', 'S', { dropRow: true }))).toBe(true);
        expect((await right(h.repo.listDisks(vm1))).map((r) => [r.disk, r.driverInfo])).toEqual([['root', null], ['ephemeral0', 'E']]);
        expect((await h.seed.allRows(vm1)).filter((r) => r.disk === 'swap').map((r) => [r.driverInfo, r.deleted])).toEqual([['S', true]]);
        expect((await right(h.repo.listUnpopulated(10))).map((r) => r.disk)).toEqual(['root']);
      });

      it('gives the emptied row back to the online migration, in id order, and lets a first touch claim it', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root', 'swap']));
        await right(h.repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R' }]));
        const swap = (await right(h.repo.listUnpopulated(10))).map((r) => r.bdmId);
        expect(await right(h.repo.clearRecord(vm1, 'root', 'R'))).toBe(true);
        const listed = await right(h.repo.listUnpopulated(10));
        expect(listed.map((r) => [r.disk, r.host])).toEqual([['root', 'h1'], ['swap', 'h1']]);
        expect(listed.map((r) => r.bdmId).slice(1)).toEqual(swap);
        expect(await right(h.repo.listUnpopulated(10, { host: 'h1' }))).toEqual(listed);
        expect(await right(h.repo.compareAndSetRecord(vm1, 'root', 'again'))).toEqual({ written: true, driverInfo: 'again' });
      });

      it('checks its arguments, and answers INSTANCE_NOT_FOUND for an unknown instance', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        expect(await code(h.repo.clearRecord(vm1, NOT_A_DISK, 'R'))).toBe('REPOSITORY_INPUT_INVALID');
        expect(await code(h.repo.clearRecord(vm1, 'root', null as unknown as string))).toBe('REPOSITORY_INPUT_INVALID');
        expect(await code(h.repo.clearRecord(vm2, 'root', 'R'))).toBe('INSTANCE_NOT_FOUND');
      });
    });

    describe('when recording an unfinished move', () => {
      it('stores, replaces and clears the text, readable through getInstance', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        await right(h.repo.setMigration(vm1, '{"status":"running"}'));
        expect(await right(h.repo.getInstance(vm1))).toEqual({ instance: vm1, host: 'h1', migration: '{"status":"running"}', imageRef: null });
        await right(h.repo.setMigration(vm1, '{"status":"unconfirmed"}'));
        expect((await right(h.repo.getInstance(vm1))).migration).toBe('{"status":"unconfirmed"}');
        await right(h.repo.setMigration(vm1, null));
        expect((await right(h.repo.getInstance(vm1))).migration).toBeNull();
        expect(await code(h.repo.setMigration(vm2, 'x'))).toBe('INSTANCE_NOT_FOUND');
      });

      it('keeps it apart from the records: saving, claiming and removing records leave it, and it leaves them', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        await right(h.repo.saveRecords(vm1, [{ disk: 'config', driverInfo: 'C' }]));
        await right(h.repo.setMigration(vm1, 'M'));
        await right(h.repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R' }, { disk: 'rescue', driverInfo: 'X' }]));
        await right(h.repo.compareAndSetRecord(vm1, 'kernel', 'K'));
        await right(h.repo.saveRecords(vm1, [{ disk: 'rescue', driverInfo: null }]));
        await right(h.repo.setHost(vm1, 'h2'));
        expect(await right(h.repo.getInstance(vm1))).toEqual({ instance: vm1, host: 'h2', migration: 'M', imageRef: null });
        const rows = await right(h.repo.listDisks(vm1));
        expect(rows.map((r) => [r.disk, r.driverInfo]).sort()).toEqual([['config', 'C'], ['kernel', 'K'], ['root', 'R']]);
        await right(h.repo.setMigration(vm1, null));
        expect((await right(h.repo.listDisks(vm1))).map((r) => [r.disk, r.driverInfo]).sort()).toEqual([['config', 'C'], ['kernel', 'K'], ['root', 'R']]);
      });

      it('stores it for an instance that has no instance-level records yet, and drops it with the instance', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        await right(h.repo.setMigration(vm1, 'M'));
        expect((await right(h.repo.getInstance(vm1))).migration).toBe('M');
        expect((await right(h.repo.listDisks(vm1))).map((r) => r.disk)).toEqual(['root']);
        await right(h.repo.deleteInstance(vm1));
        await right(h.repo.createInstance(vm1, 'h1', ['root']));
        expect((await right(h.repo.getInstance(vm1))).migration).toBeNull();
      });
    });

    describe('when deleting an instance', () => {
      it('soft-deletes it with every row and slot, and lets its id be registered again', async () => {
        await right(h.repo.createInstance(vm1, 'h1', ['root', 'swap']));
        await right(h.repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R' }, { disk: 'config', driverInfo: 'C' }]));
        await right(h.repo.deleteInstance(vm1));
        expect(await code(h.repo.getInstance(vm1))).toBe('INSTANCE_NOT_FOUND');
        expect(await code(h.repo.listDisks(vm1))).toBe('INSTANCE_NOT_FOUND');
        const stored = await h.seed.allRows(vm1);
        expect(stored).toHaveLength(3);
        expect(stored.every((r) => r.deleted)).toBe(true);
        await right(h.repo.createInstance(vm1, 'h2', ['root']));
        expect((await right(h.repo.listDisks(vm1))).map((r) => [r.disk, r.driverInfo])).toEqual([['root', null]]);
      });
    });

    describe('when listing rows still lacking driver_info', () => {
      it('lists live legacy rows oldest first, up to the limit, with their host', async () => {
        await h.seed.legacyInstance(vm1, 'h1', ['root', 'ephemeral0']);
        await h.seed.legacyInstance(vm2, 'h2', ['root']);
        await right(h.repo.createInstance(id('vm3'), 'h1', ['root']));
        await right(h.repo.saveRecords(id('vm3'), [{ disk: 'root', driverInfo: 'R' }]));
        const all = await right(h.repo.listUnpopulated(10));
        expect(all.map((r) => [r.instance, r.disk, r.host, r.driverInfo])).toEqual([
          ['vm1', 'root', 'h1', null],
          ['vm1', 'ephemeral0', 'h1', null],
          ['vm2', 'root', 'h2', null],
        ]);
        const ids = all.map((r) => r.bdmId ?? 0);
        expect([...ids].sort((x, y) => x - y)).toEqual(ids);
        expect(await right(h.repo.listUnpopulated(2))).toEqual(all.slice(0, 2));
        expect(await right(h.repo.listUnpopulated(0))).toEqual([]);
      });

      it('pages with a cursor and filters by host', async () => {
        await h.seed.legacyInstance(vm1, 'h1', ['root', 'ephemeral0']);
        await h.seed.legacyInstance(vm2, 'h2', ['root']);
        const all = await right(h.repo.listUnpopulated(10));
        expect(await right(h.repo.listUnpopulated(10, { afterId: all[0]?.bdmId ?? 0 }))).toEqual(all.slice(1));
        expect((await right(h.repo.listUnpopulated(10, { host: 'h2' }))).map((r) => r.instance)).toEqual(['vm2']);
      });

      it('leaves out populated, removed and deleted rows', async () => {
        await h.seed.legacyInstance(vm1, 'h1', ['root', 'swap', 'ephemeral0']);
        await h.seed.legacyInstance(vm2, 'h1', ['root']);
        await right(h.repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R' }, { disk: 'swap', driverInfo: null }]));
        await right(h.repo.deleteInstance(vm2));
        expect((await right(h.repo.listUnpopulated(10))).map((r) => [r.instance, r.disk])).toEqual([['vm1', 'ephemeral0']]);
      });
    });

    describe('when the online migration fills rows', () => {
      it('fills only rows still empty, in one call, and says how many it wrote', async () => {
        await h.seed.legacyInstance(vm1, 'h1', ['root', 'swap']);
        const [root, swap] = await right(h.repo.listUnpopulated(10));
        if (root?.bdmId == null || swap?.bdmId == null) throw new Error('expected two legacy rows');
        await right(h.repo.compareAndSetRecord(vm1, 'swap', 'first-touch'));
        expect(await right(h.repo.fillUnpopulated([{ bdmId: root.bdmId, driverInfo: 'M1' }, { bdmId: swap.bdmId, driverInfo: 'M2' }, { bdmId: 999_999, driverInfo: 'M3' }]))).toBe(1);
        expect((await right(h.repo.listDisks(vm1))).map((r) => [r.disk, r.driverInfo])).toEqual([
          ['root', 'M1'],
          ['swap', 'first-touch'],
        ]);
        expect(await right(h.repo.listUnpopulated(10))).toEqual([]);
      });
      it('takes a batch larger than a statement can bind (40,000 writes)', async () => {
        await h.seed.legacyInstance(vm1, 'h1', ['root']);
        const [root] = await right(h.repo.listUnpopulated(10));
        if (root?.bdmId == null) throw new Error('expected a legacy row');
        const misses = Array.from({ length: 39_999 }, (_, i) => ({ bdmId: 10_000_000 + i, driverInfo: 'X' }));
        expect(await right(h.repo.fillUnpopulated([...misses, { bdmId: root.bdmId, driverInfo: 'M1' }]))).toBe(1);
        expect((await right(h.repo.listDisks(vm1))).map((r) => [r.disk, r.driverInfo])).toEqual([['root', 'M1']]);
      });
    });

    describe('when a caller outside the type system passes something that is not a write', () => {
      it('refuses it, naming its index, and writes nothing', async () => {
        await h.seed.legacyInstance(vm1, 'h1', ['root', 'swap']);
        const [root] = await right(h.repo.listUnpopulated(10));
        if (root?.bdmId == null) throw new Error('expected a legacy row');
        const notWrites = [null, 42, { disk: 'root' }, { bdmId: 'x', driverInfo: 'M' }] as unknown[];
        for (const junk of notWrites) {
          const saved = await h.repo.saveRecords(vm1, [{ disk: 'swap', driverInfo: 'S' }, junk as RecordWrite])();
          expect(E.isLeft(saved) && [saved.left.code, saved.left.path]).toEqual(['REPOSITORY_INPUT_INVALID', 'writes[1]']);
          const filled = await h.repo.fillUnpopulated([{ bdmId: root.bdmId, driverInfo: 'M' }, junk as BdmWrite])();
          expect(E.isLeft(filled) && [filled.left.code, filled.left.path]).toEqual(['REPOSITORY_INPUT_INVALID', 'writes[1]']);
        }
        expect((await right(h.repo.listDisks(vm1))).map((r) => r.driverInfo)).toEqual([null, null]);
      });
    });
  });
};
