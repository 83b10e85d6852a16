import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeInstanceRecords, encodeInstanceRecords, REMOVED_KEPT } from './instance-records.js';

describe('instance-level records', () => {
  describe('when decoding', () => {
    it('reads NULL, empty and {} as no records', () => {
      for (const text of [null, '', '{}']) expect(decodeInstanceRecords(text, 'p')).toEqual(E.right({ live: new Map(), removed: [], migration: null }));
    });

    it('reads live and removed records', () => {
      const text = '{"config":"C","_removed":[{"disk":"rescue","driver_info":"X","deleted_at":"2024-01-01 00:00:00"}]}';
      expect(decodeInstanceRecords(text, 'p')).toEqual(
        E.right({ live: new Map([['config', 'C']]), removed: [{ disk: 'rescue', driverInfo: 'X', deletedAt: '2024-01-01 00:00:00' }], migration: null }),
      );
    });

    it('reads an unfinished move apart from the records', () => {
      expect(decodeInstanceRecords('{"config":"C","_migration":"M"}', 'p')).toEqual(E.right({ live: new Map([['config', 'C']]), removed: [], migration: 'M' }));
    });

    it('refuses what it does not understand, naming where', () => {
      const cases: [string, string][] = [
        ['not json', 'p'],
        ['[]', 'p'],
        ['{"root":"R"}', 'p.root'],
        ['{"config":1}', 'p.config'],
        ['{"_removed":[{"disk":"config"}]}', 'p._removed[0].driver_info'],
        ['{"_migration":{}}', 'p._migration'],
      ];
      for (const [text, path] of cases) {
        const decoded = decodeInstanceRecords(text, 'p');
        expect(E.isLeft(decoded) ? decoded.left.path : 'decoded').toBe(path);
      }
    });
  });

  describe('when encoding', () => {
    it('round-trips and keeps only the latest removed records', () => {
      const removed = Array.from({ length: REMOVED_KEPT + 3 }, (_, i) => ({ disk: 'rescue' as const, driverInfo: `X${i}`, deletedAt: '2024-01-01 00:00:00' }));
      const text = encodeInstanceRecords({ live: new Map([['rescue', 'R'], ['config', 'C']]), removed, migration: 'M' });
      const decoded = decodeInstanceRecords(text, 'p');
      expect(decoded).toEqual(E.right({ live: new Map([['config', 'C'], ['rescue', 'R']]), removed: removed.slice(3), migration: 'M' }));
    });
  });
});
