import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST_OPTIONS, hostStorageOptions, type HostStorageOptionsInput } from './host-options.js';

const pathOf = (input: unknown): string | null => {
  const r = hostStorageOptions(input as HostStorageOptionsInput);
  return E.isLeft(r) ? (r.left.path ?? '?') : null;
};

describe('hostStorageOptions', () => {
  it("takes nova's defaults for what is absent", () => {
    expect(hostStorageOptions({})).toEqual(E.right(DEFAULT_HOST_OPTIONS));
  });

  it('refuses values nova does not accept, naming the option, instead of passing them on', () => {
    expect(pathOf({ imagesType: 'bogus' })).toBe('images_type');
    expect(pathOf({ preallocateImages: 'all' })).toBe('preallocate_images');
    expect(pathOf({ useCowImages: 'yes' })).toBe('use_cow_images');
    expect(pathOf({ forceRawImages: 0 })).toBe('force_raw_images');
    expect(pathOf({ imagesType: 'lvm' })).toBe('images_volume_group');
    expect(pathOf({ imagesType: 'rbd', imagesRbdPool: '../x' })).toBe('images_rbd_pool');
    expect(pathOf({ imagesType: 'qcow2', useCowImages: false, preallocateImages: 'space' })).toBeNull();
  });
});
