import type { Argv } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { unnamedFormats, writeTargetOf } from './command-scan.js';

const argv = (...a: [string, ...string[]]): Argv => a;

describe('unnamedFormats', () => {
  describe('when every format is named', () => {
    it('finds nothing in the argvs the drivers issue', () => {
      for (const a of [
        argv('qemu-img', 'info', '-f', 'raw', '--output=json', '/x'),
        argv('qemu-img', 'convert', '-n', '-f', 'qcow2', '-O', 'raw', '/x', '/dev/vg/lv'),
        argv('qemu-img', 'create', '-f', 'qcow2', '-b', '/base', '-F', 'raw', '/x', '1024'),
        argv('qemu-img', 'resize', '-f', 'raw', '/x', '2048'),
        argv('lvcreate', '-y', '-L', '1024b', '-n', 'lv', 'vg'),
      ]) expect(unnamedFormats(a)).toEqual([]);
    });
  });

  describe('when a format is left to be guessed', () => {
    it('names what is missing', () => {
      expect(unnamedFormats(argv('qemu-img', 'info', '/x'))).toHaveLength(1);
      expect(unnamedFormats(argv('qemu-img', 'convert', '-O', 'raw', '/x', '/y'))).toHaveLength(1);
      expect(unnamedFormats(argv('qemu-img', 'convert', '-f', 'raw', '/x', '/y'))).toHaveLength(1);
      expect(unnamedFormats(argv('qemu-img', 'create', '-f', 'qcow2', '-b', '/base', '/x', '1024'))).toHaveLength(1);
      expect(unnamedFormats(argv('qemu-img', 'resize', '/x', '2048'))).toHaveLength(1);
      expect(unnamedFormats(argv('qemu-img', 'rebase', '-u', '-b', '/y', '/x'))).toHaveLength(1);
    });
  });
});

describe('writeTargetOf', () => {
  describe('when an argv writes a disk', () => {
    it('names the file, logical volume or rbd image written', () => {
      expect(writeTargetOf(argv('qemu-img', 'convert', '-f', 'raw', '-O', 'raw', '/src', '/dst'))).toEqual({ kind: 'file', path: '/dst' });
      expect(writeTargetOf(argv('qemu-img', 'convert', '-n', '-f', 'raw', '-O', 'raw', '/src', '/dev/vg0/lv'))).toEqual({ kind: 'lv', location: 'vg0/lv' });
      expect(writeTargetOf(argv('qemu-img', 'convert', '-f', 'raw', '-O', 'raw', '/src', 'rbd:p/i'))).toEqual({ kind: 'rbd', location: 'p/i' });
      expect(writeTargetOf(argv('lvcreate', '--config', 'global { activation = 0 }', '-y', '-L', '1b', '-n', 'lv', 'vg0'))).toEqual({ kind: 'lv', location: 'vg0/lv' });
      expect(writeTargetOf(argv('rbd', 'import', '--image-format', '2', '/src', 'p/i'))).toEqual({ kind: 'rbd', location: 'p/i' });
      expect(writeTargetOf(argv('ploop', 'resize', '-s', '1K', '/d/DiskDescriptor.xml'))).toEqual({ kind: 'file', path: '/d/root.hds' });
    });
  });

  describe('when an argv only reads or removes', () => {
    it('answers null', () => {
      for (const a of [argv('qemu-img', 'info', '-f', 'raw', '/x'), argv('lvs', 'vg/lv'), argv('rbd', 'rm', 'p/i'), argv('lvremove', '-f', 'vg/lv'), argv('mkswap', '/x')]) {
        expect(writeTargetOf(a)).toBeNull();
      }
    });
  });
});
