import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { latin1, viewOf } from './bytes.js';
import { QCOW2_EXT, QCOW2_FIELD, QCOW2_OFLAG_COPIED, QCOW2_V3_HEADER_LENGTH } from './image-headers.js';
import { qcow2Header } from './qcow2-image.js';

const SEED = 0x9c0f2;
const MiB = 1024 ** 2;
const f = QCOW2_FIELD;

const u32 = (b: Uint8Array, at: number): number => viewOf(b).getUint32(at);
const u64 = (b: Uint8Array, at: number): bigint => viewOf(b).getBigUint64(at);

/** The header extensions as [type, data] pairs, up to the end marker. */
const extensions = (b: Uint8Array): [number, string][] => {
  const out: [number, string][] = [];
  for (let at = QCOW2_V3_HEADER_LENGTH; ; ) {
    const type = u32(b, at);
    const length = u32(b, at + 4);
    if (type === QCOW2_EXT.end) return out;
    out.push([type, latin1(b.subarray(at + 8, at + 8 + length))]);
    at += 8 + Math.ceil(length / 8) * 8;
  }
};

describe('qcow2Header', () => {
  describe('when given only a size', () => {
    const image = qcow2Header({ virtualSize: MiB });

    it('writes a version-3 header with the size, 64 KiB clusters and QEMU header length', () => {
      expect([...image.subarray(0, 4)]).toEqual([0x51, 0x46, 0x49, 0xfb]);
      expect(u32(image, f.version)).toBe(3);
      expect(u32(image, f.clusterBits)).toBe(16);
      expect(u64(image, f.size)).toBe(BigInt(MiB));
      expect(u32(image, f.headerLength)).toBe(112);
      expect(u32(image, f.refcountOrder)).toBe(4);
    });

    it('names no backing file, no data file and sets no feature bit', () => {
      expect(u64(image, f.backingFileOffset)).toBe(0n);
      expect(u32(image, f.backingFileSize)).toBe(0);
      expect(u64(image, f.incompatibleFeatures)).toBe(0n);
      expect(u64(image, f.autoclearFeatures)).toBe(0n);
      expect(extensions(image)).toEqual([]);
    });

    it('lays out header, refcount table, refcount block and L1 in four clusters', () => {
      expect(image.length).toBe(4 * 65536);
      expect(u64(image, f.refcountTableOffset)).toBe(65536n);
      expect(u64(image, 65536)).toBe(2n * 65536n);
      expect([...image.subarray(2 * 65536, 2 * 65536 + 10)]).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 0]);
      expect(u64(image, f.l1TableOffset)).toBe(3n * 65536n);
      expect(u32(image, f.l1Size)).toBe(1);
      expect(u64(image, 3 * 65536)).toBe(0n);
    });
  });

  describe('when given a backing file', () => {
    it('stores the name after the extensions and points the header at it', () => {
      const image = qcow2Header({ virtualSize: MiB, backingFile: '/etc/shadow' });
      const offset = Number(u64(image, f.backingFileOffset));
      expect(u32(image, f.backingFileSize)).toBe(11);
      expect(latin1(image.subarray(offset, offset + 11))).toBe('/etc/shadow');
      expect(extensions(image)).toEqual([]);
    });

    it('adds the backing format extension when a format is given', () => {
      const image = qcow2Header({ virtualSize: MiB, backingFile: '/etc/shadow', backingFormat: 'raw' });
      expect(extensions(image)).toEqual([[QCOW2_EXT.backingFormat, 'raw']]);
      const offset = Number(u64(image, f.backingFileOffset));
      expect(offset).toBeGreaterThan(QCOW2_V3_HEADER_LENGTH + 16);
      expect(latin1(image.subarray(offset, offset + 11))).toBe('/etc/shadow');
    });
  });

  describe('when given a data file', () => {
    const image = qcow2Header({ virtualSize: MiB, dataFile: '/etc/shadow' });

    it('sets the external data file bit, data-file-raw, and the data file extension', () => {
      expect(u64(image, f.incompatibleFeatures)).toBe(4n);
      expect(u64(image, f.autoclearFeatures)).toBe(2n);
      expect(extensions(image)).toEqual([[QCOW2_EXT.dataFile, '/etc/shadow']]);
    });

    it('maps every guest cluster one-to-one onto the data file through one L2 table', () => {
      const l1 = Number(u64(image, f.l1TableOffset));
      const l2 = u64(image, l1) & ~QCOW2_OFLAG_COPIED;
      expect(u64(image, l1) & QCOW2_OFLAG_COPIED).toBe(QCOW2_OFLAG_COPIED);
      expect(image.length).toBe(5 * 65536);
      for (let g = 0; g < 16; g += 1) expect(u64(image, Number(l2) + g * 8)).toBe(QCOW2_OFLAG_COPIED | BigInt(g * 65536));
      expect(u64(image, Number(l2) + 16 * 8)).toBe(0n);
    });
  });

  describe('when the size is large', () => {
    it('raises the cluster size so the L1 table stays within 1 MiB', () => {
      const image = qcow2Header({ virtualSize: Number.MAX_SAFE_INTEGER });
      expect(u32(image, f.clusterBits)).toBe(20);
      expect(u32(image, f.l1Size) * 8).toBeLessThanOrEqual(MiB);
    });

    it('uses several refcount blocks when one cannot count every cluster', () => {
      const image = qcow2Header({ virtualSize: 1024 ** 3, clusterBits: 9 });
      const tableClusters = u32(image, f.refcountTableClusters);
      const blocks = image.length / 512;
      expect(blocks).toBeGreaterThan(256);
      expect(u64(image, 512 * 1 + 8)).toBe(BigInt(512 * (1 + tableClusters + 1)));
    });
  });

  describe('when the options describe no valid image', () => {
    it.each([
      [{ virtualSize: 0 }],
      [{ virtualSize: 1.5 }],
      [{ virtualSize: 2 ** 53 }],
      [{ virtualSize: MiB, clusterBits: 8 }],
      [{ virtualSize: MiB, clusterBits: 22 }],
      [{ virtualSize: Number.MAX_SAFE_INTEGER, clusterBits: 9 }],
      [{ virtualSize: MiB, backingFile: '' }],
      [{ virtualSize: MiB, backingFile: 'x'.repeat(1024) }],
      [{ virtualSize: MiB, backingFile: '/b', backingFormat: 'x'.repeat(16) }],
      [{ virtualSize: MiB, backingFile: 'x'.repeat(500), dataFile: 'y'.repeat(500), clusterBits: 9 }],
    ])('throws a RangeError for %j', (options) => {
      expect(() => qcow2Header(options)).toThrow(RangeError);
    });
  });

  // Sizes and cluster sizes are bounded so each image stays a few MiB.
  it.prop([fc.integer({ min: 1, max: 2 ** 36 }), fc.option(fc.integer({ min: 13, max: 21 }), { nil: undefined })], { seed: SEED, numRuns: 50 })(
    'is deterministic and states the size it was given',
    (virtualSize, clusterBits) => {
      const options = clusterBits === undefined ? { virtualSize } : { virtualSize, clusterBits };
      const a = qcow2Header(options);
      const b = qcow2Header(options);
      expect(b.length).toBe(a.length);
      expect(b.every((byte, i) => byte === a[i])).toBe(true);
      expect(u64(a, f.size)).toBe(BigInt(virtualSize));
      expect(a.length % 2 ** u32(a, f.clusterBits)).toBe(0);
    },
  );
});
