import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnpopulatedIndex } from './unpopulated-index.js';

type Op = { readonly kind: 'add'; readonly host: string } | { readonly kind: 'delete'; readonly pick: number } | { readonly kind: 'move'; readonly pick: number; readonly host: string };

const host = fc.constantFrom('a', 'b', 'c');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), host }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), host }),
);

describe('UnpopulatedIndex', () => {
  it('lists every row, and each host\'s, in id order, as a plain list filtered by host would', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const index = new UnpopulatedIndex<{ readonly id: number }>();
        const model = new Map<number, string>();
        let next = 1;
        for (const o of ops) {
          const ids = [...model.keys()];
          if (o.kind === 'add') {
            index.add({ id: next }, o.host);
            model.set(next, o.host);
            next += 1;
          } else if (ids.length > 0) {
            const id = ids[o.pick % ids.length] ?? 0;
            if (o.kind === 'delete') {
              index.delete(id);
              model.delete(id);
            } else {
              index.move([id], o.host);
              model.set(id, o.host);
            }
          }
          const sorted = [...model.keys()].sort((a, b) => a - b);
          expect([...index.values()].map((x) => x.id)).toEqual(sorted);
          for (const h of ['a', 'b', 'c']) expect([...index.values(h)].map((x) => x.id)).toEqual(sorted.filter((id) => model.get(id) === h));
          expect(index.size).toBe(model.size);
        }
      }),
      { seed: 0x1d3, numRuns: 300 },
    );
  });
});
