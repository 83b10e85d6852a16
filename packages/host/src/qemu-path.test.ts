import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { DiskLocation, HostPath, VolumeName } from '@disk-ledger/domain';
import { checkLocation, checkLocationFor, parentDir, qemuPath } from './qemu-path.js';

const v = (s: string) => s as VolumeName;
const p = (s: string) => s as HostPath;

describe('qemuPath', () => {
  it('addresses each backend as docs/commands.md says', () => {
    expect(qemuPath({ backend: 'flat', path: p('/i/disk') })).toBe('/i/disk');
    expect(qemuPath({ backend: 'qcow2', path: p('/i/disk') })).toBe('/i/disk');
    expect(qemuPath({ backend: 'ploop', path: p('/i/disk') })).toBe('/i/disk/root.hds');
    expect(qemuPath({ backend: 'lvm', vg: v('vg'), lv: v('lv') })).toBe('/dev/vg/lv');
    expect(qemuPath({ backend: 'rbd', pool: v('pool'), image: v('img') })).toBe('rbd:pool/img');
  });
});

describe('checkLocation', () => {
  it('accepts valid locations unchanged', () => {
    const loc: DiskLocation = { backend: 'rbd', pool: v('vms'), image: v('i_disk') };
    expect(checkLocation(loc)).toEqual(E.right(loc));
  });
  it('refuses names that could escape or inject, with INVALID_NAME', () => {
    const bad: DiskLocation[] = [
      { backend: 'flat', path: p('/i/../etc/shadow') },
      { backend: 'flat', path: p('disk') },
      { backend: 'qcow2', path: p('/i/disk\0') },
      { backend: 'ploop', path: p('/i/$(reboot)') },
      { backend: 'lvm', vg: v('vg'), lv: v('../lv') },
      { backend: 'lvm', vg: v('-vg'), lv: v('lv') },
      { backend: 'rbd', pool: v('p'), image: v('a/b') },
      { backend: 'rbd', pool: v('p;q'), image: v('a') },
      { backend: 'rbd', pool: v('p'), image: v('x'.repeat(129)) },
    ];
    for (const loc of bad) {
      const r = checkLocation(loc);
      expect(E.isLeft(r) && r.left.code, JSON.stringify(loc)).toBe('INVALID_NAME');
    }
  });
  it('refuses an unknown backend and a backend the driver does not serve', () => {
    const unknown = { backend: 'nfs', path: '/x' } as unknown as DiskLocation;
    expect(E.isLeft(checkLocation(unknown))).toBe(true);
    const r = checkLocationFor('lvm', { backend: 'flat', path: p('/x') });
    expect(E.isLeft(r) && r.left.code).toBe('UNSUPPORTED_OPERATION');
  });
});

describe('parentDir', () => {
  it('cuts the last component', () => {
    expect(parentDir(p('/a/b/c'))).toBe('/a/b');
    expect(parentDir(p('/a'))).toBe('/');
  });
});
