import { encodeDiskMetadata, type DiskMetadata, type DiskName, type InstanceId } from '@disk-ledger/domain';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { BIGGER, IMAGES } from '../composition/testing/catalogue.js';
import { FakeFleet, INSTANCES_PATH } from '../composition/testing/fake-fleet.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { writeTargetOf } from '../testing/command-scan.js';
import { img, vm } from '../testing/names.js';
import type { InstanceLifecycle } from './instance-lifecycle.js';

const SEED = 0x7a3be7;
const VM = vm('vm1');
// vm1_2's volumes start with "vm1_" too: a victim whose name a prefix check alone would take for vm1's.
const VICTIMS = [vm('vm2'), vm('vm1_2')] as const;

/** How a writer with database access rewrites one record of the instance. */
type Tamper = 'victim-disk' | 'host-file' | 'walks-out' | 'newer-major' | 'negative-size' | 'unknown-key';
// A location that walks out (`..`) is the codec's to refuse: such a record does not decode.
const LOCATION_TAMPERS: readonly Tamper[] = ['victim-disk', 'host-file'];

/** The record's text once tampered with; the victim's root tells where another instance's disk is. */
const tampered = (meta: DiskMetadata, how: Tamper, victim: InstanceId, victimRoot: DiskMetadata): string => {
  const file = meta.backend !== 'lvm' && meta.backend !== 'rbd';
  switch (how) {
    case 'victim-disk': {
      const location = victimRoot.backend === 'lvm' || victimRoot.backend === 'rbd' ? victimRoot.location : `${INSTANCES_PATH}/${victim}/${victimRoot.location ?? 'disk'}`;
      return encodeDiskMetadata({ ...meta, backend: victimRoot.backend, format: victimRoot.format, location });
    }
    case 'host-file':
      return encodeDiskMetadata({ ...meta, backend: file ? meta.backend : 'flat', format: file ? meta.format : 'raw', location: '/etc/shadow' });
    case 'walks-out':
      return encodeDiskMetadata(meta).replace(/"location":(null|"[^"]*")/, `"location":"../${victim}/disk"`);
    case 'newer-major':
      return encodeDiskMetadata(meta).replace('"nova_object.version":"1.1"', '"nova_object.version":"2.0"');
    case 'negative-size':
      return encodeDiskMetadata(meta).replace(/"size":[0-9]+/, '"size":-1');
    case 'unknown-key':
      return encodeDiskMetadata(meta).replace('"nova_object.data":{', '"nova_object.data":{"backing_file":"/etc/shadow",');
  }
};

type Op = 'records' | 'hardReboot' | 'resize' | 'rescue' | 'snapshot' | 'shelve' | 'rebuild' | 'convert';
const OPS: Readonly<Record<Op, (l: InstanceLifecycle) => Promise<E.Either<{ readonly code: string; readonly path?: string }, unknown>>>> = {
  records: (l) => l.records(VM)(),
  hardReboot: (l) => l.hardReboot(VM)(),
  resize: (l) => l.move(VM, 'b', 'resize', BIGGER)(),
  rescue: (l) => l.rescue(VM, img(IMAGES.raw))(),
  snapshot: (l) => l.snapshot(VM, 'snap-1')(),
  shelve: (l) => l.shelve(VM)(),
  rebuild: (l) => l.rebuild(VM, img(IMAGES.raw))(),
  convert: (l) => l.convert(VM, 'swap', 'flat', 'raw')(),
};

const caseArb = fc.record({
  options: fc.constantFrom<OptionsName>(...BACKEND_OPTIONS),
  victim: fc.constantFrom(...VICTIMS),
  disk: fc.constantFrom<DiskName>('root', 'ephemeral0', 'swap'),
  how: fc.constantFrom<Tamper>('victim-disk', 'host-file', 'walks-out', 'newer-major', 'negative-size', 'unknown-key'),
  op: fc.constantFrom<Op>(...(Object.keys(OPS) as Op[])),
});

describe('a record tampered with in the database (another writer, a hostile row)', () => {
  it('is refused by every operation before any disk is written, and a delete removes the instance without touching what it names', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ options, victim, disk, how, op }) => {
        const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[options] }, { name: 'b', options: OPTIONS[options] }] });
        await f.boot(VM, 'a');
        await f.boot(victim, 'a');
        const victimRoot = (await f.records(victim)).get('root');
        const mine = (await f.records(VM)).get(disk);
        if (victimRoot == null || mine == null) throw new Error('both instances were booted with records');
        expect(E.isRight(await f.store.saveRecords(VM, [{ disk, driverInfo: tampered(mine, how, victim, victimRoot) }])())).toBe(true);
        const theirs = (): string[] => f.cluster.disks().filter((d) => d.location.includes(`/${victim}/`) || d.location.includes(`/${victim}_disk`)).map((d) => d.location).sort();
        const held = theirs();
        const mark = f.mark();
        const r = await OPS[op](f.lifecycle());
        // A location names the disk's field; a record that does not decode names its row (`block_device_mapping[id].driver_info`).
        if (LOCATION_TAMPERS.includes(how)) expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['INVALID_NAME', `${VM}/${disk}.location`]);
        else expect(E.isLeft(r) && [r.left.code, /driver_info$/.test(r.left.path ?? '')]).toEqual(['RECORD_UNREADABLE', true]);
        expect(f.commandsSince(mark).filter((c) => writeTargetOf(c.argv) !== null).map((c) => c.argv.join(' '))).toEqual([]);
        expect(E.isRight(await f.lifecycle().delete(VM)())).toBe(true);
        expect(theirs()).toEqual(held);
        expect(f.cluster.probes()).toEqual([]);
        expect(f.cluster.leaks()).toEqual([]);
        expect(E.isRight(await f.lifecycle().hardReboot(victim)())).toBe(true);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
