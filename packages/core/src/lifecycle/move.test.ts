import { HOSTILE_KINDS, type ByteSize } from '@disk-ledger/domain';
import { imageMarker, isInjectedCrash } from '@disk-ledger/fake';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { BIGGER, FLAVOR, GiB, IMAGES, MiB } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { sees, survives } from '../composition/testing/markers.js';
import { allProblems, observe, outcome, recordTable } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTION_NAMES, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { vm } from '../testing/names.js';

const VM = vm('vm1');
const SEED = 0x6d0e;

const pair = async (src: OptionsName, dst: OptionsName): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[src] }, { name: 'b', options: OPTIONS[dst] }] });
  await f.boot(VM, 'a');
  return f;
};

describe('move', () => {
  describe('when resizing on the same host to a bigger flavor', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`grows each disk in place with its recorded format, record first, on ${name}`, async () => {
        const f = await pair(name, name);
        const markers = await writeBenign(f, VM);
        const o = await observe(f, VM, () => f.lifecycle().move(VM, 'a', 'resize', BIGGER)());
        expect(outcome(o.result)).toBe('ok');
        const after = await f.records(VM);
        expect([...after].map(([d, m]) => `${d}:${m?.size}`)).toEqual([`root:${4 * GiB}`, `ephemeral0:${2 * GiB}`, `swap:${GiB}`, `config:${64 * MiB}`]);
        for (const [disk, marker] of markers) expect(await sees(f, VM, disk, marker)).toBe(true);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when the process dies part-way through a resize on the same host', () => {
    it('is carried forward by the next operation: every disk grown, its record agreeing', async () => {
      const run = fc.record({ name: fc.constantFrom(...BACKEND_OPTIONS), nth: fc.nat({ max: 5 }), effect: fc.constantFrom('crash' as const, 'crash-after' as const) });
      await fc.assert(
        fc.asyncProperty(run, async ({ name, nth, effect }) => {
          const f = await pair(name, name);
          const markers = await writeBenign(f, VM);
          let seen = 0;
          f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === nth, effect });
          try {
            await f.lifecycle().move(VM, 'a', 'resize', BIGGER)();
          } catch (e) {
            if (!isInjectedCrash(e)) throw e;
          }
          f.cluster.clearFaults();
          expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
          expect(Object.fromEntries([...(await f.records(VM))].map(([d, m]) => [d, m?.size]))).toEqual({ root: 4 * GiB, ephemeral0: 2 * GiB, swap: GiB, config: 64 * MiB });
          for (const [disk, marker] of markers) expect(await sees(f, VM, disk, marker)).toBe(true);
          expect(await allProblems(f)).toEqual([]);
        }),
        { seed: SEED, numRuns: 40 },
      );
    });
  });

  describe('when a move between hosts ends', () => {
    const dirOn = (f: FakeFleet, host: string): boolean => f.cluster.host(host).fs.exists('/var/lib/nova/instances/vm1');
    it('leaves no instance directory on the host the instance left, confirmed or reverted; a conversion keeps its own', async () => {
      const f = await pair('qcow2/default', 'flat/raw');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
      expect([dirOn(f, 'a'), dirOn(f, 'b')]).toEqual([false, true]);
      expect(outcome(await f.lifecycle().move(VM, 'a', 'resize', undefined, 'manual')())).toBe('ok');
      expect([dirOn(f, 'a'), dirOn(f, 'b')]).toEqual([true, true]);
      expect(outcome(await f.lifecycle().revertResize(VM)())).toBe('ok');
      expect([dirOn(f, 'a'), dirOn(f, 'b')]).toEqual([false, true]);
      expect(outcome(await f.lifecycle().convert(VM, 'root', 'qcow2', 'qcow2')())).toBe('ok');
      expect(dirOn(f, 'b')).toBe(true);
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when the new flavor is smaller', () => {
    for (const [what, flavor] of [
      ['root', { ...FLAVOR, root: GiB }],
      ['ephemeral', { ...FLAVOR, ephemeral: GiB / 2 }],
      ['ephemeral (none)', { ...FLAVOR, ephemeral: 0 }],
    ] as const) {
      for (const to of ['a', 'b']) {
        it(`refuses to shrink the ${what} disk with RESIZE_ERROR, changing nothing (to ${to === 'a' ? 'its own host' : 'another host'})`, async () => {
          const f = await pair('lvm', 'flat/raw');
          const o = await observe(f, VM, () => f.lifecycle().move(VM, to, 'resize', flavor)());
          expect(outcome(o.result)).toMatch(/^RESIZE_ERROR: Unable to resize disk down/);
          expect(o.after).toEqual(o.before);
          expect(o.commands.filter((c) => writeTargetOf(c.argv) !== null)).toEqual([]);
          expect(await f.hostOf(VM)).toBe('a');
        });
      }
    }
    it('lets swap shrink, and a flavor root of 0 (the image size) and the same sizes pass', async () => {
      const f = await pair('flat/raw', 'flat/raw');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', { ...FLAVOR, swap: 256 * MiB })())).toBe('ok');
      // Swap is made anew on the destination, at the new size.
      expect((await f.records(VM)).get('swap')?.size).toBe(256 * MiB);
      expect(await allProblems(f)).toEqual([]);
      expect(outcome(await f.lifecycle().move(VM, 'a', 'resize', { ...FLAVOR, root: 0 })())).toBe('ok');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', FLAVOR)())).toBe('ok');
    });
    it('compares in whole extents, so a record rounded up to them is not taken for a larger disk', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
      f.cluster.addVolumeGroup('a', { name: 'vg32', extentSize: 32 * MiB });
      f.reconfigure('a', { ...OPTIONS.lvm, imagesVolumeGroup: 'vg32' });
      const odd = { root: 0, ephemeral: 100 * MiB, swap: 0 };
      await f.boot(VM, 'a', { image: null, flavor: odd, configDrive: false });
      expect((await f.records(VM)).get('ephemeral0')?.size).toBe(128 * MiB);
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', odd)())).toBe('ok');
    });
  });

  describe('when the new flavor adds an ephemeral and a swap disk', () => {
    const SMALL = { root: 2 * GiB, ephemeral: 0, swap: 0 };
    const booted = async (src: OptionsName, dst: OptionsName): Promise<FakeFleet> => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[src] }, { name: 'b', options: OPTIONS[dst] }] });
      await f.boot(VM, 'a', { flavor: SMALL });
      return f;
    };
    const disks = async (f: FakeFleet): Promise<string[]> => [...(await f.records(VM)).keys()].sort();
    for (const name of BACKEND_OPTIONS) {
      for (const to of ['a', 'b']) {
        it(`records, then makes them where the instance lands, sized by the flavor (${name}, to ${to === 'a' ? 'its own host' : 'another host'})`, async () => {
          const f = await booted(name, 'flat/raw');
          const o = await observe(f, VM, () => f.lifecycle().move(VM, to, 'resize', FLAVOR)());
          expect(outcome(o.result)).toBe('ok');
          expect(o.before).not.toHaveProperty('swap');
          const after = await f.records(VM);
          expect(after.get('ephemeral0')?.size).toBe(GiB);
          expect(after.get('swap')?.size).toBe(512 * MiB);
          expect(after.get('swap')?.provenance).toBe('created');
          expect(await f.hostOf(VM)).toBe(to);
          expect(await allProblems(f)).toEqual([]);
        });
      }
    }
    it('drops them with their records on revert, keeps them on confirm', async () => {
      const f = await booted('qcow2/default', 'lvm');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', FLAVOR, 'manual')())).toBe('ok');
      expect(await disks(f)).toEqual(['config', 'ephemeral0', 'root', 'swap']);
      expect(await allProblems(f)).toEqual([]);
      expect(outcome(await f.lifecycle().revertResize(VM)())).toBe('ok');
      expect(await disks(f)).toEqual(['config', 'root']);
      expect(await allProblems(f)).toEqual([]);
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', FLAVOR, 'manual')())).toBe('ok');
      expect(outcome(await f.lifecycle().confirmResize(VM)())).toBe('ok');
      expect(await disks(f)).toEqual(['config', 'ephemeral0', 'root', 'swap']);
      expect(await f.hostOf(VM)).toBe('b');
      expect(await allProblems(f)).toEqual([]);
    });
    it('is brought to rest by the next operation after a crash part-way, with no disk and no record astray', async () => {
      const run = fc.record({ src: fc.constantFrom(...OPTION_NAMES), dst: fc.constantFrom(...OPTION_NAMES), nth: fc.nat({ max: 12 }), effect: fc.constantFrom('crash' as const, 'crash-after' as const) });
      await fc.assert(
        fc.asyncProperty(run, async ({ src, dst, nth, effect }) => {
          const f = await booted(src, dst);
          let seen = 0;
          f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === nth, effect });
          try {
            await f.lifecycle().move(VM, 'b', 'resize', FLAVOR)();
          } catch (e) {
            if (!isInjectedCrash(e)) throw e;
          }
          f.cluster.clearFaults();
          expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
          const host = await f.hostOf(VM);
          expect(await disks(f)).toEqual(host === 'a' ? ['config', 'root'] : ['config', 'ephemeral0', 'root', 'swap']);
          // A template build cut short leaves its `.part`, which the next build of that template replaces.
          expect((await allProblems(f)).filter((p) => !/^stray staging file b:.*\/_base\/[^/]*\.part$/.test(p))).toEqual([]);
        }),
        { seed: SEED, numRuns: 60 },
      );
    });
    it('adds nothing when the instance has an ephemeral and a swap disk already, or the flavor none', async () => {
      const f = await pair('flat/raw', 'flat/raw');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize', { ...BIGGER, swap: 0 })())).toBe('ok');
      expect(await disks(f)).toEqual(['config', 'ephemeral0', 'root', 'swap']);
      const g = await booted('flat/raw', 'flat/raw');
      expect(outcome(await g.lifecycle().move(VM, 'b', 'resize', SMALL)())).toBe('ok');
      expect(await disks(g)).toEqual(['config', 'root']);
    });
    it('leaves the instance as it was when a command on the destination fails part-way', async () => {
      const run = fc.record({ src: fc.constantFrom(...OPTION_NAMES), dst: fc.constantFrom(...OPTION_NAMES), nth: fc.nat({ max: 10 }), own: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(run, async ({ src, dst, nth, own }) => {
          const f = await booted(src, dst);
          const before = await recordTable(f, VM);
          let seen = 0;
          const to = own ? 'a' : 'b';
          f.cluster.injectFault({ match: (argv, host) => host === to && writeTargetOf(argv) !== null && seen++ === nth });
          const r = await f.lifecycle().move(VM, to, 'resize', FLAVOR)();
          if (f.cluster.faults.pending > 0) return;
          expect(E.isLeft(r) && r.left._tag).toBe('CommandFailed');
          expect(await f.hostOf(VM)).toBe('a');
          // On its own host the disks already grown stay grown; nothing is added either way.
          if (!own) expect(await recordTable(f, VM)).toEqual(before);
          expect(await disks(f)).toEqual(['config', 'root']);
          expect(await allProblems(f)).toEqual([]);
        }),
        { seed: SEED, numRuns: 60 },
      );
    });
  });

  describe('when resizing to another host, with or without a new flavor', () => {
    for (const flavor of [undefined, BIGGER]) {
      for (const name of BACKEND_OPTIONS) {
        it(`copies root and ephemeral data, re-creates swap (keeps it on a shared pool), and moves the records (${name}, ${flavor === undefined ? 'same flavor' : 'bigger flavor'})`, async () => {
          const f = await pair(name, name);
          const markers = await writeBenign(f, VM);
          const o = await observe(f, VM, () => f.lifecycle().move(VM, 'b', 'resize', flavor)());
          expect(outcome(o.result)).toBe('ok');
          expect(await f.hostOf(VM)).toBe('b');
          expect(await sees(f, VM, 'root', markers.get('root') ?? '')).toBe(true);
          expect(await sees(f, VM, 'ephemeral0', markers.get('ephemeral0') ?? '')).toBe(true);
          const shared = name === 'rbd/shared';
          expect(await sees(f, VM, 'swap', markers.get('swap') ?? '')).toBe(shared);
          const sizes = Object.fromEntries([...(await f.records(VM))].map(([d, m]) => [d, m?.size]));
          expect(sizes).toEqual(flavor === undefined ? { root: 2 * GiB, ephemeral0: GiB, swap: 512 * MiB, config: 64 * MiB } : { root: 4 * GiB, ephemeral0: 2 * GiB, swap: GiB, config: 64 * MiB });
          expect(o.commands.filter((c) => c.host === 'b' && writeTargetOf(c.argv) !== null).length > 0).toBe(!shared || flavor !== undefined);
          expect(await allProblems(f)).toEqual([]);
        });
      }
    }
  });

  describe('when live-migrating', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`pre-creates the destination disks from the source's records on ${name}`, async () => {
        const f = await pair(name, name);
        const o = await observe(f, VM, () => f.lifecycle().move(VM, 'b', 'live-migrate')());
        expect(outcome(o.result)).toBe('ok');
        expect(o.after).toEqual(o.before);
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when evacuating from a host that is down', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`rebuilds the disks on the destination from records and images, never touching the source (${name})`, async () => {
        const f = await pair(name, name);
        const markers = await writeBenign(f, VM);
        f.cluster.setHostDown('a', true);
        const o = await observe(f, VM, () => f.lifecycle().move(VM, 'b', 'evacuate')());
        expect(outcome(o.result)).toBe('ok');
        expect(o.commands.filter((c) => c.host === 'a')).toEqual([]);
        expect(o.after).toEqual(o.before);
        const shared = name === 'rbd/shared';
        // Ephemeral data is lost unless the disks are on storage both hosts share; the root comes back from its image.
        expect(await sees(f, VM, 'ephemeral0', markers.get('ephemeral0') ?? '')).toBe(shared);
        expect(await sees(f, VM, 'root', shared ? (markers.get('root') ?? '') : imageMarker(IMAGES.qcow2))).toBe(true);
        f.cluster.setHostDown('a', false);
        // The dead host's own disks are its business when it comes back; everything else must hold.
        const problems = (await allProblems(f)).filter((p) => !p.startsWith('disk without a record: a:'));
        expect(problems).toEqual([]);
      });
    }

    for (const name of ['flat/raw', 'qcow2/default', 'lvm'] as const) {
      it(`makes every disk anew over what an earlier move cut short left on the destination (${name})`, async () => {
        const f = await pair(name, name);
        // Debris of the instance's own disks at their places on the destination, another size than the records.
        const before = await f.records(VM);
        for (const [disk, meta] of before) {
          if (meta === null || disk === 'config') continue;
          const planted = await f.host('b').realizer.open(VM, disk, meta)();
          if (E.isLeft(planted)) throw new Error(planted.left.message);
          expect(E.isRight(await planted.right.driver.createBlank(planted.right.image, (meta.size + 64 * MiB) as ByteSize)())).toBe(true);
        }
        f.cluster.setHostDown('a', true);
        const o = await observe(f, VM, () => f.lifecycle().move(VM, 'b', 'evacuate')());
        expect(outcome(o.result)).toBe('ok');
        expect(o.after).toEqual(o.before);
        expect(await sees(f, VM, 'root', imageMarker(IMAGES.qcow2))).toBe(true);
        f.cluster.setHostDown('a', false);
        expect((await allProblems(f)).filter((p) => !p.startsWith('disk without a record: a:'))).toEqual([]);
      });
    }

    it('answers RECORD_MISSING for a disk without a record, since the dead host cannot be asked for legacy facts', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
      f.store.seedLegacyInstance(VM, 'a', ['root']);
      f.legacy.add(VM);
      f.cluster.setHostDown('a', true);
      const r = await f.lifecycle().move(VM, 'b', 'evacuate')();
      expect(E.isLeft(r) && r.left.code).toBe('RECORD_MISSING');
    });
  });

  describe('when a guest planted hostile headers in every writable disk', () => {
    for (const kind of ['resize', 'live-migrate', 'evacuate'] as const) {
      for (const name of BACKEND_OPTIONS) {
        it(`${kind} neither probes nor leaks, on ${name}`, async () => {
          for (const hostile of HOSTILE_KINDS) {
            const f = await pair(name, name);
            await plantHostile(f, VM, hostile);
            if (kind === 'evacuate') f.cluster.setHostDown('a', true);
            const r = await f.lifecycle().move(VM, 'b', kind, kind === 'resize' ? BIGGER : undefined)();
            f.cluster.setHostDown('a', false);
            expect(outcome(r)).toBe('ok');
            expect(f.cluster.probes()).toEqual([]);
            expect(f.cluster.leaks()).toEqual([]);
            const problems = (await allProblems(f)).filter((p) => kind !== 'evacuate' || !p.startsWith('disk without a record: a:'));
            expect(problems).toEqual([]);
          }
        });
      }
    }
  });

  describe('when a command on the destination fails part-way', () => {
    it('answers a typed error and leaves the source instance, its data and its records as they were', async () => {
      const run = fc.record({ src: fc.constantFrom(...OPTION_NAMES), dst: fc.constantFrom(...OPTION_NAMES), nth: fc.nat({ max: 12 }), grow: fc.boolean(), live: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(run, async ({ src, dst, nth, grow, live }) => {
          const f = await pair(src, dst);
          const markers = await writeBenign(f, VM);
          const before = await recordTable(f, VM);
          let seen = 0;
          f.cluster.injectFault({ match: (argv, host) => host === 'b' && writeTargetOf(argv) !== null && seen++ === nth });
          const r = await f.lifecycle().move(VM, 'b', live ? 'live-migrate' : 'resize', grow ? BIGGER : undefined)();
          if (f.cluster.faults.pending > 0) return; // the move needed fewer commands than nth: nothing failed
          expect(E.isLeft(r) && r.left._tag).toBe('CommandFailed');
          expect(await f.hostOf(VM)).toBe('a');
          const after = await recordTable(f, VM);
          // A shared disk that was already grown cannot shrink back: its record says so; every other record is as it was.
          for (const [disk, shown] of Object.entries(before)) {
            const sharedAndGrown = src === dst && src.startsWith('rbd') && after[disk] !== shown;
            if (!sharedAndGrown) expect(after[disk]).toBe(shown);
          }
          for (const [disk, marker] of markers) expect(await sees(f, VM, disk, marker)).toBe(true);
          expect(await allProblems(f)).toEqual([]);
        }),
        { seed: SEED, numRuns: 60 },
      );
    });
  });

  describe('when the process dies part-way', () => {
    it('destroys no data: a hard reboot completes or answers a typed error, and the root data survives', async () => {
      const run = fc.record({ src: fc.constantFrom(...OPTION_NAMES), dst: fc.constantFrom(...OPTION_NAMES), nth: fc.nat({ max: 16 }), effect: fc.constantFrom('crash' as const, 'crash-after' as const), grow: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(run, async ({ src, dst, nth, effect, grow }) => {
          const f = await pair(src, dst);
          const markers = await writeBenign(f, VM);
          let seen = 0;
          f.cluster.injectFault({ match: (argv) => writeTargetOf(argv) !== null && seen++ === nth, effect });
          try {
            await f.lifecycle().move(VM, 'b', 'resize', grow ? BIGGER : undefined)();
          } catch (e) {
            if (!isInjectedCrash(e)) throw e;
          }
          f.cluster.clearFaults();
          const r = await f.lifecycle().hardReboot(VM)();
          for (const disk of ['root', 'ephemeral0'] as const) {
            const marker = markers.get(disk) ?? '';
            expect(survives(f, marker)).toBe(true);
            if (E.isRight(r)) expect(await sees(f, VM, disk, marker)).toBe(true);
          }
          expect(f.cluster.probes()).toEqual([]);
          expect(f.cluster.leaks()).toEqual([]);
        }),
        { seed: SEED, numRuns: 80 },
      );
    });
  });

  describe('when a crash left disks of the instance half-made', () => {
    it('completes them on the source before copying them', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS.lvm }, { name: 'b', options: OPTIONS['flat/raw'] }] });
      f.cluster.injectFault({ match: (argv) => argv[0] === 'lvcreate' && argv.includes('vm1_disk.eph0'), effect: 'crash-after' });
      await expect(f.lifecycle().spawn({ instance: VM, host: 'a', image: null, flavor: { root: 0, ephemeral: GiB, swap: 512 * MiB } })()).rejects.toThrow();
      expect(Object.values(await recordTable(f, VM)).some((r) => r.endsWith('creating'))).toBe(true);
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when the destination is unknown', () => {
    it('answers UNKNOWN_HOST and changes nothing', async () => {
      const f = await pair('flat/raw', 'flat/raw');
      const o = await observe(f, VM, () => f.lifecycle().move(VM, 'nowhere', 'resize')());
      expect(E.isLeft(o.result) && o.result.left.code).toBe('UNKNOWN_HOST');
      expect(o.after).toEqual(o.before);
      expect(o.commands).toEqual([]);
    });
  });

  describe('when a disk on the pool both hosts share vanished before the move', () => {
    for (const kind of ['resize', 'live-migrate', 'evacuate'] as const) {
      it(`re-makes it from its record before the guest starts on the destination (${kind})`, async () => {
        const f = await pair('rbd/shared', 'rbd/shared');
        await f.lose(VM, 'root');
        if (kind === 'evacuate') f.cluster.setHostDown('a', true);
        const o = await observe(f, VM, () => f.lifecycle().move(VM, 'b', kind)());
        expect(outcome(o.result)).toBe('ok');
        expect(o.after).toEqual(o.before);
        expect(await sees(f, VM, 'root', imageMarker(IMAGES.qcow2))).toBe(true);
        f.cluster.setHostDown('a', false);
        expect((await allProblems(f)).filter((p) => !p.startsWith('disk without a record: a:'))).toEqual([]);
      });
    }
  });

  describe('when what an evacuation left is removed after the instance has come back', () => {
    const evacuated = async (name: OptionsName) => {
      const f = await pair(name, 'flat/raw');
      f.cluster.setHostDown('a', true);
      const r = await f.lifecycle().move(VM, 'b', 'evacuate')();
      if (E.isLeft(r)) throw new Error(r.left.message);
      f.cluster.setHostDown('a', false);
      return { f, left: r.right };
    };
    for (const name of BACKEND_OPTIONS) {
      it(`keeps the disks and directory the instance uses there again (${name})`, async () => {
        const { f, left } = await evacuated(name);
        expect(outcome(await f.lifecycle().move(VM, 'a', 'live-migrate')())).toBe('ok');
        const markers = await writeBenign(f, VM);
        expect(outcome(await f.lifecycle().removeLeftBehind(VM, left)())).toBe('ok');
        expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
        for (const [disk, marker] of markers) expect(await sees(f, VM, disk, marker)).toBe(true);
        expect(await allProblems(f)).toEqual([]);
      });
    }
    it('keeps the disks a resize waiting for confirm or revert made there, and the revert still finds its own', async () => {
      const { f, left } = await evacuated('lvm');
      const markers = await writeBenign(f, VM);
      expect(outcome(await f.lifecycle().move(VM, 'a', 'resize', BIGGER, 'manual')())).toBe('ok');
      expect(outcome(await f.lifecycle().removeLeftBehind(VM, left)())).toBe('ok');
      expect(await allProblems(f)).toEqual([]);
      expect(outcome(await f.lifecycle().revertResize(VM)())).toBe('ok');
      for (const [disk, marker] of markers) expect(await sees(f, VM, disk, marker)).toBe(true);
      expect(await allProblems(f)).toEqual([]);
    });
    it('leaves the directory of an instance resized on its own host, whose move left nothing', async () => {
      const f = await pair('flat/raw', 'flat/raw');
      const markers = await writeBenign(f, VM);
      const r = await f.lifecycle().move(VM, 'a', 'resize', BIGGER)();
      if (E.isLeft(r)) throw new Error(r.left.message);
      expect(outcome(await f.lifecycle().removeLeftBehind(VM, r.right)())).toBe('ok');
      for (const [disk, marker] of markers) expect(await sees(f, VM, disk, marker)).toBe(true);
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when an evacuated source host comes back', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`removes exactly what the evacuation left there, by the records it had (${name} → flat/raw and ${name} → ${name})`, async () => {
        for (const dst of ['flat/raw', name] as const) {
          const f = await pair(name, dst);
          f.cluster.setHostDown('a', true);
          const r = await f.lifecycle().move(VM, 'b', 'evacuate')();
          if (E.isLeft(r)) throw new Error(r.left.message);
          expect(r.right.host).toBe('a');
          const shared = name === 'rbd/shared' && dst === name;
          expect(r.right.disks.map((d) => d.disk).sort()).toEqual(shared ? [] : ['config', 'ephemeral0', 'root', 'swap']);
          f.cluster.setHostDown('a', false);
          expect(outcome(await f.lifecycle().removeLeftBehind(VM, r.right)())).toBe('ok');
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
  });
});
