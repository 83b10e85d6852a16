import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { HostPath, InstanceId } from '../names/safe-names.js';
import { resolveLocation } from './record-location.js';

const instances = '/var/lib/nova/instances' as HostPath;
const vm = 'vm1' as InstanceId;

describe('resolveLocation', () => {
  it.each([
    ['lvm', 'nova-vg/vm1_disk', { backend: 'lvm', vg: 'nova-vg', lv: 'vm1_disk' }],
    ['rbd', 'vms/vm1_disk.eph0', { backend: 'rbd', pool: 'vms', image: 'vm1_disk.eph0' }],
    ['lvm', 'nova-vg/vm1_disk.local', { backend: 'lvm', vg: 'nova-vg', lv: 'vm1_disk.local' }],
    ['rbd', 'vms/vm1_disk.config', { backend: 'rbd', pool: 'vms', image: 'vm1_disk.config' }],
    ['lvm', 'nova-vg/vm1_disk.eph999', { backend: 'lvm', vg: 'nova-vg', lv: 'vm1_disk.eph999' }],
    ['flat', 'disk', { backend: 'flat', path: '/var/lib/nova/instances/vm1/disk' }],
    ['qcow2', '/var/lib/nova/instances/vm1/disk.swap', { backend: 'qcow2', path: '/var/lib/nova/instances/vm1/disk.swap' }],
  ] as const)('places %s location %j on the instance', (backend, location, expected) => {
    expect(resolveLocation(backend, location, instances, vm)).toEqual(E.right(expected));
  });

  // A group or pool holds every instance's volumes: a record naming another's would hand that disk to this instance's delete.
  it.each([
    ['lvm', 'nova-vg/vm2_disk'],
    ['lvm', 'nova-vg/vm1'],
    ['lvm', 'nova-vg/vm10_disk'],
    ['rbd', 'vms/tenant-b_disk'],
    ['rbd', 'vms/xvm1_disk'],
    // Instance ids may hold "_": vm1_2's volumes start with "vm1_" too.
    ['lvm', 'nova-vg/vm1_2_disk'],
    ['rbd', 'vms/vm1_2_disk.eph0'],
    ['lvm', 'nova-vg/vm1_disk.eph1000'],
    ['rbd', 'vms/vm1_anything'],
  ] as const)('refuses %s location %j, which is not one of the instance volumes', (backend, location) => {
    const r = resolveLocation(backend, location, instances, vm);
    expect(r).toEqual(E.left(expect.objectContaining({ code: 'INVALID_NAME', path: 'location' })));
    if (E.isLeft(r)) expect(r.left.message).toContain('vm1_');
  });

  it.each(['/var/lib/nova/instances/vm2/disk', '/etc/shadow', '/var/lib/nova/instances/vm1/sub/disk'])('refuses a file location %j outside the instance directory', (location) => {
    expect(E.isLeft(resolveLocation('flat', location, instances, vm))).toBe(true);
  });

  it.each(['sub/disk', '../vm2/disk', './disk', 'disk/', '-disk', ''])('refuses a relative file location %j that is not one file name of the instance directory', (location) => {
    expect(resolveLocation('qcow2', location, instances, vm)).toEqual(E.left(expect.objectContaining({ code: 'INVALID_NAME' })));
  });
});
