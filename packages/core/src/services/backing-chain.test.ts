import type { Backend, DiskName, DiskState, InstanceId, Provenance } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { chainRefusal, classicEntryName } from './backing-chain.js';

const BASE = '/var/lib/nova/instances/_base';
// Nova's cache entry of image `private` (SHA-1 of its id).
const HEX = 'e80721793c24ae14edfca9b26ad406a9815cd3ff';

const overlay = (file: string, format: string | null = 'raw'): DiskState => ({ exists: true, virtualSize: 1024, backing: { file, format } });

const verdict = (disk: DiskName, backend: Backend, state: DiskState, imageId: string | null = 'private', provenance: Provenance = 'derived'): string =>
  chainRefusal('vm1' as InstanceId, disk, { backend, imageId, provenance }, state, { dir: BASE })?.code ?? 'followed';

const reason = (imageId: string | null, file: string, provenance: Provenance = 'derived'): string =>
  chainRefusal('vm1' as InstanceId, 'root', { backend: 'qcow2', imageId, provenance }, overlay(file), { dir: BASE })?.message ?? 'followed';

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

  it('follows a legacy flat overlay (made under earlier qcow2 options) as on a qcow2 host: its own image, a template of its role', () => {
    expect(verdict('root', 'flat', overlay(`${BASE}/${HEX}`))).toBe('followed');
    expect(verdict('swap', 'flat', overlay(`${BASE}/swap_512`))).toBe('followed');
    expect(verdict('ephemeral0', 'flat', overlay(`${BASE}/ephemeral_1_0706d66`), null, 'operator')).toBe('followed');
    expect(verdict('root', 'flat', overlay(`${BASE}/${classicEntryName('cirros')}`))).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('root', 'flat', overlay(`${BASE}/${HEX}`), null)).toBe('LEGACY_BACKING_REFUSED');
  });

  it('refuses a base named by a flat disk this library made (a whole copy: the header was planted) and by a flat rescue disk', () => {
    expect(verdict('root', 'flat', overlay(`${BASE}/${HEX}`), 'private', 'created')).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('swap', 'flat', overlay(`${BASE}/swap_512`), null, 'created')).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('rescue', 'flat', overlay(`${BASE}/${HEX}`))).toBe('LEGACY_BACKING_REFUSED');
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

  it("names nova's cache entry of an image as SHA-1 of its id", () => {
    expect(classicEntryName('private')).toBe(HEX);
  });

  it("refuses a root not made here whose base is another image's entry, or whose image is not known", () => {
    const other = classicEntryName('cirros');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${other}`), 'private')).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${other}_20`), 'private')).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${HEX}`), null)).toBe('LEGACY_BACKING_REFUSED');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${HEX}`), 'private', 'operator')).toBe('followed');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${other}`), 'private', 'operator')).toBe('LEGACY_BACKING_REFUSED');
    expect(reason('private', `${BASE}/${other}`)).toContain('not the cache entry of its image "private"');
    expect(reason(null, `${BASE}/${HEX}`)).toContain('no image is known for the instance');
  });

  it("ties a 1.0 record's root (no provenance: made here or derived) to its own image: nova's entry of it or this library's, no other", () => {
    // This library's names are 40 hex digits too (of another hash).
    const own = (id: string): string => (id === 'private' ? 'a'.repeat(40) : 'b'.repeat(40));
    const v1 = (file: string): string =>
      chainRefusal('vm1' as InstanceId, 'root', { backend: 'qcow2', imageId: 'private', provenance: null }, overlay(file), { dir: BASE, ownEntry: own })?.code ?? 'followed';
    expect(v1(`${BASE}/${HEX}`)).toBe('followed');
    expect(v1(`${BASE}/${'a'.repeat(40)}`)).toBe('followed');
    expect(v1(`${BASE}/${'b'.repeat(40)}`)).toBe('LEGACY_BACKING_REFUSED');
    expect(v1(`${BASE}/${classicEntryName('cirros')}`)).toBe('LEGACY_BACKING_REFUSED');
    // A derived record's root is nova's entry alone: this library never made it.
    expect(chainRefusal('vm1' as InstanceId, 'root', { backend: 'qcow2', imageId: 'private', provenance: 'derived' }, overlay(`${BASE}/${'a'.repeat(40)}`), { dir: BASE, ownEntry: own })?.code).toBe('LEGACY_BACKING_REFUSED');
  });

  it("finds a disk this library made in nova's default cache after the operator named another, and a legacy one only in the one named", () => {
    const moved = (provenance: Provenance): string =>
      chainRefusal('vm1' as InstanceId, 'root', { backend: 'qcow2', imageId: 'private', provenance }, overlay(`${BASE}/${HEX}`), { dir: '/var/lib/nova/instances/_images', defaultDir: BASE })?.code ?? 'followed';
    expect(moved('created')).toBe('followed');
    expect(moved('derived')).toBe('LEGACY_BACKING_REFUSED');
  });

  it("checks only the role of the base of a root or rescue disk this library made", () => {
    const other = classicEntryName('cirros');
    expect(verdict('rescue', 'qcow2', overlay(`${BASE}/${'c'.repeat(40)}`), null, 'created')).toBe('followed');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/${other}`), 'private', 'created')).toBe('followed');
    expect(verdict('root', 'qcow2', overlay(`${BASE}/swap_512`), 'private', 'created')).toBe('LEGACY_BACKING_REFUSED');
  });
});

describe('chainRefusal of a legacy rescue disk', () => {
  const rescue = (provenance: Provenance, imageId: string | null, file: string): string => verdict('rescue', 'qcow2', overlay(file), imageId, provenance);

  it("follows one whose base is its instance's own image's entry (or an older resized copy of it)", () => {
    expect(rescue('derived', 'private', `${BASE}/${HEX}`)).toBe('followed');
    expect(rescue('derived', 'private', `${BASE}/${HEX}_20`)).toBe('followed');
    expect(rescue('operator', 'private', `${BASE}/${HEX}`)).toBe('followed');
  });

  it("refuses one whose base is another image's entry, or whose image is not known: a guest may have named another tenant's image", () => {
    const other = `${BASE}/${classicEntryName('cirros')}`;
    expect(rescue('derived', 'private', other)).toBe('LEGACY_BACKING_REFUSED');
    expect(rescue('derived', null, `${BASE}/${HEX}`)).toBe('LEGACY_BACKING_REFUSED');
    expect(rescue(null as unknown as Provenance, 'private', other)).toBe('LEGACY_BACKING_REFUSED');
    expect(chainRefusal('vm1' as InstanceId, 'rescue', { backend: 'qcow2', imageId: 'private', provenance: 'derived' }, overlay(other), { dir: BASE })?.message).toContain('unrescue removes it');
  });

  it('leaves alone one with no base', () => {
    expect(verdict('rescue', 'qcow2', { exists: true, virtualSize: 1024 }, null)).toBe('followed');
  });
});
