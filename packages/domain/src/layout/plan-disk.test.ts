import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { ImageFormat } from '../disk/vocabulary.js';
import type { ImageId, InstanceId } from '../names/safe-names.js';
import type { DiskRequest, ImageFacts } from './disk-plan.js';
import { hostStorageOptions, type HostStorageOptionsInput, type ImagesType } from './host-options.js';
import { CONFIG_DRIVE_SIZE, planDisk } from './plan-disk.js';

const GiB = 1024 ** 3;
const vm = 'vm1' as InstanceId;
const image = (diskFormat: ImageFormat, virtualSize: number | null = GiB): ImageFacts => ({ id: 'img-1' as ImageId, diskFormat, virtualSize });

const plan = (input: HostStorageOptionsInput, request: DiskRequest) => {
  const options = hostStorageOptions({ imagesVolumeGroup: 'vg0', imagesRbdPool: 'pool0', ...input });
  if (E.isLeft(options)) throw new Error(options.left.message);
  return planDisk(options.right, vm, request);
};

type Row = readonly [ImagesType, boolean, string, string, string, string];
// images_type, use_cow_images → backend; root format for: raw image, qcow2 image with
// force_raw_images=True, qcow2 image with force_raw_images=False ('ERR' = typed error).
const ROOT_TABLE: readonly Row[] = [
  ['default', true, 'qcow2', 'qcow2', 'qcow2', 'qcow2'],
  ['default', false, 'flat', 'raw', 'raw', 'qcow2'],
  ['raw', true, 'flat', 'raw', 'raw', 'qcow2'],
  ['raw', false, 'flat', 'raw', 'raw', 'qcow2'],
  ['flat', true, 'flat', 'raw', 'raw', 'qcow2'],
  ['flat', false, 'flat', 'raw', 'raw', 'qcow2'],
  ['qcow2', true, 'qcow2', 'qcow2', 'qcow2', 'qcow2'],
  ['qcow2', false, 'qcow2', 'qcow2', 'qcow2', 'qcow2'],
  ['lvm', true, 'lvm', 'raw', 'raw', 'ERR'],
  ['lvm', false, 'lvm', 'raw', 'raw', 'ERR'],
  ['rbd', true, 'rbd', 'raw', 'raw', 'ERR'],
  ['rbd', false, 'rbd', 'raw', 'raw', 'ERR'],
  ['ploop', true, 'ploop', 'ploop', 'ploop', 'ploop'],
  ['ploop', false, 'ploop', 'ploop', 'ploop', 'ploop'],
];

const outcome = (r: ReturnType<typeof plan>): string => (E.isLeft(r) ? 'ERR' : `${r.right.backend}/${r.right.format}`);

describe('planDisk', () => {
  describe('when placing a root disk from an image', () => {
    for (const [imagesType, useCow, backend, raw, qcowForced, qcowKept] of ROOT_TABLE) {
      it(`${imagesType} use_cow_images=${useCow} → ${backend}`, () => {
        const at = (diskFormat: ImageFormat, forceRawImages: boolean) =>
          outcome(plan({ imagesType, useCowImages: useCow, forceRawImages }, { disk: 'root', image: image(diskFormat), flavorSize: 2 * GiB }));
        expect(at('raw', true)).toBe(`${backend}/${raw}`);
        expect(at('raw', false)).toBe(`${backend}/${raw}`);
        expect(at('qcow2', true)).toBe(`${backend}/${qcowForced}`);
        expect(at('qcow2', false)).toBe(qcowKept === 'ERR' ? 'ERR' : `${backend}/${qcowKept}`);
      });
    }
  });

  describe('when placing func-made and instance-level disks', () => {
    const FUNC_FORMAT: Record<string, string> = { default: 'qcow2/qcow2', raw: 'flat/raw', flat: 'flat/raw', qcow2: 'qcow2/qcow2', lvm: 'lvm/raw', rbd: 'rbd/raw', ploop: 'ploop/ploop' };
    for (const imagesType of Object.keys(FUNC_FORMAT) as ImagesType[]) {
      for (const forceRawImages of [true, false]) {
        it(`${imagesType} force_raw_images=${forceRawImages}: ephemeral and swap follow the backend, config and kernel stay flat raw`, () => {
          const o = { imagesType, forceRawImages };
          expect(outcome(plan(o, { disk: 'ephemeral0', size: GiB }))).toBe(FUNC_FORMAT[imagesType]);
          expect(outcome(plan(o, { disk: 'swap', size: GiB / 2 }))).toBe(FUNC_FORMAT[imagesType]);
          expect(outcome(plan(o, { disk: 'config', files: [] }))).toBe(imagesType === 'rbd' ? 'rbd/raw' : 'flat/raw');
          expect(outcome(plan(o, { disk: 'kernel', image: image('aki') }))).toBe('flat/raw');
          expect(outcome(plan(o, { disk: 'ramdisk', image: image('ari') }))).toBe('flat/raw');
        });
      }
    }
  });

  describe('when sizing', () => {
    it('takes the flavor size, or the image virtual size when the flavor says 0', () => {
      const a = plan({}, { disk: 'root', image: image('qcow2', GiB), flavorSize: 5 * GiB });
      const b = plan({}, { disk: 'root', image: image('qcow2', GiB), flavorSize: 0 });
      expect(E.isRight(a) && a.right.size).toBe(5 * GiB);
      expect(E.isRight(b) && b.right.size).toBe(GiB);
    });
    it('refuses an image larger than the flavor root disk', () => {
      const r = plan({}, { disk: 'root', image: image('raw', 3 * GiB), flavorSize: GiB });
      expect(E.isLeft(r) && r.left.code).toBe('IMAGE_TOO_LARGE');
    });
    it('refuses a size it cannot know in advance', () => {
      const r = plan({}, { disk: 'root', image: image('raw', null), flavorSize: 0 });
      expect(E.isLeft(r) && r.left.code).toBe('SIZE_UNKNOWN');
    });
    it('refuses zero, negative and fractional sizes', () => {
      for (const size of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2]) {
        const r = plan({}, { disk: 'swap', size });
        expect(E.isLeft(r) && r.left.code).toBe('INVALID_SIZE');
      }
    });
    it('refuses a swap smaller than mkswap makes, before anything records it', () => {
      const r = plan({}, { disk: 'swap', size: 16 * 1024 });
      expect(E.isLeft(r) && [r.left.code, r.left.path, r.left.message]).toEqual(['INVALID_SIZE', 'flavor.swap', expect.stringContaining('mkswap needs at least 40960 bytes')]);
      expect(E.isRight(plan({}, { disk: 'swap', size: 40 * 1024 }))).toBe(true);
    });
    it('refuses an ephemeral disk smaller than mkfs makes a file system in', () => {
      const r = plan({}, { disk: 'ephemeral0', size: 100 * 1024 });
      expect(E.isLeft(r) && [r.left.code, r.left.path, r.left.message]).toEqual(['INVALID_SIZE', 'flavor.ephemeral0', expect.stringContaining('mkfs -t ext4 needs at least 131072 bytes')]);
      expect(E.isRight(plan({}, { disk: 'ephemeral0', size: 128 * 1024 }))).toBe(true);
    });
    it('gives config drives a fixed size', () => {
      const r = plan({}, { disk: 'config', files: [] });
      expect(E.isRight(r) && r.right.size).toBe(CONFIG_DRIVE_SIZE);
    });
  });

  describe('when naming locations', () => {
    it('uses nova file names for files, vg/<instance>_<file> for lvm, pool/<instance>_<file> for rbd', () => {
      const loc = (imagesType: ImagesType, disk: DiskRequest) => {
        const r = plan({ imagesType }, disk);
        return E.isRight(r) ? r.right.location : r.left.code;
      };
      expect(loc('raw', { disk: 'root', image: image('raw'), flavorSize: GiB })).toBe('disk');
      expect(loc('qcow2', { disk: 'ephemeral1', size: GiB })).toBe('disk.eph1');
      expect(loc('lvm', { disk: 'swap', size: GiB })).toBe('vg0/vm1_disk.swap');
      expect(loc('rbd', { disk: 'config', files: [] })).toBe('pool0/vm1_disk.config');
      expect(loc('lvm', { disk: 'config', files: [] })).toBe('disk.config');
    });
  });

  describe('when options are inconsistent', () => {
    it('refuses lvm without a volume group and rbd without a pool', () => {
      const lvm = hostStorageOptions({ imagesType: 'lvm' });
      const rbd = hostStorageOptions({ imagesType: 'rbd', imagesRbdPool: '' });
      expect(E.isLeft(lvm) && lvm.left.path).toBe('images_volume_group');
      expect(E.isLeft(rbd) && rbd.left.path).toBe('images_rbd_pool');
    });
    it('refuses a volume group name that could escape into a path', () => {
      const r = hostStorageOptions({ imagesType: 'lvm', imagesVolumeGroup: '../etc' });
      expect(E.isLeft(r) && r.left.code).toBe('OPTIONS_INCONSISTENT');
    });
  });

  describe('when the image format cannot be placed', () => {
    it('refuses vhd, vhdx and vdi images', () => {
      for (const f of ['vhd', 'vhdx', 'vdi'] as const) {
        const r = plan({}, { disk: 'root', image: image(f), flavorSize: GiB });
        expect(E.isLeft(r) && r.left.code).toBe('IMAGE_FORMAT_UNSUPPORTED');
      }
    });
  });
});
