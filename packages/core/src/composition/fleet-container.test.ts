import { DEFAULT_HOST_OPTIONS, type HostPath, type VolumeName } from '@disk-ledger/domain';
import { FakeCluster, FakeDiskTransfer, InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { HostContext } from '../host-context.js';
import { fakeHostModule } from './fake-host-module.js';
import { Fleet } from './fleet-container.js';

const ctx = (name: string, path = '/var/lib/nova/instances'): HostContext => ({ name, options: DEFAULT_HOST_OPTIONS, instancesPath: path as HostPath });

describe('Fleet.setHost', () => {
  const cluster = new FakeCluster({ hosts: [{ name: 'x' }, { name: 'y' }] });
  const fleet = new Fleet({ repository: new InMemoryBlockDeviceMappingRepository(), images: cluster.imageService('x'), transfer: new FakeDiskTransfer(cluster) });

  it('adds a host whose adapters were made for its context, equal if not the same object', () => {
    fleet.setHost(ctx('x'), fakeHostModule(cluster, ctx('x')));
    expect(fleet.hostNames()).toEqual(['x']);
    expect(E.isRight(fleet.get('x'))).toBe(true);
  });

  it("refuses adapters made for another host, or another instances path, and keeps the fleet as it was", () => {
    for (const [given, made] of [
      [ctx('x'), ctx('y')],
      [ctx('y'), ctx('y', '/srv/y')],
      [{ ...ctx('y'), options: { ...DEFAULT_HOST_OPTIONS, imagesType: 'qcow2' as const } }, ctx('y')],
      [ctx('y'), { ...ctx('y'), imageCacheSubdirectory: '_images' as VolumeName }],
    ] as const) {
      expect(() => fleet.setHost(given, fakeHostModule(cluster, made))).toThrow(/Fleet\.setHost: the adapters given for host "[xy]" were made for "y"/);
    }
    expect(fleet.hostNames()).toEqual(['x']);
    const odd = { ...ctx('y'), imageCacheSubdirectory: '../etc' as VolumeName };
    expect(() => fleet.setHost(odd, fakeHostModule(cluster, odd))).toThrow(/is not one directory name/);
  });

  it('refuses a host name no repository can hold, at once rather than at its first spawn, and keeps the fleet as it was', () => {
    for (const name of ['', 'a/b', 'compute 1', 'c1 ', 'x'.repeat(300)]) {
      expect(() => fleet.setHost(ctx(name), fakeHostModule(cluster, ctx(name))), JSON.stringify(name)).toThrow(/Fleet\.setHost: .*not a host name/);
    }
    expect(fleet.hostNames()).toEqual(['x']);
  });
});
