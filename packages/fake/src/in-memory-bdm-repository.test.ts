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
});
