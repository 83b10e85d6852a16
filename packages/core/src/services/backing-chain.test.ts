import type { Backend, DiskName, DiskState, InstanceId } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { chainRefusal } from './backing-chain.js';

const BASE = '/var/lib/nova/instances/_base';
const HEX = 'e80721793c24ae14edfca9b26ad406a9815cd3ff';

const overlay = (file: string, format: string | null = 'raw'): DiskState => ({ exists: true, virtualSize: 1024, backing: { file, format } });

const verdict = (disk: DiskName, backend: Backend, state: DiskState): string =>
  chainRefusal('vm1' as InstanceId, disk, backend, state, '/var/lib/nova/instances')?.code ?? 'followed';

describe('chainRefusal', () => {
  it('follows an overlay to a cache entry named for its role, with its format stated', () => {
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${HEX}`))).toBe('followed');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${HEX}_20`, 'qcow2'))).toBe('followed');
    expect(verdict('rescue', 'qcow2', overlay(`${BASE}/${HEX}`))).toBe('followed');
    expect(verdict('ephemeral1', 'qcow2', overlay(`${BASE}/ephemeral_1_0706d66`))).toBe('followed');
    expect(verdict('swap', 'qcow2', overlay(`${BASE}/swap_512`))).toBe('followed');
    expect(verdict('ephemeral0', 'qcow2', overlay(`${BASE}/ephemeral_536870912b_0706d66`))).toBe('followed');
    expect(verdict('root', 'qcow2', { exists: true, virtualSize: 1024 })).toBe('followed');
  });

  it('refuses a flat file that names a backing file at all: nova copies a flat disk whole, so its guest planted the header', () => {
    expect(verdict('root', 'flat', overlay(`${BASE}/${HEX}`))).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('swap', 'flat', overlay(`${BASE}/swap_512`))).toBe('LEGACY_BACKING_REFUSED');
  });

  it('refuses any other file the cache directory holds, a base for another role, a format left unstated and a data file', () => {
    for (const name of ['foo', `${HEX.slice(1)}`, `${HEX}.part`, 'swap_512x', `${HEX}/x`]) {
      expect(verdict('root', 'qcow2', overlay(`${BASE}/${name}`)), name).toBe('LEGACY_BACKING_REFUSED');
    }
    expect(verdict('root', 'qcow2', overlay(`${BASE}/swap_512`))).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('swap', 'qcow2', overlay(`${BASE}/${HEX}`))).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('ephemeral0', 'qcow2', overlay(`${BASE}/swap_512`))).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('config', 'qcow2', overlay(`${BASE}/${HEX}`))).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${HEX}`, null))).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('root', 'qcow2', overlay('/etc/shadow'))).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('root', 'qcow2', { exists: true, virtualSize: 1024, dataFile: '/etc/shadow' })).toBe('LEGACY_BACKING_REFUSED');
  });
});
