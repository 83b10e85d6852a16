import { describe, expect, it } from 'vitest';
import { progressFor, type ProgressStream } from './progress.js';

const linesFor = (total: number, updates: readonly number[]): string[] => {
  const out: string[] = [];
  // Only write() is used on a stream that is not a terminal.
  const stream = { isTTY: false, write: (s: string) => out.push(s) > 0 } as unknown as ProgressStream;
  const p = progressFor(stream, total);
  for (const done of updates) p.update(done, total);
  p.stop();
  return out.map((l) => l.replace(/, [\d,]+ events\/s\)\n$/, ')'));
};

describe('progress on a stream that is not a terminal', () => {
  it('writes a line at each further tenth of the events, with the share actually done', () => {
    expect(linesFor(3, [1, 2, 3])).toEqual(['fleet: 33% (1/3 events)', 'fleet: 66% (2/3 events)', 'fleet: 100% (3/3 events)']);
    expect(linesFor(1000, [50, 99, 100, 150, 1000])).toEqual(['fleet: 10% (100/1,000 events)', 'fleet: 100% (1,000/1,000 events)']);
  });
});
