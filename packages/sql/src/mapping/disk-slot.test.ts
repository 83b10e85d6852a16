import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { deviceName, diskOfRow, minEphemeralCount, slotOf } from './disk-slot.js';

describe('disk slots', () => {
  describe('when naming a disk', () => {
    it('puts root, swap and ephemerals in BDM rows and the others in the instance-level object', () => {
      expect(slotOf('root')).toEqual({ kind: 'root', position: 0 });
      expect(slotOf('swap')).toEqual({ kind: 'swap', position: 0 });
      expect(slotOf('ephemeral12')).toEqual({ kind: 'ephemeral', position: 12 });
      expect(slotOf('config')).toEqual({ kind: 'instance', disk: 'config' });
      expect(slotOf('rescue')).toEqual({ kind: 'instance', disk: 'rescue' });
    });

    test.prop([fc.integer({ min: 0, max: 999 })])('slotOf ∘ diskOfRow is identity for ephemerals', (n) => {
      const disk = diskOfRow('ephemeral', n);
      expect(disk).toBe(`ephemeral${n}`);
      expect(disk === null ? null : slotOf(disk)).toEqual({ kind: 'ephemeral', position: n });
    });

    it('names no extra root or swap row', () => {
      expect(diskOfRow('root', 0)).toBe('root');
      expect(diskOfRow('root', 1)).toBeNull();
      expect(diskOfRow('swap', 2)).toBeNull();
    });
  });

  describe('when assigning device names', () => {
    it('follows nova: vda, vdb … vdz, vdaa, vdab', () => {
      expect([0, 1, 25, 26, 27, 51, 52].map((i) => deviceName(i))).toEqual([
        '/dev/vda', '/dev/vdb', '/dev/vdz', '/dev/vdaa', '/dev/vdab', '/dev/vdaz', '/dev/vdba',
      ]);
    });

    test.prop([fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 })])(
      'orders names as their indexes (shorter first, then byte order)',
      (a, b) => {
        const [x, y] = [deviceName(a), deviceName(b)];
        const byRule = x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
        expect(Math.sign(byRule)).toBe(Math.sign(a - b));
      },
    );
  });

  describe('when ephemeral positions are written', () => {
    it('needs the instance to hold every position below the last consecutive run', () => {
      expect(minEphemeralCount([])).toBe(0);
      expect(minEphemeralCount([0, 1, 2])).toBe(0);
      expect(minEphemeralCount([1])).toBe(1);
      expect(minEphemeralCount([0, 3, 4])).toBe(3);
      expect(minEphemeralCount([4, 3, 3, 0])).toBe(3);
    });

    test.prop([fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }), fc.integer({ min: 0, max: 50 })])(
      'a count is enough exactly when the positions at or above it are count, count + 1, …',
      (positions, count) => {
        const created = positions.filter((p) => p >= count).sort((a, b) => a - b);
        const contiguous = created.every((p, i) => p === count + i);
        expect(count >= minEphemeralCount(positions)).toBe(contiguous);
      },
    );
  });
});
