import { describe, expect, it } from 'vitest';
import { latin1, viewOf } from './bytes.js';
import { VMDK4_FIELD } from './image-headers.js';
import { vmdkDescriptorText, vmdkFlatExtentDescriptor, vmdkSparseImage } from './vmdk-image.js';

const MiB = 1024 ** 2;
const le32 = (b: Uint8Array, at: number): number => viewOf(b).getUint32(at, true);
const le64 = (b: Uint8Array, at: number): bigint => viewOf(b).getBigUint64(at, true);
const descriptorOf = (image: Uint8Array): string => {
  const text = latin1(image.subarray(512, 512 * 21));
  return text.slice(0, text.indexOf('\0'));
};

describe('vmdkFlatExtentDescriptor', () => {
  const text = latin1(vmdkFlatExtentDescriptor({ extentPath: '/etc/shadow', sizeBytes: MiB + 1 }));

  it('writes a monolithicFlat descriptor whose one extent is the given path', () => {
    expect(text.startsWith('# Disk DescriptorFile\nversion=1\n')).toBe(true);
    expect(text).toContain('createType="monolithicFlat"');
    expect(text).toContain('RW 2049 FLAT "/etc/shadow" 0');
    expect(text).toContain('parentCID=ffffffff');
    expect(text).not.toContain('parentFileNameHint');
  });

  it.each(['', 'a"b', 'a\nb', 'a\rb'])('refuses extent path %j, which would change the descriptor', (extentPath) => {
    expect(() => vmdkFlatExtentDescriptor({ extentPath, sizeBytes: MiB })).toThrow(RangeError);
  });

  it.each([0, -1, 0.5, Number.NaN])('refuses size %d', (sizeBytes) => {
    expect(() => vmdkFlatExtentDescriptor({ extentPath: '/x', sizeBytes })).toThrow(RangeError);
  });
});

describe('vmdkDescriptorText', () => {
  it('names the parent and links the CIDs when given a parent file', () => {
    const text = vmdkDescriptorText({ createType: 'monolithicSparse', extents: [], parentFileNameHint: '/p.vmdk' });
    expect(text).toContain('parentFileNameHint="/p.vmdk"');
    expect(text).toMatch(/CID=(\w+)\nparentCID=\1\n/);
  });
});

describe('vmdkSparseImage', () => {
  describe('when given a size', () => {
    const image = vmdkSparseImage({ virtualSize: MiB });

    it('writes the sparse header as qemu-img create -f vmdk does', () => {
      expect(latin1(image.subarray(0, 4))).toBe('KDMV');
      expect(le32(image, VMDK4_FIELD.version)).toBe(1);
      expect(le32(image, VMDK4_FIELD.flags)).toBe(3);
      expect(le64(image, VMDK4_FIELD.capacity)).toBe(2048n);
      expect(le64(image, VMDK4_FIELD.grainSize)).toBe(128n);
      expect(le64(image, VMDK4_FIELD.descriptorOffset)).toBe(1n);
      expect(le64(image, VMDK4_FIELD.descriptorSize)).toBe(20n);
      expect(le32(image, VMDK4_FIELD.numGtesPerGt)).toBe(512);
      expect(le64(image, VMDK4_FIELD.rgdOffset)).toBe(21n);
      expect(le64(image, VMDK4_FIELD.gdOffset)).toBe(26n);
      expect(le64(image, VMDK4_FIELD.overhead)).toBe(128n);
      expect([...image.subarray(73, 77)]).toEqual([0x0a, 0x20, 0x0d, 0x0a]);
      expect(image.length).toBe(65536);
    });

    it('embeds a monolithicSparse descriptor naming one sparse extent', () => {
      const text = descriptorOf(image);
      expect(text).toContain('createType="monolithicSparse"');
      expect(text).toContain('RW 2048 SPARSE "disk.vmdk"');
    });

    it('points both grain directories at their grain tables', () => {
      expect(le32(image, 21 * 512)).toBe(22);
      expect(le32(image, 26 * 512)).toBe(27);
    });
  });

  it('stores the create type, extent name and parent it is given', () => {
    const text = descriptorOf(vmdkSparseImage({ virtualSize: MiB, createType: 'vmfs', extentName: '/etc/shadow', parentFileNameHint: '/p' }));
    expect(text).toContain('createType="vmfs"');
    expect(text).toContain('SPARSE "/etc/shadow"');
    expect(text).toContain('parentFileNameHint="/p"');
  });

  it('grows the grain directories with the size', () => {
    const image = vmdkSparseImage({ virtualSize: 100 * MiB });
    const gtCount = Math.ceil((100 * MiB) / 512 / (128 * 512));
    expect(le64(image, VMDK4_FIELD.gdOffset)).toBe(BigInt(21 + 1 + gtCount * 4));
    expect(image.length % 65536).toBe(0);
  });

  it.each([0, 2 * 1024 ** 4 + 1])('refuses size %d', (virtualSize) => {
    expect(() => vmdkSparseImage({ virtualSize })).toThrow(RangeError);
  });

  it('refuses a descriptor that does not fit in 20 sectors', () => {
    expect(() => vmdkSparseImage({ virtualSize: MiB, extentName: 'x'.repeat(20 * 512) })).toThrow(RangeError);
  });
});
