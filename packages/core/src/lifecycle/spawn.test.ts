import { HOSTILE_KINDS } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FLAVOR, GiB, HOSTILE_IMAGES, IMAGES, MiB } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { plantHostile } from '../composition/testing/guest.js';
import { allProblems, observe, outcome, recordTable } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { img, vm } from '../testing/names.js';

const VM = vm('vm1');

/** What every disk of a boot with FLAVOR and a config drive is recorded as, per host options. */
const EXPECTED: Readonly<Record<OptionsName, Readonly<Record<string, string>>>> = {
  'flat/raw': { root: `flat/raw ${2 * GiB} @disk ready`, ephemeral0: `flat/raw ${GiB} @disk.eph0 ready`, swap: `flat/raw ${512 * MiB} @disk.swap ready`, config: `flat/raw ${64 * MiB} @disk.config ready` },
  'qcow2/default': { root: `qcow2/qcow2 ${2 * GiB} @disk ready`, ephemeral0: `qcow2/qcow2 ${GiB} @disk.eph0 ready`, swap: `qcow2/qcow2 ${512 * MiB} @disk.swap ready`, config: `flat/raw ${64 * MiB} @disk.config ready` },
  lvm: { root: `lvm/raw ${2 * GiB} @vg0/vm1_disk ready`, ephemeral0: `lvm/raw ${GiB} @vg0/vm1_disk.eph0 ready`, swap: `lvm/raw ${512 * MiB} @vg0/vm1_disk.swap ready`, config: `flat/raw ${64 * MiB} @disk.config ready` },
  'rbd/shared': { root: `rbd/raw ${2 * GiB} @pool0/vm1_disk ready`, ephemeral0: `rbd/raw ${GiB} @pool0/vm1_disk.eph0 ready`, swap: `rbd/raw ${512 * MiB} @pool0/vm1_disk.swap ready`, config: `rbd/raw ${64 * MiB} @pool0/vm1_disk.config ready` },
  'rbd/other': { root: `rbd/raw ${2 * GiB} @pool1/vm1_disk ready`, ephemeral0: `rbd/raw ${GiB} @pool1/vm1_disk.eph0 ready`, swap: `rbd/raw ${512 * MiB} @pool1/vm1_disk.swap ready`, config: `rbd/raw ${64 * MiB} @pool1/vm1_disk.config ready` },
  ploop: { root: `ploop/ploop ${2 * GiB} @disk ready`, ephemeral0: `ploop/ploop ${GiB} @disk.eph0 ready`, swap: `ploop/ploop ${512 * MiB} @disk.swap ready`, config: `flat/raw ${64 * MiB} @disk.config ready` },
};

const fleet = (name: OptionsName): FakeFleet => new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
const spawn = (f: FakeFleet, image: string | null, configDrive = true) => () =>
  f.lifecycle().spawn({ instance: VM, host: 'a', image: image === null ? null : img(image), flavor: FLAVOR, configDrive })();

describe('spawn', () => {
  describe('when booting from an image', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`records root, ephemeral, swap and config drive in one batch before any disk exists, on ${name}`, async () => {
        const f = fleet(name);
        const o = await observe(f, VM, spawn(f, IMAGES.qcow2));
        expect(outcome(o.result)).toBe('ok');
        expect(o.before).toEqual({});
        expect(o.after).toEqual(EXPECTED[name]);
        const batches = f.repository.events.filter((e) => e.op === 'saveRecords');
        expect(batches[0]?.writes.map((w) => w.disk)).toEqual(['root', 'ephemeral0', 'swap', 'config']);
        const firstDiskWrite = o.commands.find((c) => {
          const t = writeTargetOf(c.argv);
          return t !== null && !(t.kind === 'file' && t.path.includes('/_base/'));
        });
        expect(batches[0]?.afterCommands).toBeLessThan(firstDiskWrite?.seq ?? 0);
        expect(await allProblems(f)).toEqual([]);
      });
    }

    it('adds flat raw kernel and ramdisk disks for an image that has them', async () => {
      const f = fleet('lvm');
      const o = await observe(f, VM, spawn(f, IMAGES.ami, false));
      expect(outcome(o.result)).toBe('ok');
      expect(o.after['kernel']).toBe(`flat/raw ${8 * MiB} @kernel ready`);
      expect(o.after['ramdisk']).toBe(`flat/raw ${16 * MiB} @ramdisk ready`);
      expect(await allProblems(f)).toEqual([]);
    });

    it('makes no root disk for an instance booted from a volume', async () => {
      const f = fleet('qcow2/default');
      const o = await observe(f, VM, spawn(f, null, false));
      expect(outcome(o.result)).toBe('ok');
      expect(Object.keys(o.after)).toEqual(['ephemeral0', 'swap']);
      expect(await allProblems(f)).toEqual([]);
    });

    it('refuses an image larger than the flavor root disk before anything is written', async () => {
      const f = fleet('flat/raw');
      const r = await spawn(f, IMAGES.big)();
      expect(E.isLeft(r) && r.left.code).toBe('IMAGE_TOO_LARGE');
      expect(f.repository.events).toEqual([]);
      expect(f.cluster.commands()).toEqual([]);
    });
  });

  describe('when a config-drive file path is one no tool can take', () => {
    it('answers INVALID_NAME naming the file, with nothing registered, recorded or made', async () => {
      const f = fleet('flat/raw');
      const mark = f.mark();
      const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true, configFiles: [{ path: 'a/../../x', content: '' }] })();
      expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['INVALID_NAME', 'func.files.0.path']);
      expect(E.isLeft(await f.repository.getInstance(VM)())).toBe(true);
      expect(f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
      expect(outcome(await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true })())).toBe('ok');
    });
  });

  describe('when the image is hostile', () => {
    for (const id of HOSTILE_IMAGES) {
      it(`rejects ${id} with a typed error before the instance or any record exists`, async () => {
        const f = fleet('qcow2/default');
        const r = await spawn(f, id)();
        expect(E.isLeft(r) && r.left.code).toBe('IMAGE_REJECTED');
        expect(f.repository.events).toEqual([]);
        expect(f.cluster.commands().filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when a guest then writes hostile headers into every writable disk', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`nothing probes or leaks on ${name}, and the disks still match their records`, async () => {
        for (const kind of HOSTILE_KINDS) {
          const f = fleet(name);
          await f.boot(VM, 'a');
          expect(await plantHostile(f, VM, kind)).toEqual(['root', 'ephemeral0', 'swap']);
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
  });

  describe('when the image declares no virtual size', () => {
    it('sizes a raw-like kernel by the bytes the image service stores', async () => {
      const f = fleet('flat/raw');
      const kernel = f.cluster.images.get(IMAGES.kernel);
      if (kernel === undefined) throw new Error('no kernel image');
      f.cluster.images.put({ ...kernel, meta: { ...kernel.meta, virtualSize: null } });
      const o = await observe(f, VM, spawn(f, IMAGES.ami, false));
      expect(outcome(o.result)).toBe('ok');
      expect(o.after['kernel']).toBe(`flat/raw ${8 * MiB} @kernel ready`);
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when the kernel of the image is hostile', () => {
    it('rejects the boot before anything is written', async () => {
      const f = fleet('lvm');
      f.cluster.addImage({ id: 'ami-evil-kernel', diskFormat: 'ami', virtualSize: GiB, kernelId: HOSTILE_IMAGES[0] ?? '', ramdiskId: IMAGES.ramdisk });
      const r = await spawn(f, 'ami-evil-kernel', false)();
      expect(E.isLeft(r) && r.left.code).toBe('IMAGE_REJECTED');
      expect(f.repository.events).toEqual([]);
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe("when the host's image cache has another directory name ([image_cache] subdirectory_name)", () => {
    it('keeps its verified entries and its templates there, and overlays name them there', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'], imageCacheSubdirectory: '_images' }] });
      expect(outcome(await spawn(f, IMAGES.qcow2)())).toBe('ok');
      const made = f.cluster.commands().filter((c) => c.argv[1] === 'create' && c.argv.includes('-b')).map((c) => c.argv[c.argv.indexOf('-b') + 1] ?? '');
      expect(made.length).toBeGreaterThan(0);
      expect(made.every((b) => b.startsWith('/var/lib/nova/instances/_images/'))).toBe(true);
      expect(f.cluster.commands().some((c) => c.argv.some((a) => a.includes('/_base/')))).toBe(false);
      // An instance named as the cache's directory would have its delete remove every base of the host.
      const g = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'], imageCacheSubdirectory: 'images' }] });
      expect(outcome(await g.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.raw), flavor: FLAVOR })())).toBe('ok');
      const clash = await g.lifecycle().spawn({ instance: vm('images'), host: 'a', image: img(IMAGES.raw), flavor: FLAVOR })();
      expect(E.isLeft(clash) && [clash.left.code, clash.left.message]).toEqual(['INVALID_NAME', expect.stringContaining("base-image cache's directory")]);
      expect(await g.violations()).toEqual([]);
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect(await f.violations()).toEqual([]);
    });
  });

  describe('when the process dies between registering the instance and saving its records', () => {
    it('leaves an instance without slots, which a delete removes', async () => {
      const f = fleet('flat/raw');
      // What a boot has written when it dies right after registering the instance.
      await f.repository.createInstance(VM, 'a', [])();
      expect([...(await f.records(VM)).keys()]).toEqual([]);
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
    });

    it('is carried on by booting it again on the same host, and stays INSTANCE_EXISTS elsewhere and once booted', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
      await f.repository.createInstance(VM, 'a', [], IMAGES.raw)();
      const elsewhere = await f.lifecycle().spawn({ instance: VM, host: 'b', image: img(IMAGES.raw), flavor: FLAVOR })();
      expect(E.isLeft(elsewhere) && elsewhere.left.code).toBe('INSTANCE_EXISTS');
      const otherImage = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR })();
      expect(E.isLeft(otherImage) && otherImage.left.code).toBe('INSTANCE_EXISTS');
      expect(outcome(await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.raw), flavor: FLAVOR })())).toBe('ok');
      expect(Object.values(await recordTable(f, VM)).every((r) => r.endsWith(' ready'))).toBe(true);
      expect(await f.violations()).toEqual([]);
      const again = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.raw), flavor: FLAVOR })();
      expect(E.isLeft(again) && again.left.code).toBe('INSTANCE_EXISTS');
      expect(E.isLeft(again) && again.left.message).toMatch(/hardReboot finishes it .* and delete undoes it$/);
      // Another boot's instance of that id gets no such advice.
      expect(E.isLeft(elsewhere) && elsewhere.left.message).not.toContain('hardReboot');
    });
  });
});
