import { describe, expect, it } from 'vitest';
import { locationProblem, MAX_LOCATION_LENGTH } from './location.js';

describe('locationProblem', () => {
  describe('when the backend is lvm or rbd', () => {
    it.each([
      ['lvm', 'nova-vg/instance_disk'],
      ['rbd', 'vms/3f6c0b38_disk.eph0'],
      ['rbd', '_p/i+1'],
    ] as const)('accepts %s location %j', (backend, location) => {
      expect(locationProblem(backend, location)).toBeUndefined();
    });

    it.each([
      ['lvm', 'lv'],
      ['lvm', '/vg/lv'],
      ['lvm', 'vg/'],
      ['lvm', 'vg/.hidden'],
      ['rbd', 'pool/img@snap'],
      ['rbd', 'pool/../img'],
      ['rbd', `pool/${'x'.repeat(129)}`],
    ] as const)('rejects %s location %j', (backend, location) => {
      expect(locationProblem(backend, location)).toEqual(expect.any(String));
    });
  });

  describe('when the backend keeps files', () => {
    it.each(['disk', 'disk.eph0', '/var/lib/nova/instances/x/disk', 'dir/sub dir/disk', '/données/disque', '..x/y..'])(
      'accepts %j',
      (location) => {
        expect(locationProblem('flat', location)).toBeUndefined();
      },
    );

    it.each(['', '/', '.', '..', '../x', 'a/./b', 'a/..', 'a//b', 'a/', '-o', 'a\nb', 'a\u007fb', 'x'.repeat(MAX_LOCATION_LENGTH + 1)])(
      'rejects %j',
      (location) => {
        expect(locationProblem('qcow2', location)).toEqual(expect.any(String));
      },
    );

    it('accepts the longest allowed path', () => {
      expect(locationProblem('ploop', 'x'.repeat(MAX_LOCATION_LENGTH))).toBeUndefined();
    });
  });
});
