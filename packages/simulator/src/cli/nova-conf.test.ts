import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { readNovaConf } from './nova-conf.js';

describe('readNovaConf', () => {
  it('reads the storage options from [DEFAULT] and [libvirt], leaving absent ones to nova’s defaults', () => {
    const r = readNovaConf('[DEFAULT]\nuse_cow_images = False\nforce_raw_images=true\n[libvirt]\nimages_type = lvm\nimages_volume_group = nova-vg\n', 'nova.conf');
    expect(r).toEqual(E.right({ imagesType: 'lvm', useCowImages: false, forceRawImages: true, imagesVolumeGroup: 'nova-vg' }));
    expect(readNovaConf('[libvirt]\nvirt_type = kvm\n', 'nova.conf')).toEqual(E.right({}));
  });
  describe('when a value is wrong', () => {
    it('names the file and the key', () => {
      const a = readNovaConf('[DEFAULT]\nuse_cow_images = maybe\n', 'x.conf');
      expect(E.isLeft(a) && a.left.path).toBe('DEFAULT.use_cow_images');
      const b = readNovaConf('[libvirt]\nimages_type = zfs\n', 'x.conf');
      expect(E.isLeft(b) && b.left.message).toContain('x.conf: libvirt.images_type');
    });
  });
});
