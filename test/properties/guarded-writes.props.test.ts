import fc from 'fast-check';
import type { BdmWrite, BlockDeviceMappingRepository, DiskName, InstanceId } from '@disk-ledger/domain';
import { InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import { openDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../../packages/sql/src/testing/fresh-database.js';
import { describeWithServer } from '../../packages/sql/src/testing/server-env.js';
import { vm } from '../../packages/core/src/testing/names.js';

/**
 * The repository's two guarded writes, a first touch (`compareAndSetRecord`)
 * and the online migration's fill (`fillUnpopulated`), against a second
 * writer. The migration lists rows lacking `driver_info`, derives their
 * records, and fills them later: by then a first touch, an operation's plain
 * save, a delete, or another migration run may have written those rows. The
 * property: whatever the interleaving, a guarded write stores only into a
 * slot that is still empty and says so (the other writer's record wins and
 * is what every later read returns); a plain save replaces. Checked against
 * a sequential model on the in-memory repository and on SQLite.
 */

const SEED = 0x6a7d3e;
const VMS = [vm('g0'), vm('g1')] as const;
/** Disks with a BDM row: the ones a legacy instance has rows for and the migration fills. */
const DISKS: readonly DiskName[] = ['root', 'ephemeral0', 'swap'];

type Action =
  /** A migration run lists the rows still empty and derives a record for each; it writes them at a later `fill`. */
  | { readonly op: 'list'; readonly limit: number }
  /** The oldest (or newest) listing not yet written is filled, however stale. */
  | { readonly op: 'fill'; readonly newest: boolean }
  | { readonly op: 'claim'; readonly vm: 0 | 1; readonly disk: DiskName }
  | { readonly op: 'save'; readonly vm: 0 | 1; readonly disk: DiskName; readonly clear: boolean }
  | { readonly op: 'delete' | 'register'; readonly vm: 0 | 1 };

const vmArb = fc.constantFrom(0 as const, 1 as const);
const diskArb = fc.constantFrom(...DISKS);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('list' as const), limit: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('fill' as const), newest: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('claim' as const), vm: vmArb, disk: diskArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('save' as const), vm: vmArb, disk: diskArb, clear: fc.boolean() }) },
  fc.record({ op: fc.constantFrom('delete' as const, 'register' as const), vm: vmArb }),
);
const runArb = fc.array(actionArb, { minLength: 1, maxLength: 25 });

/** What the repository must hold: per live instance, each slot's row and its text (`null`: the row lacks `driver_info`). */
type Model = Map<InstanceId, Map<DiskName, { readonly bdmId: number | null; text: string | null }>>;

const right = async <A>(what: string, task: () => Promise<E.Either<{ readonly code: string; readonly message: string }, A>>): Promise<A> => {
  const r = await task();
  if (E.isLeft(r)) throw new Error(`${what}: ${r.left.code}: ${r.left.message}`);
  return r.right;
};

/** The model's rows of an instance as the repository lists them now (row ids are the repository's to choose). */
const refresh = async (repo: BlockDeviceMappingRepository, model: Model, instance: InstanceId): Promise<void> => {
  const slots = model.get(instance);
  if (slots === undefined) return;
  const rows = await right(`listDisks ${instance}`, repo.listDisks(instance));
  expect(Object.fromEntries(rows.map((r) => [r.disk, r.driverInfo])), `${instance}'s records`).toEqual(
    Object.fromEntries([...slots].map(([disk, s]) => [disk, s.text])),
  );
  for (const r of rows) slots.set(r.disk, { bdmId: r.bdmId, text: r.driverInfo });
};

/** The live slot a row id is, if any. */
const slotOfRow = (model: Model, bdmId: number): { text: string | null } | undefined => {
  for (const slots of model.values()) for (const s of slots.values()) if (s.bdmId === bdmId) return s;
  return undefined;
};

/** Run the actions against `repo`, checking every answer and every instance's records against the model after each. */
const play = async (repo: BlockDeviceMappingRepository, actions: readonly Action[]): Promise<void> => {
  const model: Model = new Map();
  const pending: BdmWrite[][] = [];
  let n = 0;
  const register = async (instance: InstanceId): Promise<void> => {
    await right(`createInstance ${instance}`, repo.createInstance(instance, 'a', DISKS));
    model.set(instance, new Map(DISKS.map((d) => [d, { bdmId: null, text: null }])));
  };
  for (const i of VMS) await register(i);
  for (const i of VMS) await refresh(repo, model, i);
  for (const a of actions) {
    n += 1;
    switch (a.op) {
      case 'list': {
        const rows = await right('listUnpopulated', repo.listUnpopulated(a.limit, { host: 'a' }));
        const expected = [...model.values()].flatMap((slots) => [...slots.values()].filter((s) => s.text === null && s.bdmId !== null).map((s) => s.bdmId));
        expect(rows.map((r) => r.bdmId), 'the rows still lacking a record, oldest first').toEqual(expected.sort((x, y) => (x ?? 0) - (y ?? 0)).slice(0, a.limit));
        pending.push(rows.flatMap((r) => (r.bdmId === null ? [] : [{ bdmId: r.bdmId, driverInfo: `migration-${n}-row-${r.bdmId}` }])));
        break;
      }
      case 'fill': {
        const writes = a.newest ? pending.pop() : pending.shift();
        if (writes === undefined) break;
        const written = await right('fillUnpopulated', repo.fillUnpopulated(writes));
        let stillEmpty = 0;
        for (const w of writes) {
          const slot = slotOfRow(model, w.bdmId);
          if (slot === undefined || slot.text !== null) continue;
          slot.text = w.driverInfo;
          stillEmpty += 1;
        }
        expect(written, 'fillUnpopulated writes exactly the listed rows still empty').toBe(stillEmpty);
        break;
      }
      case 'claim': {
        const instance = VMS[a.vm];
        const slots = model.get(instance);
        const r = await repo.compareAndSetRecord(instance, a.disk, `touch-${n}`)();
        if (slots === undefined) {
          expect(E.isLeft(r) && r.left.code).toBe('INSTANCE_NOT_FOUND');
          break;
        }
        const stored = slots.get(a.disk)?.text ?? null;
        expect(r, 'a first touch stores only into an empty slot, else answers the record there').toEqual(
          E.right(stored === null ? { written: true, driverInfo: `touch-${n}` } : { written: false, driverInfo: stored }),
        );
        if (stored === null) slots.set(a.disk, { bdmId: slots.get(a.disk)?.bdmId ?? null, text: `touch-${n}` });
        break;
      }
      case 'save': {
        const instance = VMS[a.vm];
        const slots = model.get(instance);
        const r = await repo.saveRecords(instance, [{ disk: a.disk, driverInfo: a.clear ? null : `save-${n}` }])();
        if (slots === undefined) {
          expect(E.isLeft(r) && r.left.code).toBe('INSTANCE_NOT_FOUND');
          break;
        }
        expect(E.isRight(r) ? 'ok' : `${r.left.code}: ${r.left.message}`).toBe('ok');
        // Cleared, the row is soft-deleted: a later save makes a new one, which a stale listing does not name.
        if (a.clear) slots.delete(a.disk);
        else slots.set(a.disk, { bdmId: slots.get(a.disk)?.bdmId ?? null, text: `save-${n}` });
        break;
      }
      case 'delete': {
        const r = await repo.deleteInstance(VMS[a.vm])();
        expect(E.isRight(r), 'delete of a live instance').toBe(model.has(VMS[a.vm]));
        model.delete(VMS[a.vm]);
        break;
      }
      case 'register':
        if (!model.has(VMS[a.vm])) await register(VMS[a.vm]);
        break;
    }
    for (const i of VMS) await refresh(repo, model, i);
  }
};

const inMemory = (): Promise<BlockDeviceMappingRepository> => Promise.resolve(new InMemoryBlockDeviceMappingRepository());

describe('guarded record writes against a second writer', () => {
  describe('when a migration’s stale listings, first touches, plain saves, deletes and re-registrations interleave', () => {
    it.each([
      ['in-memory', inMemory, 300],
      ['SQLite', null, 60],
    ] as const)('never replace a record another writer stored, on the %s repository', async (_name, open, runs) => {
      await fc.assert(
        fc.asyncProperty(runArb, async (actions) => {
          if (open !== null) return play(await open(), actions);
          const db = await openDatabase('sqlite::memory:')();
          if (E.isLeft(db)) throw new Error(db.left.message);
          try {
            await play(db.right.repository, actions);
          } finally {
            await db.right.close();
          }
        }),
        { seed: SEED, numRuns: runs },
      );
    });
  });
});

// Each server dialect has its own fill and compare-and-set SQL: the same property, one database per server, whose
// instances the previous run left are deleted (soft-deleted rows are no one's to list or fill) before each run.
for (const dialect of ['postgres', 'mysql'] as const) {
  describeWithServer(dialect, `guarded record writes against a second writer on ${dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB'}`, (serverUrl) => {
    it('never replace a record another writer stored', async () => {
      const fresh = await freshDatabase(dialect, serverUrl);
      const db = await openDatabase(fresh.url)();
      if (E.isLeft(db)) throw new Error(db.left.message);
      try {
        await fc.assert(
          fc.asyncProperty(runArb, async (actions) => {
            for (const instance of VMS) await db.right.repository.deleteInstance(instance)();
            await play(db.right.repository, actions);
          }),
          { seed: SEED, numRuns: 25 },
        );
      } finally {
        await db.right.close();
        await fresh.drop();
      }
    }, 120_000);
  });
}
