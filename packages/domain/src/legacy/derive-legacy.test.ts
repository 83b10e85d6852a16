import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiskName } from '../disk/disk-role.js';
import { hostStorageOptions, type HostStorageOptionsInput } from '../layout/host-options.js';
import type { HostPath, InstanceId } from '../names/safe-names.js';
import { decodeDiskInfo, encodeDiskInfo, type DiskInfo, type DiskInfoFormat } from './disk-info.js';
import { deriveLegacyLayout } from './derive-legacy.js';

const dir = '/var/lib/nova/instances/vm1' as HostPath;
const info = (entries: Record<string, DiskInfoFormat>): DiskInfo => new Map(Object.entries(entries).map(([k, v]) => [`${dir}/${k}`, v]));

const derive = (input: HostStorageOptionsInput, disk: DiskName, diskInfo: DiskInfo | null) => {
  const options = hostStorageOptions({ imagesVolumeGroup: 'vg0', imagesRbdPool: 'pool0', ...input });
  if (E.isLeft(options)) throw new Error(options.left.message);
  const r = deriveLegacyLayout({ options: options.right, instance: 'vm1' as InstanceId, instanceDir: dir, diskInfo, disk });
  return E.isLeft(r) ? r.left.code : `${r.right.backend}/${r.right.format}@${r.right.location}`;
};

describe('deriveLegacyLayout', () => {
  describe('when the facts agree', () => {
    it('derives qcow2 for the qcow2 backend', () => {
      expect(derive({ imagesType: 'default' }, 'root', info({ disk: 'qcow2' }))).toBe('qcow2/qcow2@disk');
      expect(derive({ imagesType: 'qcow2' }, 'swap', null)).toBe('qcow2/qcow2@disk.swap');
    });
    it('takes the flat format from disk.info', () => {
      expect(derive({ imagesType: 'raw' }, 'root', info({ disk: 'raw' }))).toBe('flat/raw@disk');
      expect(derive({ imagesType: 'flat' }, 'root', info({ disk: 'qcow2' }))).toBe('flat/qcow2@disk');
    });
    it('reads nova file names, with disk.local for an older first ephemeral', () => {
      expect(derive({ imagesType: 'raw' }, 'ephemeral0', info({ 'disk.eph0': 'raw' }))).toBe('flat/raw@disk.eph0');
      expect(derive({ imagesType: 'raw' }, 'ephemeral0', info({ 'disk.local': 'raw' }))).toBe('flat/raw@disk.local');
      expect(derive({ imagesType: 'raw' }, 'ephemeral1', info({ 'disk.eph1': 'qcow2' }))).toBe('flat/qcow2@disk.eph1');
      expect(derive({ imagesType: 'raw' }, 'swap', info({ 'disk.swap': 'raw' }))).toBe('flat/raw@disk.swap');
    });
    it('derives raw for lvm and rbd, ploop for ploop', () => {
      expect(derive({ imagesType: 'lvm' }, 'root', null)).toBe('lvm/raw@vg0/vm1_disk');
      expect(derive({ imagesType: 'rbd' }, 'ephemeral0', info({ 'disk.local': 'raw' }))).toBe('rbd/raw@pool0/vm1_disk.local');
      expect(derive({ imagesType: 'ploop' }, 'root', null)).toBe('ploop/ploop@disk');
    });
    it('keeps a raw file raw on a host moved to qcow2, as nova opens it by its disk.info entry', () => {
      expect(derive({ imagesType: 'qcow2' }, 'root', info({ disk: 'raw' }))).toBe('flat/raw@disk');
      expect(derive({ imagesType: 'default', useCowImages: true }, 'ephemeral0', info({ 'disk.local': 'raw' }))).toBe('flat/raw@disk.local');
      expect(derive({ imagesType: 'qcow2' }, 'root', info({ disk: 'qcow2' }))).toBe('qcow2/qcow2@disk');
    });
    it('derives config drives as flat raw, or rbd on an rbd host', () => {
      expect(derive({ imagesType: 'qcow2' }, 'config', null)).toBe('flat/raw@disk.config');
      expect(derive({ imagesType: 'rbd' }, 'config', null)).toBe('rbd/raw@pool0/vm1_disk.config');
      expect(derive({ imagesType: 'lvm' }, 'kernel', null)).toBe('flat/raw@kernel');
    });
  });

  describe('when facts are missing or contradict', () => {
    it('refuses a flat disk without a disk.info entry', () => {
      expect(derive({ imagesType: 'raw' }, 'root', null)).toBe('LEGACY_FACTS_MISSING');
      expect(derive({ imagesType: 'raw' }, 'root', info({ 'disk.eph0': 'raw' }))).toBe('LEGACY_FACTS_MISSING');
    });
    it('refuses disk.info saying qcow2 for an lvm or rbd disk', () => {
      expect(derive({ imagesType: 'lvm' }, 'root', info({ disk: 'qcow2' }))).toBe('LEGACY_FACTS_CONTRADICT');
      expect(derive({ imagesType: 'rbd' }, 'root', info({ disk: 'qcow2' }))).toBe('LEGACY_FACTS_CONTRADICT');
      expect(derive({ imagesType: 'raw' }, 'root', info({ disk: 'ploop' }))).toBe('LEGACY_FACTS_CONTRADICT');
      expect(derive({ imagesType: 'qcow2' }, 'config', info({ 'disk.config': 'qcow2' }))).toBe('LEGACY_FACTS_CONTRADICT');
    });
  });

  it('is a function of the facts alone (same facts, same answer)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('default', 'raw', 'qcow2', 'lvm', 'rbd', 'ploop' as const),
        fc.boolean(),
        fc.constantFrom<DiskName>('root', 'ephemeral0', 'swap', 'config', 'kernel'),
        fc.option(fc.constantFrom<DiskInfoFormat>('raw', 'qcow2', 'ploop'), { nil: null }),
        (imagesType, useCowImages, disk, fmt) => {
          const di = fmt === null ? null : info({ disk: fmt, 'disk.eph0': fmt, 'disk.swap': fmt, 'disk.config': fmt, kernel: fmt });
          expect(derive({ imagesType, useCowImages }, disk, di)).toBe(derive({ imagesType, useCowImages }, disk, di));
        },
      ),
      { seed: 4242 },
    );
  });
});

describe('decodeDiskInfo', () => {
  it('reads nova’s one-line JSON and writes it back', () => {
    const text = '{"/var/lib/nova/instances/vm1/disk": "qcow2", "/var/lib/nova/instances/vm1/disk.swap": "raw"}';
    const r = decodeDiskInfo(text);
    expect(E.isRight(r) && r.right.get('/var/lib/nova/instances/vm1/disk')).toBe('qcow2');
    expect(E.isRight(r) && JSON.parse(encodeDiskInfo(r.right))).toEqual(JSON.parse(text));
  });
  it('refuses malformed files instead of reading them as empty', () => {
    for (const bad of ['', '{', '[]', 'null', '"x"', '{"disk": "raw"}', '{"/a/disk": "vmdk"}', '{"/a/disk": 3}']) {
      const r = decodeDiskInfo(bad, '/x/disk.info');
      expect(E.isLeft(r) && r.left.code, bad).toBe('DISK_INFO_CORRUPT');
    }
  });
  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (s) => { expect(() => decodeDiskInfo(s)).not.toThrow(); }), { seed: 7 });
  });
});
