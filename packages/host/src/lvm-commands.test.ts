import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { VolumeName } from '@disk-ledger/domain';
import { decodeLvs } from './lvm-commands.js';

const V = { vg: 'vg0' as VolumeName, lv: 'i1_disk' as VolumeName };
const report = (lv: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ ...extra, report: [{ lv }] });
const row = (size: unknown, extra: Record<string, unknown> = {}) => ({ lv_name: 'i1_disk', vg_name: 'vg0', lv_size: size, ...extra });

describe('decodeLvs', () => {
  it('reads the size of the volume asked for, whatever else the report holds', () => {
    expect(decodeLvs(report([row('12582912', { lv_attr: '-wi-a-----' })], { log: [] }), V)).toEqual(E.right(12582912));
    expect(decodeLvs(report([{ ...row('1'), lv_name: 'other' }, row('4096')]), V)).toEqual(E.right(4096));
    expect(decodeLvs(JSON.stringify({ report: [{ lv: [] }, { lv: [row('0')] }] }), V)).toEqual(E.right(0));
  });

  it('is null when the report does not list the volume', () => {
    expect(decodeLvs(report([]), V)).toEqual(E.right(null));
    expect(decodeLvs(JSON.stringify({ report: [] }), V)).toEqual(E.right(null));
  });

  it.each([
    ['a size that is a number', report([row(4096)]), 'report.0.lv.0.lv_size'],
    ['a size with a suffix', report([row('4096B')]), 'report.0.lv.0.lv_size'],
    ['a size of 17 digits', report([row('12345678901234567')]), 'report.0.lv.0.lv_size'],
    ['a size past 2^53', report([row('9007199254740993')]), 'report.0.lv.0.lv_size'],
    ['a row without a name', report([{ vg_name: 'vg0', lv_size: '1' }]), 'report.0.lv.0.lv_name'],
    ['a row that is an array', report([['i1_disk']]), 'report.0.lv.0'],
    ['a section without rows', JSON.stringify({ report: [{}] }), 'report.0.lv'],
    ['no report', JSON.stringify({ reports: [] }), 'report'],
    ['an array', '[]', '(root)'],
  ])('refuses %s, naming where', (_what, stdout, path) => {
    const r = decodeLvs(stdout, V);
    expect(E.isLeft(r) && r.left.message).toContain(path);
  });

  it('refuses output that is not JSON', () => {
    expect(E.isLeft(decodeLvs('  Logical volume not found', V))).toBe(true);
  });
});
