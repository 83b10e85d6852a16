import { fc, it } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect } from 'vitest';
import { decodeDiskInfo, encodeDiskInfo, type DiskInfoFormat } from './disk-info.js';

const SEED = 0xd15c0;

const keyArb = fc.oneof(fc.string(), fc.string().map((s) => `/${s}`), fc.constantFrom('1', '0', '42', '__proto__', '/a"b', '/\u00e9\n'));
const formatArb = fc.oneof(fc.constantFrom<DiskInfoFormat>('raw', 'qcow2', 'ploop'), fc.string() as fc.Arbitrary<DiskInfoFormat>);

describe('encodeDiskInfo', () => {
  it.prop([fc.array(fc.tuple(keyArb, formatArb))], { seed: SEED })('prints what JSON.stringify prints for the object', (entries) => {
    const info = new Map(entries);
    expect(encodeDiskInfo(info)).toBe(JSON.stringify(Object.fromEntries(info)));
  });
});

describe('decodeDiskInfo', () => {
  it.prop([fc.array(fc.tuple(fc.string().map((s) => `/${s}`), fc.constantFrom<DiskInfoFormat>('raw', 'qcow2', 'ploop')))], { seed: SEED })(
    'decodes what encodeDiskInfo writes, the same text again to an equal map',
    (entries) => {
      const info = new Map(entries);
      const text = encodeDiskInfo(info);
      for (let i = 0; i < 2; i += 1) {
        const decoded = decodeDiskInfo(text);
        expect(E.isRight(decoded) && [...decoded.right]).toEqual([...info]);
      }
    },
  );

  it('gives a map that refuses changes', () => {
    const decoded = decodeDiskInfo('{"/a/disk":"qcow2"}');
    if (E.isLeft(decoded)) throw new Error('expected a map');
    expect(() => (decoded.right as Map<string, DiskInfoFormat>).set('/a/disk', 'raw')).toThrow(TypeError);
    expect(() => (decoded.right as Map<string, DiskInfoFormat>).delete('/a/disk')).toThrow(TypeError);
    expect(decoded.right.get('/a/disk')).toBe('qcow2');
  });

  it('still refuses a corrupt file', () => {
    expect(E.isLeft(decodeDiskInfo('{"disk":"qcow2"}'))).toBe(true);
    expect(E.isLeft(decodeDiskInfo('{"/a/disk":"vmdk"}'))).toBe(true);
    expect(E.isLeft(decodeDiskInfo('not json'))).toBe(true);
  });
});
