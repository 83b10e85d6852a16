/**
 * Where a recorded disk is, for the emulator: the storage target of a disk
 * location and qemu's name for a recorded format.
 */
import type { DiskFormat, DiskLocation } from '@disk-ledger/domain';
import type { QemuFormat } from './content/data.js';
import type { Target } from './commands/qpath.js';
import type { StorageAddress } from './inspection.js';

/** qemu's format name for a recorded disk format. */
export const qemuFormatOf = (format: DiskFormat | QemuFormat): QemuFormat => (format === 'ploop' ? 'parallels' : format);

/** The storage target of a disk location (a ploop disk is its `root.hds`). */
export const targetOf = (location: DiskLocation): Target => {
  switch (location.backend) {
    case 'lvm':
      return { kind: 'lv', vg: location.vg, lv: location.lv };
    case 'rbd':
      return { kind: 'rbd', pool: location.pool, image: location.image };
    case 'ploop':
      return { kind: 'file', path: `${location.path}/root.hds` };
    default:
      return { kind: 'file', path: location.path };
  }
};

/** The inspection address of a target on `host`. */
export const addressOf = (host: string, t: Target): StorageAddress =>
  t.kind === 'file' ? { kind: 'file', host, path: t.path } : t.kind === 'lv' ? { kind: 'lv', host, vg: t.vg, lv: t.lv } : { kind: 'rbd', pool: t.pool, image: t.image };
