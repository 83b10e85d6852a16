import { HOSTILE_KINDS, type HostileKind } from '@disk-ledger/domain';
import type { CommandRecord } from '@disk-ledger/fake';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BIGGER, CATALOGUE, FLAVOR, GiB, IMAGES, MiB, SECRET } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { plantHostile } from '../composition/testing/guest.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';

/**
 * SECURITY.md rule 4: qemu-img parses the header of every image it is asked
 * about, and a guest (its disk) or an uploader (a download not yet
 * verified) writes those bytes. So every `qemu-img info` runs with the
 * format named (`-f`), JSON output, and CPU-time and address-space limits,
 * whatever image is booted, whatever a guest planted, whatever operation
 * reads a disk (a boot verifying its images, a first touch of a classic
 * driver's disk reading its size, a reboot checking a disk against its
 * record, a resize, a rescue, a snapshot, a conversion).
 */

const SEED = 0x3b0d17;
const VM = vm('b0');
const OLD = vm('b1');
const IMAGE_IDS = CATALOGUE.filter((i) => i.diskFormat !== 'aki' && i.diskFormat !== 'ari').map((i) => i.id);

type Action =
  | { readonly op: 'boot' | 'rebuild' | 'rescue'; readonly image: string }
  | { readonly op: 'plant'; readonly kind: HostileKind }
  | { readonly op: 'reboot' | 'touch-classic' | 'resize' | 'snapshot' | 'unrescue' }
  | { readonly op: 'convert'; readonly to: readonly ['flat', 'raw' | 'qcow2'] | readonly ['qcow2', 'qcow2'] };

// Benign images half the time: most hostile ones are refused before anything else happens.
const imageArb = fc.oneof(fc.constantFrom<string>(IMAGES.qcow2, IMAGES.raw, IMAGES.ami, IMAGES.odd), fc.constantFrom(...IMAGE_IDS));
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ op: fc.constantFrom('boot' as const, 'rebuild' as const, 'rescue' as const), image: imageArb }),
  fc.record({ op: fc.constant('plant' as const), kind: fc.constantFrom(...HOSTILE_KINDS) }),
  fc.record({ op: fc.constantFrom('reboot' as const, 'touch-classic' as const, 'resize' as const, 'snapshot' as const, 'unrescue' as const) }),
  fc.record({ op: fc.constant('convert' as const), to: fc.constantFrom<readonly ['flat', 'raw' | 'qcow2'] | readonly ['qcow2', 'qcow2']>(['flat', 'raw'], ['flat', 'qcow2'], ['qcow2', 'qcow2']) }),
);
// Every run boots first: the other operations need an instance.
const runArb = fc.record({ options: fc.constantFrom<OptionsName>(...BACKEND_OPTIONS), boot: imageArb, actions: fc.array(actionArb, { minLength: 1, maxLength: 8 }) });

/** Why a `qemu-img info` is not bounded as rule 4 says; empty for a bounded one and for any other command. */
const unbounded = (c: CommandRecord): readonly string[] => {
  if (c.argv[0] !== 'qemu-img' || c.argv[1] !== 'info') return [];
  const f = c.argv.indexOf('-f');
  const l = c.limits;
  return [
    ...(f < 0 || (c.argv[f + 1] ?? '') === '' ? ['no -f'] : []),
    ...(c.argv.includes('--output=json') ? [] : ['no --output=json']),
    ...(l === null ? ['no resource limits'] : []),
    ...(l !== null && !(l.cpuSeconds > 0 && Number.isFinite(l.cpuSeconds)) ? [`CPU limit ${l.cpuSeconds}`] : []),
    ...(l !== null && !(l.addressSpaceBytes > 0 && Number.isFinite(l.addressSpaceBytes)) ? [`address-space limit ${l.addressSpaceBytes}`] : []),
  ].map((why) => `${c.argv.join(' ')}: ${why}`);
};

/** Run one action; its result is not this property's (a hostile image is refused, a missing disk is reported). */
const play = async (f: FakeFleet, a: Action): Promise<void> => {
  const l = f.lifecycle();
  switch (a.op) {
    case 'boot':
      await l.spawn({ instance: VM, host: 'a', image: img(a.image), flavor: FLAVOR, configDrive: true })();
      return;
    case 'rebuild':
      await l.rebuild(VM, img(a.image))();
      return;
    case 'rescue':
      await l.rescue(VM, img(a.image))();
      return;
    case 'plant':
      if ((await f.records(VM)).size > 0) await plantHostile(f, VM, a.kind);
      return;
    case 'reboot':
      await l.hardReboot(VM)();
      return;
    case 'touch-classic':
      await l.hardReboot(OLD)();
      return;
    case 'resize':
      await l.move(VM, 'a', 'resize', BIGGER)();
      return;
    case 'snapshot':
      await l.snapshot(VM, 'snap-b0')();
      return;
    case 'unrescue':
      await l.unrescue(VM)();
      return;
    case 'convert':
      await l.convert(VM, 'root', a.to[0], a.to[1])();
      return;
  }
};

describe('untrusted inspection', () => {
  describe('when any image is booted, rebuilt or rescued from, guests plant headers, and any operation reads the disks', () => {
    it('runs every qemu-img info with its format named, JSON output and resource limits', async () => {
      // The kinds of image read over the run: a property about inspections must have seen both.
      const seen = { downloads: 0, disks: 0 };
      await fc.assert(
        fc.asyncProperty(runArb, async ({ options, boot, actions }) => {
          const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }] });
          const format = options === 'qcow2/default' ? 'qcow2' : options === 'ploop' ? 'ploop' : 'raw';
          // A classic driver's instance, whose root carries a planted header when raw: its first touch reads its disks' sizes.
          await seedLegacy(f, {
            instance: OLD,
            host: 'a',
            disks: [
              { disk: 'root', format, size: 2 * GiB, content: format === 'raw' ? { kind: 'qcow2-backing-host-file', target: SECRET } : { kind: 'benign' } },
              { disk: 'swap', format, size: 512 * MiB },
            ],
          });
          const mark = f.mark();
          const first: Action = { op: 'boot', image: boot };
          for (const a of [first, ...actions]) await play(f, a);
          const infos = f.commandsSince(mark).filter((c) => c.argv[0] === 'qemu-img' && c.argv[1] === 'info');
          seen.downloads += infos.filter((c) => c.argv.some((x) => x.endsWith('.part'))).length;
          seen.disks += infos.filter((c) => c.argv.some((x) => x.includes(`/${VM}/`) || x.includes(`/${OLD}/`) || x.includes(`/${VM}_`) || x.includes(`/${OLD}_`))).length;
          expect(infos.flatMap(unbounded)).toEqual([]);
        }),
        { seed: SEED, numRuns: 150 },
      );
      expect(seen.downloads, 'inspections of downloads being verified').toBeGreaterThan(0);
      expect(seen.disks, 'inspections of instance disks').toBeGreaterThan(0);
    });
  });
});
