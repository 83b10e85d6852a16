import { HOSTILE_KINDS } from '@disk-ledger/domain';
import { imageMarker } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { HOSTILE_IMAGES, IMAGES, MiB } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { sees } from '../composition/testing/markers.js';
import { allProblems, observe, outcome, showRecord } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';

const VM = vm('vm1');

const booted = async (name: OptionsName): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
  await f.boot(VM, 'a');
  return f;
};

describe('unrescue of a rescue disk the classic driver made, whose disk.info entry was lost', () => {
  it("removes it by nova's name, as nova's unrescue removes *.rescue files (found by the security suite, seed 15)", async () => {
    const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
    await seedLegacy(f, {
      instance: VM, host: 'a', diskInfo: { '/var/lib/nova/instances/vm1/disk': 'raw' },
      disks: [{ disk: 'root', format: 'raw', size: 1024 * MiB }, { disk: 'rescue', format: 'raw', size: 1024 * MiB }],
    });
    const rescuePath = '/var/lib/nova/instances/vm1/disk.rescue';
    expect(f.cluster.host('a').fs.exists(rescuePath)).toBe(true);
    expect(outcome(await f.lifecycle().unrescue(VM)())).toBe('ok');
    expect(f.cluster.host('a').fs.exists(rescuePath)).toBe(false);
    expect(f.cluster.host('a').fs.exists('/var/lib/nova/instances/vm1/disk')).toBe(true);
    expect(await allProblems(f)).toEqual([]);
  });

  it("removes such a rescue volume by nova's name in the volume group the options name", async () => {
    const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS.lvm }] });
    await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: 1024 * MiB }, { disk: 'rescue', format: 'raw', size: 1024 * MiB }] });
    const names = (): string[] => f.cluster.disks().filter((d) => d.address.kind === 'lv').map((d) => d.location).sort();
    expect(names().filter((n) => n.endsWith('vm1_disk.rescue'))).toHaveLength(1);
    expect(outcome(await f.lifecycle().unrescue(VM)())).toBe('ok');
    expect(names().filter((n) => n.endsWith('vm1_disk.rescue'))).toEqual([]);
    expect(names().filter((n) => n.endsWith('vm1_disk'))).toHaveLength(1);
  });
});

describe('rescue', () => {
  describe('when rescuing with a rescue image', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`records the rescue disk, then creates it, leaving the other disks alone, on ${name}`, async () => {
        const f = await booted(name);
        const markers = await writeBenign(f, VM);
        const o = await observe(f, VM, () => f.lifecycle().rescue(VM, img(IMAGES.rescue))());
        expect(outcome(o.result)).toBe('ok');
        const { rescue, ...others } = o.after;
        expect(others).toEqual(o.before);
        expect(rescue).toMatch(new RegExp(` ${512 * MiB} @\\S+ ready$`));
        expect(await sees(f, VM, 'rescue', imageMarker(IMAGES.rescue))).toBe(true);
        expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when the rescue image is hostile', () => {
    for (const id of HOSTILE_IMAGES) {
      it(`rejects ${id} with nothing recorded or written`, async () => {
        const f = await booted('flat/raw');
        const o = await observe(f, VM, () => f.lifecycle().rescue(VM, img(id))());
        expect(E.isLeft(o.result) && o.result.left.code).toBe('IMAGE_REJECTED');
        expect(o.after).toEqual(o.before);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when unrescuing', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`removes the rescue disk, then its record, after a guest planted hostile headers everywhere, on ${name}`, async () => {
        for (const kind of HOSTILE_KINDS) {
          const f = await booted(name);
          const before = await f.records(VM);
          expect(outcome(await f.lifecycle().rescue(VM, img(IMAGES.rescue))())).toBe('ok');
          expect(await plantHostile(f, VM, kind)).toEqual(['root', 'ephemeral0', 'swap', 'rescue']);
          const o = await observe(f, VM, () => f.lifecycle().unrescue(VM)());
          expect(outcome(o.result)).toBe('ok');
          expect(Object.keys(o.after)).toEqual([...before.keys()]);
          expect(showRecord((await f.records(VM)).get('root'))).toBe(showRecord(before.get('root')));
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
    it('does nothing for an instance that is not rescued', async () => {
      const f = await booted('lvm');
      const o = await observe(f, VM, () => f.lifecycle().unrescue(VM)());
      expect(outcome(o.result)).toBe('ok');
      expect(o.after).toEqual(o.before);
    });
  });

  describe('when a disk of the instance went missing', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`re-makes it from its record before the guest restarts, for rescue and unrescue, on ${name}`, async () => {
        const f = await booted(name);
        await f.lose(VM, 'root');
        expect(outcome(await f.lifecycle().rescue(VM, img(IMAGES.rescue))())).toBe('ok');
        expect(await allProblems(f)).toEqual([]);
        await f.lose(VM, 'ephemeral0');
        expect(outcome(await f.lifecycle().unrescue(VM)())).toBe('ok');
        expect((await f.records(VM)).has('rescue')).toBe(false);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });
});
