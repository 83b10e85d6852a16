import { fc, it } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect } from 'vitest';
import type { ImageFormat } from '../disk/vocabulary.js';
import { benignBytes } from '../content/benign-bytes.js';
import { utf8, viewOf } from '../content/bytes.js';
import { hostileBytes } from '../content/hostile-bytes.js';
import { QCOW2_FIELD, VMDK4_FIELD } from '../content/image-headers.js';
import { qcow2Header } from '../content/qcow2-image.js';
import { vmdkDescriptorText, vmdkSparseImage } from '../content/vmdk-image.js';
import {
  anyHeadArb,
  cleanQcow2HeadArb,
  declaredFormatArb,
  foreignHeadArb,
  qemuImgInfoArb,
  rawLikeFormatArb,
} from '../testing/content-arbitraries.js';
import { REJECTION_REASONS, type RejectionReason } from './image-rejected.js';
import type { QemuImgInfo } from './qemu-img-info.js';
import { VERIFY_HEAD_BYTES, baseFormatOf, needsQemuInfo, verifyImage, type VerifyImageInput } from './verify-image.js';

const SEED = 0x7e51;
const MiB = 1024 ** 2;
const F = QCOW2_FIELD;

// ---- heads

const headOf = (image: Uint8Array): Uint8Array => image.subarray(0, VERIFY_HEAD_BYTES);
const edited = (image: Uint8Array, edit: (view: DataView, bytes: Uint8Array) => void): Uint8Array => {
  const copy = headOf(image).slice();
  edit(viewOf(copy), copy);
  return copy;
};
const qcow2 = headOf(qcow2Header({ virtualSize: MiB }));
const qcow2With = (edit: (view: DataView, bytes: Uint8Array) => void): Uint8Array => edited(qcow2, edit);
const vmdk = (options: Partial<Parameters<typeof vmdkSparseImage>[0]> = {}): Uint8Array => headOf(vmdkSparseImage({ virtualSize: MiB, ...options }));
/** A sparse vmdk whose embedded descriptor is exactly `text`. */
const vmdkWithDescriptor = (text: string): Uint8Array =>
  edited(vmdkSparseImage({ virtualSize: MiB }), (_, b) => {
    b.fill(0, 512, 512 * 21);
    b.set(utf8(text), 512);
  });
const hostile = (kind: Parameters<typeof hostileBytes>[0]): Uint8Array => headOf(hostileBytes(kind, '/etc/shadow', MiB));

// ---- infos

const qcow2Info = (over: Partial<QemuImgInfo> = {}, data: Record<string, unknown> = {}): QemuImgInfo => ({
  format: 'qcow2',
  'virtual-size': MiB,
  filename: '/base/x.part',
  'format-specific': { type: 'qcow2', data: { compat: '1.1', corrupt: false, ...data } },
  ...over,
});
const vmdkInfo = (over: Partial<QemuImgInfo> = {}, createType = 'monolithicSparse', extents = ['/base/x.part']): QemuImgInfo => ({
  format: 'vmdk',
  'virtual-size': MiB,
  filename: '/base/x.part',
  'format-specific': { type: 'vmdk', data: { 'create-type': createType, extents: extents.map((filename) => ({ filename })) } },
  ...over,
});
const rawInfo = (over: Partial<QemuImgInfo> = {}): QemuImgInfo => ({ format: 'raw', 'virtual-size': MiB, ...over });

const input = (declared: ImageFormat, head: Uint8Array, info: QemuImgInfo | null, allowVmdk = true): VerifyImageInput => ({
  imageId: 'img-1',
  declared,
  head,
  info,
  allowVmdk,
});
const verdict = (i: VerifyImageInput): string => {
  const r = verifyImage(i);
  return E.isLeft(r) ? r.left.reason : `accepted as ${r.right.baseFormat}${r.right.convertFrom === null ? '' : ` from ${r.right.convertFrom}`}`;
};

// ---- rejections: one row per check, every reason at least once

const REJECTIONS: readonly (readonly [string, VerifyImageInput, RejectionReason])[] = [
  ['a qcow2 head shorter than a header', input('qcow2', qcow2.subarray(0, 60), qcow2Info()), 'HEAD_TRUNCATED'],
  ['a v3 qcow2 head shorter than the v3 fields', input('qcow2', qcow2.subarray(0, 90), qcow2Info()), 'HEAD_TRUNCATED'],
  ['a qcow2 head ending inside the extensions', input('qcow2', qcow2.subarray(0, 112), qcow2Info()), 'HEAD_TRUNCATED'],
  ['a vmdk head shorter than a sparse header', input('vmdk', vmdk().subarray(0, 60), vmdkInfo()), 'HEAD_TRUNCATED'],
  ['a vmdk head ending inside the descriptor', input('vmdk', vmdk().subarray(0, 2048), vmdkInfo()), 'HEAD_TRUNCATED'],
  ['declared qcow2, benign bytes', input('qcow2', benignBytes('m'), qcow2Info()), 'QCOW2_BAD_MAGIC'],
  ['declared qcow2, a vmdk', input('qcow2', vmdk(), qcow2Info()), 'QCOW2_BAD_MAGIC'],
  ['declared qcow2, empty', input('qcow2', new Uint8Array(0), qcow2Info()), 'QCOW2_BAD_MAGIC'],
  ['qcow2 version 1', input('qcow2', qcow2With((v) => v.setUint32(F.version, 1)), qcow2Info()), 'QCOW2_BAD_VERSION'],
  ['qcow2 version 4', input('qcow2', qcow2With((v) => v.setUint32(F.version, 4)), qcow2Info()), 'QCOW2_BAD_VERSION'],
  ['qcow2 cluster_bits 8', input('qcow2', qcow2With((v) => v.setUint32(F.clusterBits, 8)), qcow2Info()), 'QCOW2_BAD_HEADER'],
  ['qcow2 cluster_bits 22', input('qcow2', qcow2With((v) => v.setUint32(F.clusterBits, 22)), qcow2Info()), 'QCOW2_BAD_HEADER'],
  ['qcow2 header_length 96', input('qcow2', qcow2With((v) => v.setUint32(F.headerLength, 96)), qcow2Info()), 'QCOW2_BAD_HEADER'],
  ['qcow2 header_length past the cluster', input('qcow2', qcow2With((v) => v.setUint32(F.headerLength, 65544)), qcow2Info()), 'QCOW2_BAD_HEADER'],
  [
    'a qcow2 extension overrunning the cluster',
    input('qcow2', qcow2With((v) => (v.setUint32(112, 0x12345678), v.setUint32(116, 65536))), qcow2Info()),
    'QCOW2_BAD_HEADER',
  ],
  ['qcow2 with a backing file, no format', input('qcow2', hostile('qcow2-backing-host-file'), qcow2Info()), 'QCOW2_BACKING_FILE'],
  ['qcow2 with a backing file and format', input('qcow2', hostile('qcow2-backing-host-file-fmt'), qcow2Info()), 'QCOW2_BACKING_FILE'],
  ['qcow2 with only a backing name size', input('qcow2', qcow2With((v) => v.setUint32(F.backingFileSize, 4)), qcow2Info()), 'QCOW2_BACKING_FILE'],
  ['a clean qcow2 head whose info has a backing file', input('qcow2', qcow2, qcow2Info({ 'backing-filename': '/etc/shadow' })), 'QCOW2_BACKING_FILE'],
  ['a clean qcow2 head whose info has a backing chain', input('qcow2', qcow2, qcow2Info({ 'backing-image': {} })), 'QCOW2_BACKING_FILE'],
  ['qcow2 with an external data file', input('qcow2', hostile('qcow2-data-file'), qcow2Info()), 'QCOW2_DATA_FILE'],
  [
    'qcow2 with a data file extension but the bit cleared',
    input('qcow2', edited(hostile('qcow2-data-file'), (v) => v.setBigUint64(F.incompatibleFeatures, 0n)), qcow2Info()),
    'QCOW2_DATA_FILE',
  ],
  ['a clean qcow2 head whose info has a data file', input('qcow2', qcow2, qcow2Info({}, { 'data-file': '/etc/shadow' })), 'QCOW2_DATA_FILE'],
  ['a clean qcow2 head whose info has data-file-raw', input('qcow2', qcow2, qcow2Info({}, { 'data-file-raw': true })), 'QCOW2_DATA_FILE'],
  ['qcow2 incompatible bit 5', input('qcow2', qcow2With((v) => v.setBigUint64(F.incompatibleFeatures, 1n << 5n)), qcow2Info()), 'QCOW2_UNKNOWN_FEATURES'],
  ['qcow2 incompatible bit 63', input('qcow2', qcow2With((v) => v.setBigUint64(F.incompatibleFeatures, 1n << 63n)), qcow2Info()), 'QCOW2_UNKNOWN_FEATURES'],
  ['qcow2 with the corrupt bit', input('qcow2', qcow2With((v) => v.setBigUint64(F.incompatibleFeatures, 2n)), qcow2Info()), 'QCOW2_CORRUPT'],
  ['a clean qcow2 head whose info says corrupt', input('qcow2', qcow2, qcow2Info({}, { corrupt: true })), 'QCOW2_CORRUPT'],
  ['qcow2 with AES encryption', input('qcow2', qcow2With((v) => v.setUint32(F.cryptMethod, 1)), qcow2Info()), 'QCOW2_ENCRYPTED'],
  ['qcow2 with a LUKS extension', input('qcow2', qcow2With((v) => v.setUint32(112, 0x0537be77)), qcow2Info()), 'QCOW2_ENCRYPTED'],
  ['a clean qcow2 head whose info says encrypted', input('qcow2', qcow2, qcow2Info({ encrypted: true })), 'QCOW2_ENCRYPTED'],
  ['a clean qcow2 head whose info has encrypt data', input('qcow2', qcow2, qcow2Info({}, { encrypt: { format: 'luks' } })), 'QCOW2_ENCRYPTED'],
  ['vmdk while vmdk is not allowed', input('vmdk', vmdk(), vmdkInfo(), false), 'VMDK_REFUSED'],
  ['a hostile flat vmdk while vmdk is not allowed', input('vmdk', hostile('vmdk-flat-extent'), null, false), 'VMDK_REFUSED'],
  ['declared vmdk, benign bytes', input('vmdk', benignBytes('m'), vmdkInfo()), 'VMDK_BAD_HEADER'],
  ['declared vmdk, an ESX COWD extent', input('vmdk', utf8('COWD'.padEnd(512, '\0')), vmdkInfo()), 'VMDK_BAD_HEADER'],
  ['a sparse vmdk of version 4', input('vmdk', edited(vmdkSparseImage({ virtualSize: MiB }), (v) => v.setUint32(VMDK4_FIELD.version, 4, true)), vmdkInfo()), 'VMDK_BAD_HEADER'],
  [
    'a sparse vmdk without an embedded descriptor',
    input('vmdk', edited(vmdkSparseImage({ virtualSize: MiB }), (v) => v.setBigUint64(VMDK4_FIELD.descriptorOffset, 0n, true)), vmdkInfo()),
    'VMDK_BAD_HEADER',
  ],
  [
    'a stand-alone descriptor with a safe create type',
    input('vmdk', utf8(vmdkDescriptorText({ createType: 'monolithicSparse', extents: [{ sectors: 2048, type: 'SPARSE', name: 'other.vmdk' }] })), vmdkInfo()),
    'VMDK_BAD_HEADER',
  ],
  ['a flat vmdk naming a host file', input('vmdk', hostile('vmdk-flat-extent'), vmdkInfo()), 'VMDK_CREATE_TYPE'],
  ['a sparse vmdk whose descriptor says vmfs', input('vmdk', vmdk({ createType: 'vmfs' }), vmdkInfo()), 'VMDK_CREATE_TYPE'],
  ['a sparse vmdk whose descriptor has no createType', input('vmdk', vmdkWithDescriptor('# Disk DescriptorFile\nversion=1\n'), vmdkInfo()), 'VMDK_CREATE_TYPE'],
  [
    'a sparse vmdk whose first createType (in a comment) is unsafe',
    input('vmdk', vmdkWithDescriptor('# createType="monolithicFlat"\ncreateType="monolithicSparse"\n'), vmdkInfo()),
    'VMDK_CREATE_TYPE',
  ],
  ['a sparse vmdk whose info says monolithicFlat', input('vmdk', vmdk(), vmdkInfo({}, 'monolithicFlat')), 'VMDK_CREATE_TYPE'],
  ['a sparse vmdk with an extent path', input('vmdk', vmdk({ extentName: '/etc/shadow' }), vmdkInfo()), 'VMDK_EXTENT_PATH'],
  ['a sparse vmdk with a relative extent path', input('vmdk', vmdk({ extentName: '../x.vmdk' }), vmdkInfo()), 'VMDK_EXTENT_PATH'],
  ['a sparse vmdk with a Windows extent path', input('vmdk', vmdk({ extentName: 'C:\\x.vmdk' }), vmdkInfo()), 'VMDK_EXTENT_PATH'],
  ['a sparse vmdk with extent ..', input('vmdk', vmdk({ extentName: '..' }), vmdkInfo()), 'VMDK_EXTENT_PATH'],
  ['a sparse vmdk whose info extent is another file', input('vmdk', vmdk(), vmdkInfo({}, 'monolithicSparse', ['/etc/shadow'])), 'VMDK_EXTENT_PATH'],
  ['a sparse vmdk whose info has two extents', input('vmdk', vmdk(), vmdkInfo({}, 'monolithicSparse', ['/base/x.part', '/base/x.part'])), 'VMDK_EXTENT_PATH'],
  ['a sparse vmdk whose info has no extent', input('vmdk', vmdk(), vmdkInfo({}, 'monolithicSparse', [])), 'VMDK_EXTENT_PATH'],
  [
    'a sparse vmdk whose info has no filename to compare',
    input('vmdk', vmdk(), { format: 'vmdk', 'virtual-size': MiB, 'format-specific': { type: 'vmdk', data: { 'create-type': 'monolithicSparse', extents: [{ filename: 'x' }] } } }),
    'VMDK_EXTENT_PATH',
  ],
  ['a sparse vmdk with a parent', input('vmdk', vmdk({ parentFileNameHint: '/etc/shadow' }), vmdkInfo()), 'VMDK_BACKING_FILE'],
  ['a sparse vmdk whose info has a backing file', input('vmdk', vmdk(), vmdkInfo({ 'backing-filename': '/p.vmdk' })), 'VMDK_BACKING_FILE'],
  ['declared qcow2, a qed image', input('qcow2', Uint8Array.of(0x51, 0x45, 0x44, 0x00, ...new Array<number>(508).fill(0)), qcow2Info()), 'QED_REFUSED'],
  ['declared raw, a qcow2 with a backing file', input('raw', hostile('raw-with-qcow2-header'), null), 'MISLABELLED_RAW'],
  ['declared raw, a clean qcow2', input('raw', qcow2, rawInfo()), 'MISLABELLED_RAW'],
  ['declared iso, a flat vmdk descriptor', input('iso', hostile('vmdk-flat-extent'), null), 'MISLABELLED_RAW'],
  ['declared ami, a sparse vmdk', input('ami', vmdk(), null), 'MISLABELLED_RAW'],
  ['declared raw, info with a backing file', input('raw', benignBytes('m'), rawInfo({ 'backing-filename': '/etc/shadow' })), 'INFO_BACKING_FILE'],
  ['declared vhd', input('vhd', benignBytes('m'), null), 'UNSUPPORTED_FORMAT'],
  ['declared vhdx', input('vhdx', benignBytes('m'), null), 'UNSUPPORTED_FORMAT'],
  ['declared vdi', input('vdi', benignBytes('m'), null), 'UNSUPPORTED_FORMAT'],
  ['declared ploop', input('ploop', benignBytes('m'), null), 'UNSUPPORTED_FORMAT'],
  ['a clean qcow2 without info', input('qcow2', qcow2, null), 'INFO_REQUIRED'],
  ['a clean sparse vmdk without info', input('vmdk', vmdk(), null), 'INFO_REQUIRED'],
  ['a clean qcow2 whose info says raw', input('qcow2', qcow2, rawInfo()), 'INFO_FORMAT_MISMATCH'],
  ['a clean qcow2 whose info has no format-specific block', input('qcow2', qcow2, rawInfo({ format: 'qcow2' })), 'INFO_FORMAT_MISMATCH'],
  ['a clean qcow2 whose info has a vmdk block', input('qcow2', qcow2, { ...vmdkInfo(), format: 'qcow2' }), 'INFO_FORMAT_MISMATCH'],
  ['a clean vmdk whose info says qcow2', input('vmdk', vmdk(), qcow2Info()), 'INFO_FORMAT_MISMATCH'],
  ['a clean vmdk whose info has a qcow2 block', input('vmdk', vmdk(), { ...qcow2Info(), format: 'vmdk' }), 'INFO_FORMAT_MISMATCH'],
  ['declared raw, info says qcow2', input('raw', benignBytes('m'), qcow2Info()), 'INFO_FORMAT_MISMATCH'],
  ['a clean qcow2 whose info states another size', input('qcow2', qcow2, qcow2Info({ 'virtual-size': 2 * MiB })), 'INFO_SIZE_MISMATCH'],
];

const ACCEPTED: readonly (readonly [string, VerifyImageInput, string])[] = [
  ['a clean qcow2 v3', input('qcow2', qcow2, qcow2Info()), 'accepted as qcow2'],
  ['a clean qcow2 v2', input('qcow2', qcow2With((v) => v.setUint32(F.version, 2)), qcow2Info()), 'accepted as qcow2'],
  ['a dirty qcow2 with lazy refcounts', input('qcow2', qcow2With((v) => v.setBigUint64(F.incompatibleFeatures, 1n)), qcow2Info()), 'accepted as qcow2'],
  ['a qcow2 with zstd and extended L2', input('qcow2', qcow2With((v) => v.setBigUint64(F.incompatibleFeatures, 0x18n)), qcow2Info()), 'accepted as qcow2'],
  [
    'a qcow2 with an unknown (ignorable) header extension',
    input('qcow2', qcow2With((v) => (v.setUint32(112, 0x12345678), v.setUint32(116, 3))), qcow2Info()),
    'accepted as qcow2',
  ],
  [
    'a qcow2 of an odd size whose info rounds down to sectors, as qemu 7.2 does',
    input('qcow2', headOf(qcow2Header({ virtualSize: MiB + 1 })), qcow2Info({ 'virtual-size': MiB })),
    'accepted as qcow2',
  ],
  ['a qcow2 head read whole (shorter than the read size)', input('qcow2', qcow2.subarray(0, 120), qcow2Info()), 'accepted as qcow2'],
  ['a monolithicSparse vmdk, allowed', input('vmdk', vmdk(), vmdkInfo()), 'accepted as raw from vmdk'],
  ['a streamOptimized vmdk, allowed', input('vmdk', vmdk({ createType: 'streamOptimized' }), vmdkInfo({}, 'streamOptimized')), 'accepted as raw from vmdk'],
  ['benign raw', input('raw', benignBytes('m'), null), 'accepted as raw'],
  ['benign raw with its info', input('raw', benignBytes('m'), rawInfo()), 'accepted as raw'],
  ['an empty raw image', input('raw', new Uint8Array(0), null), 'accepted as raw'],
  ['a raw image of zeros', input('raw', new Uint8Array(4096), null), 'accepted as raw'],
  ['an iso', input('iso', new Uint8Array(4096), null), 'accepted as raw'],
  ['an ami', input('ami', benignBytes('m'), null), 'accepted as raw'],
  ['an aki', input('aki', benignBytes('m'), null), 'accepted as raw'],
  ['an ari', input('ari', benignBytes('m'), null), 'accepted as raw'],
];

describe('verifyImage', () => {
  describe('when a check fails', () => {
    it.each(REJECTIONS)('rejects %s', (_, i, reason) => {
      const r = verifyImage(i);
      expect(r).toMatchObject({ _tag: 'Left', left: { _tag: 'ImageRejected', code: 'IMAGE_REJECTED', imageId: 'img-1', declared: i.declared, reason } });
      if (E.isLeft(r)) expect(r.left.message).toContain(`(${reason})`);
    });

    it('has a case for every rejection reason it gives', () => {
      // INFO_FAILED is the base-image cache's, when qemu-img info itself refuses the image (base-image-cache.int.test.ts).
      expect(new Set(REJECTIONS.map(([, , reason]) => reason))).toEqual(new Set(REJECTION_REASONS.filter((r) => r !== 'INFO_FAILED')));
    });

    it('refuses qed even from a caller outside the type system', () => {
      const r: unknown = Reflect.apply(verifyImage, undefined, [{ ...input('raw', benignBytes('m'), null), declared: 'qed' }]);
      expect(r).toMatchObject({ _tag: 'Left', left: { reason: 'QED_REFUSED', declared: 'qed' } });
    });

    it('refuses an unknown declared format as unsupported', () => {
      const r: unknown = Reflect.apply(verifyImage, undefined, [{ ...input('raw', benignBytes('m'), null), declared: 'dmg' }]);
      expect(r).toMatchObject({ _tag: 'Left', left: { reason: 'UNSUPPORTED_FORMAT' } });
    });
  });

  describe('when every check passes', () => {
    it.each(ACCEPTED)('accepts %s', (_, i, expected) => {
      expect(verdict(i)).toBe(expected);
    });

    it('returns the declared format unchanged', () => {
      expect(verifyImage(input('iso', benignBytes('m'), null))).toEqual(E.right({ declared: 'iso', baseFormat: 'raw', convertFrom: null }));
    });
  });

  describe('properties', () => {
    it.prop([rawLikeFormatArb, foreignHeadArb, fc.option(qemuImgInfoArb, { nil: null })], { seed: SEED, numRuns: 500 })(
      'verification never accepts a declared-raw image whose head starts with a foreign header',
      (declared, head, info) => {
        expect(verifyImage(input(declared, head, info))).toMatchObject({ _tag: 'Left', left: { reason: 'MISLABELLED_RAW' } });
      },
    );

    it.prop([declaredFormatArb, anyHeadArb, fc.option(qemuImgInfoArb, { nil: null }), fc.boolean()], { seed: SEED, numRuns: 1000 })(
      "verifyImage's baseFormat is a function of the declared format alone",
      (declared, head, info, allowVmdk) => {
        const r = verifyImage(input(declared, head, info, allowVmdk));
        if (E.isRight(r)) {
          expect(r.right).toEqual({ declared, baseFormat: baseFormatOf(declared), convertFrom: declared === 'vmdk' ? 'vmdk' : null });
        }
      },
    );

    it.prop([cleanQcow2HeadArb, fc.constantFrom(null, 'exact', 'sectors')], { seed: SEED, numRuns: 200 })(
      'a clean qcow2 of any size and cluster size is accepted as qcow2 with its info, and needs that info',
      ({ head, virtualSize }, size) => {
        if (size === null) {
          expect(verdict(input('qcow2', head, null))).toBe('INFO_REQUIRED');
          return;
        }
        const reported = size === 'exact' ? virtualSize : Math.floor(virtualSize / 512) * 512;
        expect(verdict(input('qcow2', head, qcow2Info({ 'virtual-size': reported })))).toBe('accepted as qcow2');
      },
    );

    it.prop([declaredFormatArb, fc.uint8Array({ maxLength: 2048 }), fc.option(qemuImgInfoArb, { nil: null }), fc.boolean()], { seed: SEED, numRuns: 1000 })(
      'arbitrary bytes never throw, and a rejection always carries a known reason',
      (declared, head, info, allowVmdk) => {
        const r = verifyImage(input(declared, head, info, allowVmdk));
        if (E.isLeft(r)) expect(REJECTION_REASONS).toContain(r.left.reason);
      },
    );
  });
});

describe('baseFormatOf', () => {
  it.each([
    ['qcow2', 'qcow2'],
    ['raw', 'raw'],
    ['iso', 'raw'],
    ['ami', 'raw'],
    ['aki', 'raw'],
    ['ari', 'raw'],
    ['vmdk', 'raw'],
    ['vhd', null],
    ['vhdx', null],
    ['vdi', null],
    ['ploop', null],
  ] as const)('maps %s to %s', (declared, base) => {
    expect(baseFormatOf(declared)).toBe(base);
  });
});

describe('needsQemuInfo', () => {
  it.each([
    ['qcow2', true],
    ['vmdk', true],
    ['raw', false],
    ['iso', false],
    ['vhd', false],
  ] as const)('answers %s → %s', (declared, needed) => {
    expect(needsQemuInfo(declared)).toBe(needed);
  });
});

describe('VERIFY_HEAD_BYTES', () => {
  it('covers a default qcow2 first cluster and a vmdk descriptor at sector 1', () => {
    expect(VERIFY_HEAD_BYTES).toBeGreaterThanOrEqual(65536);
    expect(VERIFY_HEAD_BYTES).toBeGreaterThanOrEqual(21 * 512);
  });
});
