import * as E from 'fp-ts/lib/Either.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from './load-scenario.js';
import { writeScenario } from './write-scenario.js';

const example = readFileSync(new URL('./testing/format-document-example.yaml', import.meta.url), 'utf8');

describe('writeScenario', () => {
  it('writes what loadScenario reads back to the same scenario', () => {
    const first = loadScenario(example, 'a.yaml');
    if (E.isLeft(first)) throw new Error(first.left.message);
    const text = writeScenario(first.right, 'found by a property test\nseed 42');
    expect(text.startsWith('# found by a property test\n# seed 42\n')).toBe(true);
    const second = loadScenario(text, 'b.yaml');
    if (E.isLeft(second)) throw new Error(second.left.message);
    const strip = ({ file: _f, hostOptions: _h, ...rest }: typeof first.right) => rest;
    expect(strip(second.right)).toEqual(strip(first.right));
  });
});
