import { HOSTILE_KINDS, planDisk, type DiskMetadata, type DiskName, type DiskRequest, type ImageId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { BIGGER } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { sees } from '../composition/testing/markers.js';
import { allProblems, outcome } from '../composition/testing/observe.js';
import { OPTION_NAMES, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { vm } from '../testing/names.js';

const VM = vm('vm1');

/** What a new disk of this role gets on a host with these options: the layout an explicit conversion lands on. */
const freshLayout = (dst: OptionsName, disk: DiskName, from: DiskMetadata): string => {
  const f = new FakeFleet({ hosts: [{ name: 'x', options: OPTIONS[dst] }] });
  const image = { id: (from.imageId ?? 'none') as ImageId, diskFormat: from.imageFormat ?? 'raw', virtualSize: null };
  const request: DiskRequest =
    disk === 'root' ? { disk, image, flavorSize: from.size } : disk === 'config' ? { disk, files: [] } : disk === 'swap' ? { disk, size: from.size } : { disk: 'ephemeral0', size: from.size };
  const plan = planDisk(f.host('x').ctx.options, VM, request);
  return E.isRight(plan) ? `${plan.right.backend}/${plan.right.format}@${plan.right.location}` : plan.left.code;
};

/** Whether the destination can keep a disk of this layout: files anywhere, lvm with the same volume group, rbd in the same pool. */
const honoured = (dst: OptionsName, from: DiskMetadata): boolean => {
  const o = OPTIONS[dst];
  if (from.backend === 'lvm') return 'imagesVolumeGroup' in o && from.location?.startsWith(`${o.imagesVolumeGroup}/`) === true;
  if (from.backend === 'rbd') return 'imagesRbdPool' in o && from.location?.startsWith(`${o.imagesRbdPool}/`) === true;
  return true;
};

const layout = (m: DiskMetadata | null | undefined): string => (m === null || m === undefined ? '-' : `${m.backend}/${m.format}@${m.location ?? '-'}`);

describe('move between hosts of different options', () => {
  let n = 0;
  for (const kind of ['resize', 'live-migrate'] as const) {
    describe(`when ${kind === 'resize' ? 'resizing' : 'live-migrating'}`, () => {
      for (const src of OPTION_NAMES) {
        for (const dst of OPTION_NAMES) {
          const hostile = HOSTILE_KINDS[n % HOSTILE_KINDS.length] ?? 'qcow2-backing-host-file';
          n += 1;
          it(`${src} → ${dst}: honours each layout or converts it explicitly, keeps the data (guest planted ${hostile})`, async () => {
            const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[src] }, { name: 'b', options: OPTIONS[dst] }] });
            await f.boot(VM, 'a');
            const markers = await writeBenign(f, VM);
            const before = await f.records(VM);
            // The hostile header goes at offset 0; the benign data written before stays behind it.
            await plantHostile(f, VM, hostile);
            const r = await f.lifecycle().move(VM, 'b', kind, kind === 'resize' ? BIGGER : undefined)();
            expect(outcome(r)).toBe('ok');
            expect(await f.hostOf(VM)).toBe('b');
            const after = await f.records(VM);
            for (const [disk, from] of before) {
              if (from === null) continue;
              const expected = honoured(dst, from) ? layout(from) : freshLayout(dst, disk, from);
              expect(`${disk} ${layout(after.get(disk))}`).toBe(`${disk} ${expected}`);
            }
            for (const disk of ['root', 'ephemeral0'] as const) expect(await sees(f, VM, disk, markers.get(disk) ?? '')).toBe(true);
            expect(await allProblems(f)).toEqual([]);
          });
        }
      }
    });
  }
});
