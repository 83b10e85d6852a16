import { hostPath, hostStorageOptions } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { HostContext } from '../host-context.js';
import { driversFor } from './host-drivers-config.js';

const ctx = (preallocateImages: 'none' | 'space'): HostContext => {
  const options = hostStorageOptions({ imagesType: 'raw', preallocateImages });
  const path = hostPath('/var/lib/nova/instances');
  if (E.isLeft(options) || E.isLeft(path)) throw new Error('fixture');
  return { name: 'c1', options: options.right, instancesPath: path.right };
};

describe('driversFor', () => {
  it('makes the file backends preallocate when the host says preallocate_images = space', () => {
    const d = driversFor(ctx('space'), { backends: ['flat', 'qcow2'] });
    expect(d.flat?.preallocate).toBe(true);
    expect(d.qcow2?.preallocate).toBe(true);
  });

  it('leaves the drivers as configured otherwise, and never overrides what the caller set', () => {
    expect(driversFor(ctx('none'), { backends: ['flat'] })).toEqual({ backends: ['flat'] });
    expect(driversFor(ctx('space'), { backends: ['flat'], flat: { preallocate: false } }).flat?.preallocate).toBe(false);
  });
});
