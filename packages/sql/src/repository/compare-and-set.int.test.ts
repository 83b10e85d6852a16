import type { DiskName } from '@disk-ledger/domain';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../open-database.js';
import { forEachBackend, opened, type TestDatabase } from '../testing/backends.js';
import { id, right } from '../testing/task.js';

const ROUNDS = 12;
const WRITERS = 6;

forEachBackend('compare-and-set', (backend) => {
  // An in-memory SQLite database is private to its connection: one pool only.
  const pools = backend.name.includes(':memory:') ? 1 : 3;

  describe(`compareAndSetRecord under concurrency on ${backend.name} (${pools} pool(s), ${WRITERS} writers)`, () => {
    let t: TestDatabase;
    let all: SqlDatabase[];
    beforeEach(async () => {
      t = await backend.open();
      all = [t.database];
      for (let i = 1; i < pools; i += 1) all.push(await opened(t.url, { migrate: false }));
    });
    afterEach(async () => {
      for (const extra of all.slice(1)) await extra.close();
      await t.dispose();
    });

    // root has an empty row; ephemeral0 has no row (the race creates it); config is instance-level.
    for (const disk of ['root', 'ephemeral0', 'config'] as const satisfies readonly DiskName[]) {
      it(`lets exactly one writer win each ${disk} slot; every writer sees the winner's text`, async () => {
        for (let round = 0; round < ROUNDS; round += 1) {
          const vm = id(`vm-${disk}-${round}`);
          await right(t.database.repository.createInstance(vm, 'h1', ['root']));
          const results = await Promise.all(
            Array.from({ length: WRITERS }, (_, w) => right(all[w % all.length]!.repository.compareAndSetRecord(vm, disk, `writer ${w}`))),
          );
          const winners = results.filter((r) => r.written);
          expect(winners).toHaveLength(1);
          expect(new Set(results.map((r) => r.driverInfo))).toEqual(new Set([winners[0]?.driverInfo]));
          const rows = (await right(t.database.repository.listDisks(vm))).filter((r) => r.disk === disk);
          expect(rows.map((r) => r.driverInfo)).toEqual([winners[0]?.driverInfo]);
        }
        // No race left a second row behind.
        const ephemeralRows = await t.database.db.selectFrom('block_device_mapping').select('id').where('source_type', '=', 'blank').execute();
        expect(ephemeralRows).toHaveLength(disk === 'ephemeral0' ? ROUNDS : 0);
      });
    }
  });

  // A second connection is needed, and an in-memory SQLite database has one.
  if (pools > 1) {
    describe(`compareAndSetRecord losing to a writer that takes no instance lock on ${backend.name}`, () => {
      it("returns the winner's text when nova's own write (or the online migration's fill) commits while it waits on the row", async () => {
        const t = await backend.open();
        const other = await opened(t.url, { migrate: false });
        try {
          const vm = id('vm-unlocked-writer');
          await right(t.database.repository.createInstance(vm, 'h1', ['root']));
          const row = await t.database.db.selectFrom('block_device_mapping').select('id').where('instance_uuid', '=', vm).executeTakeFirstOrThrow();
          const winner = '{"written":"by nova"}';
          // The other writer fills the row and holds it until after the compare-and-set has read the slots as empty.
          const filled = other.db.connection().execute(async (conn) => {
            await sql.raw(backend.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
            await sql`UPDATE block_device_mapping SET driver_info = ${winner} WHERE id = ${row.id} AND driver_info IS NULL`.execute(conn);
            await sleep(800);
            await sql.raw('commit').execute(conn);
          });
          await sleep(200);
          const cas = await right(t.database.repository.compareAndSetRecord(vm, 'root', '{"written":"by the library"}'));
          await filled;
          expect(cas).toEqual({ written: false, driverInfo: winner });
          expect((await right(t.database.repository.listDisks(vm))).find((r) => r.disk === 'root')?.driverInfo).toBe(winner);
        } finally {
          await other.close();
          await t.dispose();
        }
      });
    });
  }
});
