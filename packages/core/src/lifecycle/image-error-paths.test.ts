/**
 * An image's refusal names the argument of the call that named the image,
 * whichever layer found it (the image service, the cache's verification, a
 * plan): one spelling per argument.
 */
import type { ImageSpec } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, FLAVOR, GiB, IMAGES, hostileImage } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { OPTIONS } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';

const VM = vm('vm1');
const EVIL = hostileImage('qcow2', 'qcow2-backing-host-file');
const EXTRA: readonly ImageSpec[] = [
  { id: 'lost-kernel', diskFormat: 'ami', virtualSize: GiB, kernelId: 'no-such-kernel' },
  { id: 'evil-ramdisk', diskFormat: 'ami', virtualSize: GiB, kernelId: IMAGES.kernel, ramdiskId: EVIL },
];
const fleet = (): FakeFleet => new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }], images: [...CATALOGUE, ...EXTRA] });

/** The code and path of a failed call. */
const refusal = (r: E.Either<{ readonly code: string; readonly path?: string }, unknown>): readonly [string, string | undefined] | null =>
  E.isLeft(r) ? [r.left.code, r.left.path] : null;

describe('the path of an image refusal', () => {
  it('is createFromImage\'s imageId, for an image not found or rejected', async () => {
    const f = fleet();
    expect(E.isRight(await f.repository.createInstance(VM, 'a', ['root'])())).toBe(true);
    const backend = f.host('a').backend;
    expect(refusal(await backend.createFromImage({ instance: VM, disk: 'root', imageId: img('no-such-image'), flavorSize: 2 * GiB })())).toEqual(['IMAGE_NOT_FOUND', 'imageId']);
    expect(refusal(await backend.createFromImage({ instance: VM, disk: 'root', imageId: img(EVIL), flavorSize: 2 * GiB })())).toEqual(['IMAGE_REJECTED', 'imageId']);
  });

  it("is a boot's image, or that image's kernel_id or ramdisk_id", async () => {
    const f = fleet();
    const boot = (image: string) => f.lifecycle().spawn({ instance: VM, host: 'a', image: img(image), flavor: FLAVOR })();
    expect(refusal(await boot('no-such-image'))).toEqual(['IMAGE_NOT_FOUND', 'image']);
    expect(refusal(await boot(EVIL))).toEqual(['IMAGE_REJECTED', 'image']);
    expect(refusal(await boot('lost-kernel'))).toEqual(['IMAGE_NOT_FOUND', 'image.kernel_id']);
    expect(refusal(await boot('evil-ramdisk'))).toEqual(['IMAGE_REJECTED', 'image.ramdisk_id']);
  });

  it("is a rebuild's and a rescue's image, and a snapshot's imageId", async () => {
    const f = fleet();
    await f.boot(VM, 'a');
    const life = f.lifecycle();
    expect(refusal(await life.rebuild(VM, img('no-such-image'))())).toEqual(['IMAGE_NOT_FOUND', 'image']);
    expect(refusal(await life.rebuild(VM, img(EVIL))())).toEqual(['IMAGE_REJECTED', 'image']);
    expect(refusal(await life.rescue(VM, img('no-such-image'))())).toEqual(['IMAGE_NOT_FOUND', 'image']);
    expect(refusal(await life.rescue(VM, img(EVIL))())).toEqual(['IMAGE_REJECTED', 'image']);
    expect(refusal(await life.snapshot(VM, '../etc')())).toEqual(['INVALID_NAME', 'imageId']);
    expect(refusal(await life.snapshot(VM, 'x-shelved')())).toEqual(['INVALID_NAME', 'imageId']);
  });
});
