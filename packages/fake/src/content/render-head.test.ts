import { hostileBytes, qcow2Header } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { hostileHeader, qcow2, type Header } from './data.js';
import { renderHead } from './render-head.js';
import { containerVolume } from './volume.js';

const GiB = 1024 * 1024 * 1024;
const head = (h: Header, n: number): Uint8Array => renderHead(containerVolume(h), n);

describe('renderHead of a qcow2 image', () => {
  it('renders each header from its own fields, however many images share them', () => {
    const a = head(qcow2({ virtualSize: GiB, backing: { path: '/b/base', format: 'raw' } }), 4096);
    const b = head(qcow2({ virtualSize: GiB, backing: { path: '/b/base', format: null } }), 4096);
    const c = head(qcow2({ virtualSize: 2 * GiB, backing: { path: '/b/base', format: 'raw' } }), 4096);
    const d = head(qcow2({ virtualSize: GiB, backing: { path: '/b/base', format: 'raw' } }), 4096);
    expect(a).toEqual(qcow2Header({ virtualSize: GiB, backingFile: '/b/base', backingFormat: 'raw' }).subarray(0, 4096));
    expect(b).toEqual(qcow2Header({ virtualSize: GiB, backingFile: '/b/base' }).subarray(0, 4096));
    expect(c).toEqual(qcow2Header({ virtualSize: 2 * GiB, backingFile: '/b/base', backingFormat: 'raw' }).subarray(0, 4096));
    expect(d).toEqual(a);
  });

  it('tells a planted header from a genuine one with the same fields', () => {
    const planted = head(hostileHeader('qcow2-data-file', '/etc/shadow', GiB), 512);
    const genuine = head(qcow2({ virtualSize: GiB, dataFile: '/etc/shadow' }), 512);
    expect(planted).toEqual(hostileBytes('qcow2-data-file', '/etc/shadow', GiB).subarray(0, 512));
    expect(genuine).toEqual(qcow2Header({ virtualSize: GiB, dataFile: '/etc/shadow' }).subarray(0, 512));
  });

  it('hands out bytes the caller may change without changing the next read', () => {
    const h = qcow2({ virtualSize: GiB });
    const first = head(h, 64);
    first.fill(0xff);
    expect(head(h, 64)).toEqual(qcow2Header({ virtualSize: GiB }).subarray(0, 64));
  });
});
