/**
 * fast-check arbitraries for image content and verification: heads (leading
 * bytes) of every shape verification meets, declared formats, and
 * `qemu-img info` values and texts. Test-only (this folder is not built).
 */
import fc from 'fast-check';
import { HOSTILE_KINDS } from '../disk/content-kind.js';
import { IMAGE_FORMATS, type ImageFormat } from '../disk/vocabulary.js';
import { qcow2Header } from '../content/qcow2-image.js';
import { vmdkSparseImage } from '../content/vmdk-image.js';
import { hostileBytes } from '../content/hostile-bytes.js';
import { benignBytes } from '../content/benign-bytes.js';
import type { QemuImgInfo } from '../verification/qemu-img-info.js';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** Any declared image format. */
export const declaredFormatArb: fc.Arbitrary<ImageFormat> = fc.constantFrom(...IMAGE_FORMATS);

/** The declared formats stored as raw bytes: raw and the raw-like iso, ami, aki, ari. */
export const rawLikeFormatArb = fc.constantFrom<ImageFormat>('raw', 'iso', 'ami', 'aki', 'ari');

/** Any hostile content kind. */
export const hostileKindArb = fc.constantFrom(...HOSTILE_KINDS);

/** An absolute host path, as a hostile image would name a secret. */
export const targetPathArb = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,15}$/), { minLength: 1, maxLength: 5 })
  .map((parts) => `/${parts.join('/')}`);

/** A modest virtual size (fixtures are built in memory). */
export const smallVirtualSizeArb = fc.oneof(fc.constantFrom(1, 512, 65536, 1024 ** 2, 1024 ** 3), fc.integer({ min: 1, max: 2 ** 34 }));

/**
 * The first bytes of every header QEMU recognises, which a head declared raw
 * must never begin with. vdi's signature sits at offset 64.
 */
export const FOREIGN_PREFIXES: readonly (readonly number[])[] = [
  [0x51, 0x46, 0x49, 0xfb], // qcow / qcow2
  [0x51, 0x45, 0x44, 0x00], // qed
  ascii('KDMV'),
  ascii('COWD'),
  ascii('# Disk DescriptorFile'),
  ascii('version=1\n'),
  ascii('# any comment\n   \nversion=3\r\n'),
  ascii('conectix'),
  ascii('vhdxfile'),
  [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe], // LUKS
  ascii('WithoutFreeSpace'),
  ascii('WithouFreSpacExt'),
  ascii('Bochs Virtual HD Image'),
  ascii('#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n'),
  [...new Array<number>(64).fill(0), 0x7f, 0x10, 0xda, 0xbe], // vdi
];

/** Arbitrary bytes, up to `maxLength`. */
export const bytesArb = (maxLength = 1024): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });

/** A head that begins with a foreign image header, followed by arbitrary bytes. */
export const foreignHeadArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.constantFrom(...FOREIGN_PREFIXES), bytesArb(512))
  .map(([prefix, tail]) => Uint8Array.from([...prefix, ...tail]));

/** The head of a genuine, clean qcow2 built by `qcow2Header`. */
export const cleanQcow2HeadArb: fc.Arbitrary<{ head: Uint8Array; virtualSize: number }> = fc
  .record({ virtualSize: smallVirtualSizeArb, clusterBits: fc.integer({ min: 9, max: 16 }) })
  .filter(({ virtualSize, clusterBits }) => virtualSize / 2 ** clusterBits <= 2 ** 22)
  .map(({ virtualSize, clusterBits }) => ({ virtualSize, head: qcow2Header({ virtualSize, clusterBits }).subarray(0, 4096) }));

/** Heads of every kind verification meets: random bytes, foreign headers, clean and hostile images, benign fill. */
export const anyHeadArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  bytesArb(),
  foreignHeadArb,
  cleanQcow2HeadArb.map((q) => q.head),
  fc.tuple(hostileKindArb, targetPathArb).map(([kind, target]) => hostileBytes(kind, target, 1024 ** 2).subarray(0, 4096)),
  fc.constant(vmdkSparseImage({ virtualSize: 1024 ** 2 })),
  fc.string().map((marker) => benignBytes(marker, 1024)),
  // A genuine head with bytes flipped: parsers must stay total on near-misses.
  fc
    .tuple(cleanQcow2HeadArb, fc.array(fc.tuple(fc.nat(511), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }))
    .map(([{ head }, flips]) => {
      const copy = head.slice();
      for (const [at, value] of flips) copy[at] = value;
      return copy;
    }),
);

const optional = <A>(arb: fc.Arbitrary<A>): fc.Arbitrary<A | undefined> => fc.option(arb, { nil: undefined });

/** A decoded `qemu-img info`, of the shapes qemu prints and some it never would. */
export const qemuImgInfoArb: fc.Arbitrary<QemuImgInfo> = fc
  .record({
    format: fc.constantFrom('qcow2', 'vmdk', 'raw', 'qed', 'vpc'),
    virtualSize: fc.maxSafeNat(),
    filename: optional(fc.constantFrom('img', '/var/lib/nova/instances/_base/x.part')),
    backing: optional(targetPathArb),
    dataFile: optional(targetPathArb),
    createType: fc.constantFrom('monolithicSparse', 'streamOptimized', 'monolithicFlat', 'vmfs'),
    extents: fc.array(fc.constantFrom('img', '/etc/shadow'), { maxLength: 2 }),
    specific: fc.constantFrom('qcow2', 'vmdk', 'other', 'none'),
  })
  .map((r): QemuImgInfo => {
    const base: QemuImgInfo = {
      format: r.format,
      'virtual-size': r.virtualSize,
      ...(r.filename === undefined ? {} : { filename: r.filename }),
      ...(r.backing === undefined ? {} : { 'backing-filename': r.backing, 'full-backing-filename': r.backing }),
    };
    switch (r.specific) {
      case 'qcow2':
        return { ...base, 'format-specific': { type: 'qcow2', data: r.dataFile === undefined ? {} : { 'data-file': r.dataFile } } };
      case 'vmdk':
        return {
          ...base,
          'format-specific': { type: 'vmdk', data: { 'create-type': r.createType, extents: r.extents.map((filename) => ({ filename })) } },
        };
      case 'other':
        return { ...base, 'format-specific': { type: 'luks', data: {} } };
      case 'none':
        return base;
    }
  });

/** Text a `qemu-img info --output=json` might print, or garbage in its place. */
export const qemuImgInfoTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.json(),
  qemuImgInfoArb.map((i) => JSON.stringify(i)),
  fc
    .tuple(qemuImgInfoArb, fc.string({ maxLength: 20 }), fc.jsonValue())
    .map(([i, key, value]) => JSON.stringify({ ...i, [key]: value })),
  fc.tuple(fc.constantFrom('format-specific', 'virtual-size', 'format', 'backing-filename'), fc.jsonValue()).map(([key, value]) =>
    JSON.stringify({ format: 'qcow2', 'virtual-size': 1, [key]: value }),
  ),
);
