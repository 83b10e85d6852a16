import type { DiskName, RecordWrite } from '@disk-ledger/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forEachBackend, type TestDatabase } from '../testing/backends.js';
import { id, right } from '../testing/task.js';

const ephemerals = (n: number): DiskName[] => Array.from({ length: n }, (_, i): DiskName => `ephemeral${i}`);

forEachBackend('round trips', (backend) => {
  describe(`SqlBlockDeviceMappingRepository round trips on ${backend.name}`, () => {
    let t: TestDatabase;
    beforeEach(async () => {
      t = await backend.open();
    });
    afterEach(async () => {
      await t.dispose();
    });

    describe('when saving the records of every disk of an instance', () => {
      for (const disks of [1, 5, 50]) {
        it(`costs exactly one round trip for ${disks} disk(s), creating rows as needed`, async () => {
          const { repository, roundTrips } = t.database;
          const vm = id(`vm-${disks}`);
          // Half the BDM rows exist, the rest are created by the save itself.
          const all: DiskName[] = disks === 1 ? ['root'] : ['root', 'swap', 'config', ...ephemerals(disks - 3)];
          await right(repository.createInstance(vm, 'h1', all.slice(0, Math.ceil(all.length / 2)).filter((d) => d === 'root' || d === 'swap' || d === 'ephemeral0')));
          const writes: RecordWrite[] = all.map((disk) => ({ disk, driverInfo: `record of ${disk}` }));
          const { roundTrips: trips } = await roundTrips.measure(() => right(repository.saveRecords(vm, writes)));
          expect(trips).toBe(1);
          const rows = await right(repository.listDisks(vm));
          expect(new Map(rows.map((r) => [r.disk, r.driverInfo]))).toEqual(new Map(writes.map((w) => [w.disk, w.driverInfo])));
        });
      }

      it('costs one round trip for a mix of updates, creations and removals, and one when refused', async () => {
        const { repository, roundTrips } = t.database;
        const vm = id('vm1');
        await right(repository.createInstance(vm, 'h1', ['root', 'ephemeral0', 'ephemeral1', 'swap']));
        await right(repository.saveRecords(vm, [{ disk: 'config', driverInfo: 'C' }, { disk: 'rescue', driverInfo: 'X' }]));
        const mixed: RecordWrite[] = [
          { disk: 'root', driverInfo: 'R' },
          { disk: 'ephemeral1', driverInfo: null },
          { disk: 'ephemeral2', driverInfo: 'E2' },
          { disk: 'swap', driverInfo: null },
          { disk: 'rescue', driverInfo: null },
          { disk: 'kernel', driverInfo: 'K' },
        ];
        expect((await roundTrips.measure(() => right(repository.saveRecords(vm, mixed)))).roundTrips).toBe(1);
        // Resolved against the rows before the call: ephemeral2 was created, then ephemeral1 removed, so it is ephemeral1 now.
        expect((await right(repository.listDisks(vm))).map((r) => [r.disk, r.driverInfo])).toEqual([
          ['root', 'R'],
          ['ephemeral0', null],
          ['ephemeral1', 'E2'],
          ['config', 'C'],
          ['kernel', 'K'],
        ]);
        const refused = await roundTrips.measure(() => repository.saveRecords(id('nobody'), [{ disk: 'root', driverInfo: 'R' }])());
        expect(refused.roundTrips).toBe(1);
      });
    });

    describe('when the online migration fills rows', () => {
      it('fills any number of rows in one round trip', async () => {
        const { repository, roundTrips } = t.database;
        for (let i = 0; i < 40; i += 1) await right(repository.createInstance(id(`vm${i}`), 'h1', ['root', 'ephemeral0', 'swap']));
        const rows = await right(repository.listUnpopulated(1000));
        expect(rows).toHaveLength(120);
        const fill = rows.map((r) => ({ bdmId: r.bdmId ?? 0, driverInfo: `migrated ${r.instance}/${r.disk}` }));
        const { result, roundTrips: trips } = await roundTrips.measure(() => right(repository.fillUnpopulated(fill)));
        expect([result, trips]).toEqual([120, 1]);
        expect(await right(repository.countUnpopulated())).toBe(0);
      });
    });
  });
});
