import type { DiskState, InstanceId } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { chainRefusal } from './backing-chain.js';
import { templateName } from './template-name.js';

const BASE = '/var/lib/nova/instances/_base';
const MiB = 1024 * 1024;

const followed = (name: string): boolean => {
  const state: DiskState = { exists: true, virtualSize: 512 * MiB, backing: { file: `${BASE}/${name}`, format: 'raw' } };
  return chainRefusal('vm1' as InstanceId, 'swap', { backend: 'qcow2', imageId: null, provenance: 'created' }, state, { dir: BASE }) === null;
};

describe('templateName', () => {
  it("never takes the form of nova's names, so a swap template of N bytes is not nova's of N MiB", () => {
    // nova names a swap template of 512 MiB `swap_512`, and one of 536,870,912 MiB `swap_536870912`.
    expect(templateName({ kind: 'swap' }, 512 * MiB)).toBe('swap_536870912b');
    expect(templateName({ kind: 'swap' }, 512 * MiB)).not.toMatch(/^swap_[0-9]+$/);
    expect(templateName({ kind: 'filesystem', fsType: 'ext4', label: 'ephemeral0' }, 1024 * MiB)).toBe('ephemeral_1073741824_ext4_ephemeral0');
  });

  it("is a base an overlay of its role may name, as nova's names and this library's earlier ones are", () => {
    expect([templateName({ kind: 'swap' }, 512 * MiB), 'swap_512', 'swap_536870912'].map(followed)).toEqual([true, true, true]);
  });
});
