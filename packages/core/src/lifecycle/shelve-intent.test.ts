import type { DiskMetadata, DiskName } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { img, vm } from '../testing/names.js';
import { encodeMigration } from './migration-record.js';
import { decodePending, encodeShelveIntent, type ShelveIntent, type ShelveStatus } from './shelve-intent.js';

const VM = vm('vm1');
const GiB = 1024 ** 3;
const ROOT: DiskMetadata = { backend: 'qcow2', format: 'qcow2', size: GiB, location: null, imageId: img('img-1'), imageFormat: 'qcow2', provenance: 'created', state: 'ready' };
const SWAP: DiskMetadata = { backend: 'lvm', format: 'raw', size: GiB / 4, location: 'vg0/vm1_disk.swap', imageId: null, imageFormat: null, provenance: 'derived', state: 'ready' };

const intent = (records: ReadonlyMap<DiskName, DiskMetadata>, image: string | null = 'vm1-shelved', status: ShelveStatus = 'shelving'): ShelveIntent => ({
  host: 'h1', image: image === null ? null : img(image), status, records,
});

/** The stored text with one field replaced. */
const withField = (key: string, value: unknown): string => JSON.stringify({ ...(JSON.parse(encodeShelveIntent(intent(new Map([['root', ROOT]])))) as object), [key]: value });

describe('shelve intent', () => {
  it('decodes what it encodes, for any subset of the disks, with or without an image, in every status', () => {
    const disks: readonly [DiskName, DiskMetadata][] = [['root', ROOT], ['swap', SWAP], ['ephemeral0', { ...SWAP, location: 'vg0/vm1_disk.eph0' }], ['config', { ...SWAP, size: 64 * 1024 ** 2 }]];
    fc.assert(
      fc.property(fc.subarray([...disks]), fc.option(fc.constantFrom('vm1-shelved', 'vm1-shelved-7')), fc.constantFrom<ShelveStatus>('shelving', 'shelved', 'unshelving'), (chosen, image, status) => {
        const s = intent(new Map(chosen), image, status);
        const back = decodePending(VM, encodeShelveIntent(s));
        expect(back).toEqual(E.right({ kind: 'shelve', shelve: s }));
      }),
    );
  });

  it('leaves a move to the move record', () => {
    const text = encodeMigration({ kind: 'convert', source: 'h1', destination: 'h1', status: 'running', confirm: 'auto', disks: [{ disk: 'root', action: 'copy', from: ROOT, to: { ...ROOT, backend: 'flat' } }] });
    const back = decodePending(VM, text);
    expect(E.isRight(back) && back.right.kind).toBe('move');
  });

  const bad: readonly (readonly [string, string, string])[] = [
    ['not JSON', '{"version":1,"kind":"shelve"', 'migration.'],
    ['an unknown version', withField('version', 2), 'migration.version'],
    ['no host', withField('host', ''), 'migration.host'],
    ['an image that is no image id', withField('image', '../etc'), 'migration.image'],
    ['an unknown status', withField('status', 'done'), 'migration.status'],
    ['disks that are no array', withField('disks', {}), 'migration.disks'],
    ['a disk that is no role', withField('disks', [{ disk: 'disk.local', record: '{}' }]), 'migration.disks[0].disk'],
    ['a disk named twice', withField('disks', [JSON.parse(encodeShelveIntent(intent(new Map([['root', ROOT]])))).disks[0], JSON.parse(encodeShelveIntent(intent(new Map([['root', ROOT]])))).disks[0]]), 'migration.disks[1].disk'],
    ['a record that does not decode', withField('disks', [{ disk: 'root', record: '{"v":9}' }]), 'migration.disks[0].record'],
  ];
  for (const [what, text, path] of bad) {
    it(`is MIGRATION_UNREADABLE naming the field for ${what}`, () => {
      const r = decodePending(VM, text);
      expect(E.isLeft(r) && r.left).toMatchObject({ code: 'MIGRATION_UNREADABLE', instance: VM, path });
    });
  }
});
