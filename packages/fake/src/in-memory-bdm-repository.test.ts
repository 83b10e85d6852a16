import * as E from 'fp-ts/lib/Either.js';
import { instanceId, type InstanceId } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryBlockDeviceMappingRepository } from './in-memory-bdm-repository.js';
import { describeBdmRepositoryContract } from './testing/bdm-repository-contract.js';

const id = (s: string): InstanceId => {
  const r = instanceId(s);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

describeBdmRepositoryContract('InMemoryBlockDeviceMappingRepository', async () => {
  const repo = new InMemoryBlockDeviceMappingRepository();
  return {
    repo,
    seed: {
      legacyInstance: async (instance, host, disks) => repo.seedLegacyInstance(instance, host, disks),
      allRows: async (instance) => repo.allRows(instance),
    },
  };
});

describe('InMemoryBlockDeviceMappingRepository', () => {
  describe('when counting round trips', () => {
    it('counts one per call, batch or not, failed or not', async () => {
      const repo = new InMemoryBlockDeviceMappingRepository();
      await repo.createInstance(id('vm1'), 'h1', ['root', 'swap'])();
      await repo.saveRecords(id('vm1'), [
        { disk: 'root', driverInfo: 'R' },
        { disk: 'swap', driverInfo: 'S' },
        { disk: 'config', driverInfo: 'C' },
      ])();
      await repo.getInstance(id('nope'))();
      expect(repo.roundTrips).toBe(3);
    });
  });

  describe('when a fault is injected', () => {
    it('fails the next call with REPOSITORY_FAILED and writes nothing', async () => {
      const repo = new InMemoryBlockDeviceMappingRepository();
      await repo.createInstance(id('vm1'), 'h1', ['root'])();
      repo.failNext('database went away');
      expect(await repo.saveRecords(id('vm1'), [{ disk: 'root', driverInfo: 'R' }])()).toMatchObject({ left: { code: 'REPOSITORY_FAILED', message: 'database went away' } });
      expect(await repo.listDisks(id('vm1'))()).toMatchObject({ right: [{ disk: 'root', driverInfo: null }] });
    });
  });

  describe('when run lazily', () => {
    it('does nothing until the task runs', async () => {
      const repo = new InMemoryBlockDeviceMappingRepository();
      const task = repo.createInstance(id('vm1'), 'h1', ['root']);
      expect(repo.roundTrips).toBe(0);
      await task();
      expect(repo.roundTrips).toBe(1);
    });
  });

  describe('when soft-deleted rows are archived', () => {
    it('drops deleted instances and deleted rows, and changes nothing any call reads', async () => {
      const repo = new InMemoryBlockDeviceMappingRepository();
      const [vm1, vm2, vm3] = [id('vm1'), id('vm2'), id('vm3')];
      await repo.createInstance(vm1, 'h1', ['root', 'swap'])();
      await repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R1' }, { disk: 'swap', driverInfo: 'S' }])();
      await repo.saveRecords(vm1, [{ disk: 'root', driverInfo: null }])();
      await repo.saveRecords(vm1, [{ disk: 'root', driverInfo: 'R2' }])();
      await repo.createInstance(vm2, 'h1', ['root'])();
      await repo.saveRecords(vm2, [{ disk: 'root', driverInfo: 'X' }])();
      await repo.deleteInstance(vm2)();
      repo.seedLegacyInstance(vm3, 'h2', ['root']);
      expect(repo.allRows(vm1).filter((r) => r.deleted)).toHaveLength(1);
      const disks = await repo.listDisks(vm1)();
      const unpopulated = await repo.listUnpopulated(10)();
      expect(unpopulated).toMatchObject({ right: [{ instance: 'vm3', disk: 'root' }] });
      const trips = repo.roundTrips;

      expect(repo.archiveDeleted()).toBe(2);

      expect(repo.roundTrips).toBe(trips);
      expect(repo.allRows(vm1).map((r) => [r.disk, r.driverInfo, r.deleted])).toEqual([['swap', 'S', false], ['root', 'R2', false]]);
      expect(repo.allRows(vm2)).toEqual([]);
      expect(await repo.listDisks(vm1)()).toEqual(disks);
      expect(await repo.listUnpopulated(10)()).toEqual(unpopulated);
      expect(E.isRight(await repo.createInstance(vm2, 'h1', ['root'])())).toBe(true);
      expect(repo.archiveDeleted()).toBe(0);
    });
  });
});
