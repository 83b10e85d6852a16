import { describe, expect, it } from 'vitest';
import { planSave } from './save-plan.js';

const uuids = (): (() => string) => {
  let n = 0;
  return () => `u${(n += 1)}`;
};

describe('planSave', () => {
  describe('when writes repeat a disk', () => {
    it('keeps the last write of each disk', () => {
      const plan = planSave('vm1', [{ disk: 'root', driverInfo: 'A' }, { disk: 'root', driverInfo: null }, { disk: 'root', driverInfo: 'B' }], 'now', uuids());
      expect(plan.writes.map((w) => [w.disk, w.driverInfo])).toEqual([['root', 'B']]);
    });
  });

  describe('when ordering writes', () => {
    it('puts records first in ascending position and removals last in descending position', () => {
      const plan = planSave(
        'vm1',
        [
          { disk: 'config', driverInfo: 'C' },
          { disk: 'ephemeral0', driverInfo: null },
          { disk: 'swap', driverInfo: 'S' },
          { disk: 'ephemeral2', driverInfo: null },
          { disk: 'ephemeral1', driverInfo: 'E1' },
          { disk: 'root', driverInfo: 'R' },
        ],
        'now',
        uuids(),
      );
      expect(plan.writes.map((w) => w.disk)).toEqual(['root', 'ephemeral1', 'swap', 'config', 'ephemeral2', 'ephemeral0']);
      expect(plan.writes.map((w) => w.seq)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(plan.minEphemerals).toBe(1);
    });

    it('gives BDM writes a uuid for a row they may create, instance-level writes none', () => {
      const plan = planSave('vm1', [{ disk: 'root', driverInfo: 'R' }, { disk: 'config', driverInfo: 'C' }], 'now', uuids());
      expect(plan.writes.map((w) => [w.kind, w.position, w.rowUuid])).toEqual([
        ['root', 0, 'u1'],
        ['instance', null, ''],
      ]);
    });
  });
});
