import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { readNovaConf, readNovaHostExtras } from './nova-conf.js';

describe('readNovaConf', () => {
  it('reads the storage options from [DEFAULT] and [libvirt], leaving absent ones to nova’s defaults', () => {
    const r = readNovaConf('[DEFAULT]\nuse_cow_images = False\nforce_raw_images=true\n[libvirt]\nimages_type = lvm\nimages_volume_group = nova-vg\n', 'nova.conf');
    expect(r).toEqual(E.right({ imagesType: 'lvm', useCowImages: false, forceRawImages: true, imagesVolumeGroup: 'nova-vg' }));
    expect(readNovaConf('[libvirt]\nvirt_type = kvm\n', 'nova.conf')).toEqual(E.right({}));
  });
  it('gives an rbd host nova’s default pool, rbd', () => {
    expect(readNovaConf('[libvirt]\nimages_type = rbd\n', 'nova.conf')).toEqual(E.right({ imagesType: 'rbd', imagesRbdPool: 'rbd' }));
    expect(readNovaConf('[libvirt]\nimages_type = rbd\nimages_rbd_pool = vms\n', 'nova.conf')).toEqual(E.right({ imagesType: 'rbd', imagesRbdPool: 'vms' }));
  });
  it('reads comments, colons and indented continuation lines as oslo.config does', () => {
    const text = '# nova\n; also a comment\n[DEFAULT]\nuse_cow_images: false\nmy_ip = 10.0.0.1\n  10.0.0.2\n\n[libvirt]\nimages_type = raw\n';
    expect(readNovaConf(text, 'nova.conf')).toEqual(E.right({ imagesType: 'raw', useCowImages: false }));
  });

  describe('when the file is not INI', () => {
    it.each([
      ['this is not ini at all\n[[[\n', 'line 1'],
      ['[DEFAULT]\nuse_cow_images = true\n[[[\n', 'line 3'],
      ['[DEFAULT]\nuse_cow_images\n', 'line 2'],
    ])('names the first line that is not (%j)', (text, path) => {
      const r = readNovaConf(text, 'x.conf');
      expect(E.isLeft(r) && r.left.path).toBe(path);
      expect(E.isLeft(r) && r.left.code).toBe('CONFIG_INVALID');
    });
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

describe('readNovaHostExtras', () => {
  it("reads [libvirt] rbd_user and images_rbd_ceph_conf, and the image cache's directory, leaving out what is absent", () => {
    expect(readNovaHostExtras('[libvirt]\nrbd_user = nova\nimages_rbd_ceph_conf = /etc/ceph/nova.conf\n', 'nova.conf')).toEqual(E.right({ rbd: { user: 'nova', cephConf: '/etc/ceph/nova.conf' } }));
    expect(readNovaHostExtras('[DEFAULT]\nrbd_user = nova\n[libvirt]\nimages_type = rbd\n', 'nova.conf')).toEqual(E.right({ rbd: {} }));
    expect(readNovaHostExtras('[image_cache]\nsubdirectory_name = _images\n', 'nova.conf')).toEqual(E.right({ rbd: {}, imageCacheSubdirectory: '_images' }));
    expect(readNovaHostExtras('[DEFAULT]\nimage_cache_subdirectory_name = old\n', 'nova.conf')).toEqual(E.right({ rbd: {}, imageCacheSubdirectory: 'old' }));
    expect(readNovaHostExtras('[DEFAULT]\nimage_cache_subdirectory_name = old\n[image_cache]\nsubdirectory_name = new\n', 'nova.conf')).toEqual(E.right({ rbd: {}, imageCacheSubdirectory: 'new' }));
    const bad = readNovaHostExtras('not ini at all', 'nova.conf');
    expect(E.isLeft(bad) && bad.left.path).toBe('line 1');
  });
});
