/**
 * An image's refusal names the argument of the call that named the image,
 * whichever layer found it (the image service, the cache's verification, a
 * plan): one spelling per argument.
 */
import type { ImageSpec } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, FLAVOR, GiB, IMAGES, SECRET, hostileImage } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { OPTIONS } from '../composition/testing/options.js';
import { seedLegacy } from '../composition/testing/legacy.js';
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

describe('the path of an image refusal, from review', () => {
  const sized: readonly ImageSpec[] = [
    // The image service understates the kernel: its verified entry holds more than the kernel disk is planned for.
    { id: 'short-kernel', diskFormat: 'aki', virtualSize: 16 * 1024 * 1024, declaredVirtualSize: 8 * 1024 * 1024 },
    { id: 'ami-short-kernel', diskFormat: 'ami', virtualSize: GiB, kernelId: 'short-kernel' },
    { id: 'own-kernel', diskFormat: 'qcow2', virtualSize: GiB, kernelId: 'own-kernel', content: 'qcow2-backing-host-file', target: SECRET },
  ];
  const sizedFleet = (): FakeFleet => new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }, { name: 'b', options: OPTIONS['flat/raw'] }], images: [...CATALOGUE, ...sized] });

  it("names a kernel's argument, not the flavor's root, when the kernel is too large", async () => {
    const f = sizedFleet();
    expect(refusal(await f.lifecycle().spawn({ instance: VM, host: 'a', image: img('ami-short-kernel'), flavor: FLAVOR })())).toEqual(['IMAGE_TOO_LARGE', 'image.kernel_id']);
    expect(E.isRight(await f.repository.createInstance(vm('vm2'), 'a', [])())).toBe(true);
    const r = await f.host('a').backend.createFromImage({ instance: vm('vm2'), disk: 'kernel', imageId: img('short-kernel'), flavorSize: 2 * GiB })();
    expect(refusal(r)).toEqual(['IMAGE_TOO_LARGE', 'imageId']);
  });

  it('names an image that is its own kernel by the argument that named it first', async () => {
    const f = sizedFleet();
    expect(refusal(await f.lifecycle().spawn({ instance: VM, host: 'a', image: img('own-kernel'), flavor: FLAVOR })())).toEqual(['IMAGE_REJECTED', 'image']);
  });

  // The fleet's image service answers through its first host: b, which stays up.
  const evacuationFleet = (): FakeFleet => new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS['flat/raw'] }, { name: 'a', options: OPTIONS['flat/raw'] }] });

  it('names the record of a disk an evacuation makes anew from the image the record names', async () => {
    const f = evacuationFleet();
    await f.boot(VM, 'a', { image: IMAGES.qcow2 });
    f.cluster.setHostDown('a', true);
    f.cluster.removeImage(IMAGES.qcow2);
    expect(refusal(await f.lifecycle().evacuate(VM, 'b')())).toEqual(['IMAGE_NOT_FOUND', `${VM}/root`]);
  });

  it("names an evacuation's facts.image for a derived root made anew from it", async () => {
    const f = evacuationFleet();
    await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: 2 * GiB, content: { kind: 'benign' } }] });
    expect(E.isRight(await f.lifecycle().records(VM)())).toBe(true);
    f.cluster.setHostDown('a', true);
    const evacuate = (image: string) => f.lifecycle().evacuate(VM, 'b', { image: img(image), flavor: { root: 2 * GiB, ephemeral: 0, swap: 0 } })();
    expect(refusal(await evacuate('no-such-image'))).toEqual(['IMAGE_NOT_FOUND', 'facts.image']);
    expect(refusal(await evacuate(EVIL))).toEqual(['IMAGE_REJECTED', 'facts.image']);
  });
});
