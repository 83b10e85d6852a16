import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { DiskFunc } from '@disk-ledger/domain';
import { checkConfigPath, checkFunc, checkLabel } from './disk-func-check.js';

const code = (r: E.Either<{ code: string }, unknown>) => (E.isLeft(r) ? r.left.code : 'ok');

describe('checkLabel', () => {
  it('accepts up to 16 safe characters for ext, 11 for vfat', () => {
    expect(checkLabel('ephemeral0', 'ext4')).toEqual(E.right('ephemeral0'));
    expect(checkLabel('a'.repeat(16), 'ext3')).toEqual(E.right('a'.repeat(16)));
    expect(code(checkLabel('a'.repeat(12), 'vfat'))).toBe('INVALID_NAME');
  });
  it('refuses labels that are long, empty, option-like or hold metacharacters', () => {
    for (const bad of ['', 'a'.repeat(17), '-F', '.hidden', 'a b', 'a;b', 'a/b', 'a\0b', '$(id)', 'é']) {
      expect(code(checkLabel(bad, 'ext4')), bad).toBe('INVALID_NAME');
    }
  });
});

describe('checkConfigPath', () => {
  it('splits a safe relative path into components', () => {
    expect(checkConfigPath('openstack/latest/meta_data.json', 'p')).toEqual(E.right(['openstack', 'latest', 'meta_data.json']));
  });
  it('refuses absolute, climbing, empty-component and unsafe paths', () => {
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', 'a/', './a', 'a/b\0', 'a b', 'a/$(id)', 'x'.repeat(1025)]) {
      expect(code(checkConfigPath(bad, 'p')), bad).toBe('INVALID_NAME');
    }
  });
});

describe('checkFunc', () => {
  it('accepts each kind of func', () => {
    const ok: DiskFunc[] = [
      { kind: 'blank' },
      { kind: 'swap' },
      { kind: 'filesystem', fsType: 'ext4', label: 'ephemeral0' },
      { kind: 'config-drive', files: [{ path: 'openstack/latest/meta_data.json', content: '{}' }] },
    ];
    for (const f of ok) expect(code(checkFunc(f))).toBe('ok');
  });
  it('refuses what is not a func at all, as a value', () => {
    for (const f of [null, undefined, 42, 'swap']) expect(code(checkFunc(f as unknown as DiskFunc))).toBe('UNSUPPORTED_OPERATION');
  });
  it('refuses unknown kinds and file systems', () => {
    expect(code(checkFunc({ kind: 'nfs' } as unknown as DiskFunc))).toBe('UNSUPPORTED_OPERATION');
    expect(code(checkFunc({ kind: 'filesystem', fsType: 'xfs', label: 'x' } as unknown as DiskFunc))).toBe('UNSUPPORTED_OPERATION');
  });
  it('refuses a config drive file that is none as a value, naming it', () => {
    const r = checkFunc({ kind: 'config-drive', files: [{ path: 'a', content: '' }, null] } as unknown as DiskFunc);
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['UNSUPPORTED_OPERATION', 'func.files.1']);
  });
  it('refuses config drives with colliding paths', () => {
    const twice: DiskFunc = { kind: 'config-drive', files: [{ path: 'a/b', content: '' }, { path: 'a/b', content: '' }] };
    const fileAndDir: DiskFunc = { kind: 'config-drive', files: [{ path: 'a', content: '' }, { path: 'a/b', content: '' }] };
    const dirAndFile: DiskFunc = { kind: 'config-drive', files: [{ path: 'a/b', content: '' }, { path: 'a', content: '' }] };
    for (const f of [twice, fileAndDir, dirAndFile]) expect(code(checkFunc(f))).toBe('INVALID_NAME');
  });
});
