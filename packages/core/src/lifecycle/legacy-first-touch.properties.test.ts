import { HOSTILE_KINDS, novaFileName, type Backend, type DiskFormat, type DiskName, type HostStorageOptionsInput } from '@disk-ledger/domain';
import type { DiskInfo, GuestContent } from '@disk-ledger/fake';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { GiB, MiB, SECRET } from '../composition/testing/catalogue.js';
import { FakeFleet, INSTANCES_PATH } from '../composition/testing/fake-fleet.js';
import { seedLegacy, type LegacyDisk } from '../composition/testing/legacy.js';
import { outcome } from '../composition/testing/observe.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { vm } from '../testing/names.js';

/**
 * A disk the classic driver made has no record; its first touch derives one
 * from the host's options and `disk.info` (SECURITY.md rule 6). Those facts
 * are true here (what the classic driver wrote) but may be incomplete
 * (`disk.info` lost, an entry missing), and the operator may have changed
 * the options since the disks were made. Whatever the history: the host
 * never opens a classic disk as a format it does not hold (a raw guest disk
 * opened as qcow2 is how a planted header reaches a host file), every record
 * derived describes the disk there, a disk that cannot be derived is left
 * untouched, and with complete facts under unchanged options every disk is
 * derived.
 */

const SEED = 0x1e6ac7;
const VM = vm('old7');

/** Host options as an operator may have set them, by short name: every value of `images_type`, `use_cow_images` both ways. */
const HISTORY_OPTIONS = {
  'default+cow': { imagesType: 'default', useCowImages: true },
  'default-nocow': { imagesType: 'default', useCowImages: false },
  qcow2: { imagesType: 'qcow2' },
  raw: { imagesType: 'raw' },
  flat: { imagesType: 'flat' },
  lvm: { imagesType: 'lvm', imagesVolumeGroup: 'vg0' },
  rbd: { imagesType: 'rbd', imagesRbdPool: 'pool0' },
  ploop: { imagesType: 'ploop' },
} as const satisfies Record<string, HostStorageOptionsInput>;
type HistoryOptions = keyof typeof HISTORY_OPTIONS;
const HISTORY_NAMES = Object.keys(HISTORY_OPTIONS) as HistoryOptions[];

/** nova's image backend class for these options (`default` is Qcow2 with `use_cow_images`, else Flat). */
const CLASSIC_BACKEND: Readonly<Record<HistoryOptions, Backend>> = {
  'default+cow': 'qcow2', 'default-nocow': 'flat', qcow2: 'qcow2', raw: 'flat', flat: 'flat', lvm: 'lvm', rbd: 'rbd', ploop: 'ploop',
};

/** The formats the classic driver's image backend for these options gave a disk: the flat backend kept raw or qcow2 files. */
const classicFormats = (o: HistoryOptions): readonly DiskFormat[] => {
  switch (o) {
    case 'default+cow':
    case 'qcow2':
      return ['qcow2'];
    case 'default-nocow':
    case 'raw':
    case 'flat':
      return ['raw', 'qcow2'];
    case 'lvm':
    case 'rbd':
      return ['raw'];
    case 'ploop':
      return ['ploop'];
  }
};

const DISKS = [
  { disk: 'root', size: 2 * GiB },
  { disk: 'ephemeral0', size: GiB },
  { disk: 'swap', size: 512 * MiB },
] as const satisfies readonly { readonly disk: DiskName; readonly size: number }[];

/** A guest's writes: benign, or a planted header naming the host secret (only a raw disk can carry one). */
const contentArb: fc.Arbitrary<GuestContent> = fc.oneof(
  fc.constant<GuestContent>({ kind: 'benign' }),
  fc.constantFrom(...HOSTILE_KINDS).map((kind): GuestContent => ({ kind, target: SECRET })),
);

const historyArb = fc
  .constantFrom(...HISTORY_NAMES)
  .chain((made) =>
    fc.record({
      made: fc.constant(made),
      now: fc.oneof(fc.constant(made), fc.constantFrom(...HISTORY_NAMES)),
      disks: fc.tuple(...DISKS.map(() => fc.record({ format: fc.constantFrom(...classicFormats(made)), content: contentArb }))),
      // What is left of disk.info: as written, gone, or without the entries of some disks.
      diskInfo: fc.oneof(fc.constant('written' as const), fc.constant('absent' as const), fc.subarray<DiskName>(DISKS.map((d) => d.disk), { minLength: 1 })),
    }),
  );

/** What an argv opens and with which format: qemu-img's input (`-f`) and its operand. */
const opened = (argv: readonly string[]): { readonly format: string; readonly target: string } | null => {
  if (argv[0] !== 'qemu-img') return null;
  const operands: string[] = [];
  let format: string | null = null;
  for (let i = 2; i < argv.length; i += 1) {
    const a = argv[i] ?? '';
    if (['-f', '-O', '-F', '-b', '-o', '-t', '-T', '-B', '-l', '-s'].includes(a)) {
      if (a === '-f') format = argv[i + 1] ?? '';
      i += 1;
    } else if (!a.startsWith('-')) operands.push(a);
  }
  const target = operands[0];
  return format === null || target === undefined ? null : { format, target };
};

/** A disk as an argv names it. */
const qemuName = (d: DiskInfo): string =>
  d.address.kind === 'file' ? d.address.path : d.address.kind === 'lv' ? `/dev/${d.address.vg}/${d.address.lv}` : `rbd:${d.address.pool}/${d.address.image}`;

describe('an instance the classic driver made, first touched after any history of options and disk.info', () => {
  it('is never opened as a format it does not hold; its records describe its disks, a refused disk is left untouched, and complete facts always derive', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, async ({ made, now, disks, diskInfo }) => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: HISTORY_OPTIONS[made] }] });
        const legacy: LegacyDisk[] = DISKS.map((d, i) => {
          const { format, content } = disks[i] ?? { format: 'raw', content: { kind: 'benign' } };
          return { ...d, format, content: format === 'raw' ? content : { kind: 'benign' } };
        });
        const dir = `${INSTANCES_PATH}/${VM}`;
        const block = HISTORY_OPTIONS[made].imagesType === 'lvm' || HISTORY_OPTIONS[made].imagesType === 'rbd';
        await seedLegacy(f, {
          instance: VM,
          host: 'a',
          disks: legacy,
          diskInfo: typeof diskInfo === 'string' ? diskInfo
            // The classic driver wrote entries for file disks only.
            : Object.fromEntries(block ? [] : legacy.filter((d) => diskInfo.includes(d.disk)).map((d) => [`${dir}/${novaFileName(d.disk)}`, d.format])),
        });
        f.reconfigure('a', HISTORY_OPTIONS[now]);
        const held = new Map(f.cluster.disks().map((d) => [qemuName(d), d]));
        const mark = f.mark();
        const r = await f.lifecycle().hardReboot(VM)();
        const commands = f.commandsSince(mark);
        // Opened only as what it is.
        const misread = commands.flatMap((c) => {
          const o = opened(c.argv);
          const d = o === null ? undefined : held.get(o.target);
          return o === null || d === undefined || d.containerFormat === o.format ? [] : [`${c.argv.join(' ')}: the disk holds ${d.containerFormat}`];
        });
        expect(misread, `opened as a format it does not hold (${outcome(r)})`).toEqual([]);
        // Records match their disks; disks without one (refused) are not this check's; no probe, no leak.
        expect(await f.violations({ unowned: () => true })).toEqual([]);
        // A refusal writes nothing.
        if (E.isLeft(r)) expect(commands.filter((c) => writeTargetOf(c.argv) !== null).map((c) => c.argv.join(' '))).toEqual([]);
        // The facts the classic driver left, under the options it ran with, are enough: each disk is derived as it was made.
        if (now === made && diskInfo === 'written') {
          expect(outcome(r)).toBe('ok');
          const derived = [...(await f.records(VM))].map(([disk, m]) => [disk, m === null ? null : `${m.backend}/${m.format}`]);
          expect(Object.fromEntries(derived)).toEqual(Object.fromEntries(legacy.map((d) => [d.disk, `${CLASSIC_BACKEND[made]}/${d.format}`])));
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
