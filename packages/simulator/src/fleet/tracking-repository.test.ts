import { instanceId, type InstanceId } from '@disk-ledger/domain';
import { InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { TrackingRepository } from './tracking-repository.js';

const vm = (name: string): InstanceId => {
  const id = instanceId(name);
  if (E.isLeft(id)) throw new Error(id.left.message);
  return id.right;
};

const setup = () => {
  const touched: string[] = [];
  const inner = new InMemoryBlockDeviceMappingRepository();
  return { inner, touched, repo: new TrackingRepository(inner, (i) => touched.push(i)) };
};

describe('TrackingRepository', () => {
  it('counts the round trips made through it, and not those made on the inner repository', async () => {
    const { inner, repo } = setup();
    await repo.createInstance(vm('a'), 'h1', ['root'])();
    await repo.listDisks(vm('a'))();
    await inner.listDisks(vm('a'))();
    expect(repo.roundTrips).toBe(2);
  });

  it('reports the instance of every write, and of no read', async () => {
    const { repo, touched } = setup();
    await repo.createInstance(vm('a'), 'h1', ['root'])();
    await repo.getInstance(vm('a'))();
    await repo.listDisks(vm('a'))();
    await repo.saveRecords(vm('a'), [{ disk: 'root', driverInfo: null }])();
    await repo.compareAndSetRecord(vm('a'), 'swap', 'x')();
    await repo.deleteInstance(vm('a'))();
    expect(touched).toEqual(['a', 'a', 'a', 'a']);
  });

  it('reports the instances of the rows the online migration fills', async () => {
    const { repo, touched } = setup();
    await repo.createInstance(vm('a'), 'h1', ['root'])();
    await repo.createInstance(vm('b'), 'h1', ['root', 'ephemeral0'])();
    touched.length = 0;
    const rows = await repo.listUnpopulated(10, { host: 'h1' })();
    if (E.isLeft(rows)) throw new Error(rows.left.message);
    const b = rows.right.filter((r) => r.instance === 'b');
    await repo.fillUnpopulated(b.map((r) => ({ bdmId: r.bdmId ?? 0, driverInfo: 'x' })))();
    expect(touched).toEqual(['b', 'b']);
  });
});
