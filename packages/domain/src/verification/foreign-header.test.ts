import { it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { benignBytes } from '../content/benign-bytes.js';
import { utf8 } from '../content/bytes.js';
import { qcow2Header } from '../content/qcow2-image.js';
import { vmdkFlatExtentDescriptor, vmdkSparseImage } from '../content/vmdk-image.js';
import { FOREIGN_PREFIXES, bytesArb, foreignHeadArb } from '../testing/content-arbitraries.js';
import { foreignHeaderIn } from './foreign-header.js';

const SEED = 0xf0e;
const MiB = 1024 ** 2;
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)));

describe('foreignHeaderIn', () => {
  describe('when the bytes begin with a header QEMU recognises', () => {
    it.each([
      ['qcow2', qcow2Header({ virtualSize: MiB })],
      ['qcow2', bytes([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 1])],
      ['qed', bytes([0x51, 0x45, 0x44, 0x00])],
      ['vmdk', vmdkSparseImage({ virtualSize: MiB })],
      ['vmdk', bytes('COWD')],
      ['vmdk', vmdkFlatExtentDescriptor({ extentPath: '/x', sizeBytes: 1 })],
      ['vmdk', bytes('version=2\n')],
      ['vmdk', bytes('# a\n  \r\n#b\nversion=1\r\n')],
      ['vhd', bytes('conectix\0\0\0\x02')],
      ['vhdx', bytes('vhdxfile')],
      ['luks', bytes('LUKS', [0xba, 0xbe, 0, 1])],
      ['vdi', bytes('<<< Oracle VM VirtualBox Disk Image >>>\n', new Array<number>(24).fill(0), [0x7f, 0x10, 0xda, 0xbe])],
      ['parallels', bytes('WithoutFreeSpace')],
      ['parallels', bytes('WithouFreSpacExt')],
      ['bochs', bytes('Bochs Virtual HD Image\0')],
      ['cloop', bytes('#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n')],
    ])('names %s', (name, head) => {
      expect(foreignHeaderIn(head)).toBe(name);
    });
  });

  describe('when the bytes are plain data', () => {
    it.each([
      ['nothing', new Uint8Array(0)],
      ['zeros', new Uint8Array(4096)],
      ['a truncated magic', bytes([0x51, 0x46, 0x49])],
      ['an MBR boot sector', bytes([0xeb, 0x63, 0x90], new Array<number>(507).fill(0), [0x55, 0xaa])],
      ['benign fill', benignBytes('m')],
      ['text mentioning version= later', bytes('hello\nversion=1\n')],
      ['a version line without its newline', bytes('version=1')],
      ['a magic that is not at offset 0', bytes(' KDMV')],
    ])('answers null for %s', (_, head) => {
      expect(foreignHeaderIn(head)).toBeNull();
    });
  });

  it('looks for a vmdk version line only within QEMU’s 2048-byte probe window', () => {
    expect(foreignHeaderIn(bytes(`#${'x'.repeat(3000)}\nversion=1\n`))).toBeNull();
    expect(foreignHeaderIn(bytes(`#${'x'.repeat(100)}\nversion=1\n`))).toBe('vmdk');
  });

  it('has a case for every prefix the arbitraries plant', () => {
    for (const prefix of FOREIGN_PREFIXES) expect(foreignHeaderIn(Uint8Array.from(prefix))).not.toBeNull();
  });

  it.prop([foreignHeadArb], { seed: SEED })('finds a header whatever follows it', (head) => {
    expect(foreignHeaderIn(head)).not.toBeNull();
  });

  it.prop([bytesArb(4096)], { seed: SEED, numRuns: 500 })('never throws on arbitrary bytes', (head) => {
    expect(() => foreignHeaderIn(head)).not.toThrow();
  });
});
