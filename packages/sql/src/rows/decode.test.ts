import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { array, bool, int, literal, nullable, str, struct } from './decode.js';

describe('row decoders', () => {
  describe('when a driver returns what it returns', () => {
    it('reads integers from numbers, numeric strings (PostgreSQL bigint) and bigints', () => {
      expect([5, '5', 5n, '-3'].map((u) => int(u, 'n'))).toEqual([E.right(5), E.right(5), E.right(5), E.right(-3)]);
      expect(E.isLeft(int('5.5', 'n'))).toBe(true);
      expect(E.isLeft(int(2 ** 60, 'n'))).toBe(true);
    });

    it('reads booleans from booleans and 0/1', () => {
      expect([true, 1, '0', 0n].map((u) => bool(u, 'b'))).toEqual([E.right(true), E.right(true), E.right(false), E.right(false)]);
      expect(E.isLeft(bool(2, 'b'))).toBe(true);
    });
  });

  describe('when a row does not match', () => {
    it('names the path of the first field that does not', () => {
      const rows = array(struct({ id: int, kind: literal('root', 'swap'), info: nullable(str) }));
      expect(rows([{ id: 1, kind: 'root', info: null }], 'rows')).toEqual(E.right([{ id: 1, kind: 'root', info: null }]));
      const bad = rows([{ id: 1, kind: 'root', info: null }, { id: 2, kind: 'disk', info: 'x' }], 'rows');
      expect(E.isLeft(bad) ? bad.left.path : '').toBe('rows[1].kind');
    });
  });
});
