/**
 * An image service may declare no virtual size, or one smaller than the
 * image holds. The image's verified cache entry says what it holds, so an
 * image too large for its disk is refused before any record names it, on
 * every path that makes a disk from an image.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, FLAVOR, GiB, IMAGES, MISSIZED, MISSIZED_IMAGES } from '../composition/testing/catalogue.js';
import { FakeFleet, INSTANCES_PATH } from '../composition/testing/fake-fleet.js';
import { allProblems, recordTable } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';

const VM = vm('vm1');
const IMAGES_WITH_MISSIZED = [...CATALOGUE, ...MISSIZED_IMAGES];
const fleet = (name: OptionsName): FakeFleet => new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }], images: IMAGES_WITH_MISSIZED });
const instanceDirExists = (f: FakeFleet): boolean => f.cluster.host('a').fs.exists(`${INSTANCES_PATH}/${VM}`);
// Its path names the argument whose size the image passed: the flavor's root, or the image itself when it is sized by its own (declared) size.
const tooLarge = (path: string) => ({ code: 'IMAGE_TOO_LARGE', path, imageSize: 4 * GiB, flavorSize: FLAVOR.root });

describe('an image larger than its disk, though its image service says otherwise', () => {
  for (const name of BACKEND_OPTIONS) {
    for (const image of Object.values(MISSIZED)) {
      it(`fails a boot from ${image} with IMAGE_TOO_LARGE, nothing registered, recorded or made, on ${name}`, async () => {
        const f = fleet(name);
        const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(image), flavor: FLAVOR, configDrive: true })();
        expect(r).toMatchObject(E.left({ ...tooLarge('flavor.root'), imageId: image }));
        expect(E.isLeft(await f.repository.getInstance(VM)())).toBe(true);
        expect(f.repository.events.filter((e) => e.op === 'saveRecords')).toEqual([]);
        expect(instanceDirExists(f)).toBe(false);
        // The same instance boots from an image that fits.
        expect(E.isRight(await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true })())).toBe(true);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  }

  it('fails a rebuild with IMAGE_TOO_LARGE and leaves the root disk and its record as they were', async () => {
    const f = fleet('qcow2/default');
    await f.boot(VM, 'a');
    const before = await recordTable(f, VM);
    for (const image of Object.values(MISSIZED)) {
      expect(await f.lifecycle().rebuild(VM, img(image))()).toMatchObject(E.left(tooLarge('image')));
      expect(await recordTable(f, VM)).toEqual(before);
    }
    expect(E.isRight(await f.lifecycle().hardReboot(VM)())).toBe(true);
    expect(await allProblems(f)).toEqual([]);
  });

  it('fails createFromImage with IMAGE_TOO_LARGE, no record and no disk', async () => {
    const f = fleet('flat/raw');
    expect(E.isRight(await f.repository.createInstance(VM, 'a', ['root'])())).toBe(true);
    const before = await recordTable(f, VM);
    const r = await f.host('a').backend.createFromImage({ instance: VM, disk: 'root', imageId: img(MISSIZED.unsized), flavorSize: 2 * GiB })();
    expect(r).toMatchObject(E.left({ ...tooLarge('flavorSize'), flavorSize: 2 * GiB }));
    expect(await recordTable(f, VM)).toEqual(before);
    expect(instanceDirExists(f)).toBe(false);
  });

  it('sizes a root from the declared size only: a flavor root of 0 with no declared size is SIZE_UNKNOWN', async () => {
    const f = fleet('flat/raw');
    const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(MISSIZED.unsized), flavor: { ...FLAVOR, root: 0 }, configDrive: false })();
    expect(r).toMatchObject(E.left({ code: 'SIZE_UNKNOWN' }));
  });
});
