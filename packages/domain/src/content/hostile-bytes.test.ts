import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { HOSTILE_KINDS } from '../disk/content-kind.js';
import { hostileKindArb, targetPathArb } from '../testing/content-arbitraries.js';
import { foreignHeaderIn } from '../verification/foreign-header.js';
import { BENIGN_PREFIX, benignBytes } from './benign-bytes.js';
import { latin1 } from './bytes.js';
import { hostileBytes } from './hostile-bytes.js';
import { qcow2Header } from './qcow2-image.js';
import { vmdkFlatExtentDescriptor } from './vmdk-image.js';

const SEED = 0xbad;
const MiB = 1024 ** 2;
const TARGET = '/etc/shadow';
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

describe('hostileBytes', () => {
  describe.each(HOSTILE_KINDS)('for %s', (kind) => {
    const bytes = hostileBytes(kind, TARGET, MiB);

    it('names the target in its leading bytes', () => {
      expect(latin1(bytes.subarray(0, 4096))).toContain(TARGET);
    });

    it('begins with an image header', () => {
      expect(foreignHeaderIn(bytes)).not.toBeNull();
    });
  });

  it('builds each kind from the matching image builder', () => {
    expect(same(hostileBytes('qcow2-backing-host-file', TARGET, MiB), qcow2Header({ virtualSize: MiB, backingFile: TARGET }))).toBe(true);
    expect(
      same(hostileBytes('qcow2-backing-host-file-fmt', TARGET, MiB), qcow2Header({ virtualSize: MiB, backingFile: TARGET, backingFormat: 'raw' })),
    ).toBe(true);
    expect(same(hostileBytes('qcow2-data-file', TARGET, MiB), qcow2Header({ virtualSize: MiB, dataFile: TARGET }))).toBe(true);
    expect(same(hostileBytes('vmdk-flat-extent', TARGET, MiB), vmdkFlatExtentDescriptor({ extentPath: TARGET, sizeBytes: MiB }))).toBe(true);
  });

  it('gives raw-with-qcow2-header the bytes a guest plants: a qcow2 with a backing file and no backing format', () => {
    expect(same(hostileBytes('raw-with-qcow2-header', TARGET, MiB), hostileBytes('qcow2-backing-host-file', TARGET, MiB))).toBe(true);
  });

  it.prop([hostileKindArb, targetPathArb, fc.integer({ min: 1, max: 2 ** 32 })], { seed: SEED, numRuns: 40 })(
    'is deterministic',
    (kind, target, size) => {
      expect(same(hostileBytes(kind, target, size), hostileBytes(kind, target, size))).toBe(true);
    },
  );
});

describe('benignBytes', () => {
  it('repeats the marker line to the requested length', () => {
    const line = `${BENIGN_PREFIX}m-1\n`;
    const bytes = benignBytes('m-1', 2 * line.length + 5);
    expect(latin1(bytes)).toBe(`${line}${line}${line.slice(0, 5)}`);
  });

  it('defaults to 4 KiB and allows empty content', () => {
    expect(benignBytes('x').length).toBe(4096);
    expect(benignBytes('x', 0).length).toBe(0);
  });

  it.each([-1, 1.5, Number.POSITIVE_INFINITY])('refuses length %d', (length) => {
    expect(() => benignBytes('x', length)).toThrow(RangeError);
  });

  it.prop([fc.string(), fc.nat({ max: 8192 })], { seed: SEED })('never begins with an image header, and is deterministic', (marker, length) => {
    const bytes = benignBytes(marker, length);
    expect(foreignHeaderIn(bytes)).toBeNull();
    expect(same(bytes, benignBytes(marker, length))).toBe(true);
  });
});
