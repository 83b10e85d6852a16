import type { HostPath } from '@disk-ledger/domain';
import { FakeCluster } from '@disk-ledger/fake';
import { HostDiskDrivers } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { ALL_BACKENDS } from '../composition/fake-host-module.js';
import { vm } from '../testing/names.js';
import { plainBase } from './plain-base.js';

const ENTRY = `/var/lib/nova/instances/_base/${'a'.repeat(40)}` as HostPath;
const SECRET = '/etc/shadow';

/** A host whose cache holds `ENTRY` as a raw file, its first bytes as `content` writes them (benign when not told). */
const host = (content?: 'qcow2-backing-host-file' | 'qcow2-data-file' | 'vmdk-flat-extent'): { cluster: FakeCluster; check: (format: string | null, file?: string) => Promise<string> } => {
  const cluster = new FakeCluster({ hosts: [{ name: 'a' }] });
  cluster.plantSecret('a', SECRET);
  cluster.writeFixture('a', ENTRY, { format: 'raw', virtualSize: 1024 * 1024 });
  if (content !== undefined && !cluster.guestWrite('a', { backend: 'flat', path: ENTRY }, 'raw', { kind: content, target: SECRET }).ok) throw new Error('cannot write the entry');
  const drivers = new HostDiskDrivers(cluster.executor('a'), cluster.files('a'), ALL_BACKENDS);
  const check = async (format: string | null, file: string = ENTRY): Promise<string> => {
    const r = await plainBase(drivers, vm('vm1'), 'root', file, format);
    return E.isLeft(r) ? r.left.code : 'plain';
  };
  return { cluster, check };
};

describe('plainBase', () => {
  it('takes a raw entry opened as raw', async () => {
    expect(await host().check('raw')).toBe('plain');
  });

  it('refuses a base stated in a format other than raw or qcow2, or in none, without opening it', async () => {
    const { cluster, check } = host('vmdk-flat-extent');
    for (const format of ['vmdk', 'luks', 'json', null]) expect(await check(format), String(format)).toBe('LEGACY_BACKING_REFUSED');
    expect(cluster.leaks()).toEqual([]);
    expect(cluster.probes()).toEqual([]);
  });

  it('refuses a raw entry stated as qcow2 that does not open as qcow2', async () => {
    expect(await host().check('qcow2')).toBe('LEGACY_BACKING_REFUSED');
  });

  it('refuses an entry that is not there', async () => {
    expect(await host().check('raw', `/var/lib/nova/instances/_base/${'b'.repeat(40)}`)).toBe('LEGACY_BACKING_REFUSED');
  });

  it('refuses a raw entry whose bytes, opened as the qcow2 stated, name a backing file or a data file', async () => {
    for (const content of ['qcow2-backing-host-file', 'qcow2-data-file'] as const) {
      const { cluster, check } = host(content);
      expect(await check('qcow2'), content).toBe('LEGACY_BACKING_REFUSED');
      // Opened as raw, the same bytes are data.
      expect(await check('raw'), content).toBe('plain');
      expect(cluster.leaks()).toEqual([]);
      expect(cluster.probes()).toEqual([]);
    }
  });
});
