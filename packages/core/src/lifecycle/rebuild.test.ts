import { HOSTILE_KINDS } from '@disk-ledger/domain';
import { imageMarker } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { HOSTILE_IMAGES, IMAGES } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { sees } from '../composition/testing/markers.js';
import { allProblems, observe, outcome } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';

const VM = vm('vm1');

const booted = async (name: OptionsName): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
  await f.boot(VM, 'a');
  return f;
};

describe('rebuild', () => {
  describe('when rebuilding from another image', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`re-creates the root disk from it with the recorded layout, whatever the options say now, on ${name}`, async () => {
        const f = await booted(name);
        f.reconfigure('a', OPTIONS[name === 'flat/raw' ? 'qcow2/default' : 'flat/raw']);
        const o = await observe(f, VM, () => f.lifecycle().rebuild(VM, img(IMAGES.raw))());
        expect(outcome(o.result)).toBe('ok');
        expect(o.after).toEqual(o.before);
        const root = (await f.records(VM)).get('root');
        expect(`${root?.imageId}/${root?.imageFormat}/${root?.provenance}`).toBe(`${IMAGES.raw}/raw/created`);
        expect(await sees(f, VM, 'root', imageMarker(IMAGES.raw))).toBe(true);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when the instance boots from a volume', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`restarts it with its local disks, re-making a lost one, and makes no root, on ${name}`, async () => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
        await f.boot(VM, 'a', { image: null });
        await f.lose(VM, 'ephemeral0');
        const o = await observe(f, VM, () => f.lifecycle().rebuild(VM, img(IMAGES.raw))());
        expect(outcome(o.result)).toBe('ok');
        expect(o.after).toEqual(o.before);
        expect((await f.records(VM)).has('root')).toBe(false);
        expect(f.cluster.disks().filter((d) => d.location.endsWith('vm1_disk') || d.location.endsWith('vm1/disk'))).toEqual([]);
        expect(await allProblems(f)).toEqual([]);
      });
    }

    it('refuses an image the image service does not know, as the volume service would', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      await f.boot(VM, 'a', { image: null });
      const r = await f.lifecycle().rebuild(VM, img('no-such-image'))();
      expect(E.isLeft(r) && r.left.code).toBe('IMAGE_NOT_FOUND');
    });
  });

  describe('when the new image is hostile', () => {
    for (const id of HOSTILE_IMAGES) {
      it(`rejects ${id} and leaves the old root disk, its data and its record as they were`, async () => {
        const f = await booted('flat/raw');
        const markers = await writeBenign(f, VM);
        const o = await observe(f, VM, () => f.lifecycle().rebuild(VM, img(id))());
        expect(E.isLeft(o.result) && o.result.left.code).toBe('IMAGE_REJECTED');
        expect(o.after).toEqual(o.before);
        expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when a guest planted hostile headers first', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`neither probes nor leaks on ${name}`, async () => {
        for (const kind of HOSTILE_KINDS) {
          const f = await booted(name);
          await plantHostile(f, VM, kind);
          expect(outcome(await f.lifecycle().rebuild(VM, img(IMAGES.raw))())).toBe('ok');
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
  });

  describe('when other disks of the instance went missing', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`re-makes them from their records as the guest restarts, on ${name}`, async () => {
        const f = await booted(name);
        await f.lose(VM, 'ephemeral0');
        await f.lose(VM, 'config');
        expect(outcome(await f.lifecycle().rebuild(VM, img(IMAGES.raw))())).toBe('ok');
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });
});
