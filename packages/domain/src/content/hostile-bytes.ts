import type { HostileKind } from '../disk/content-kind.js';
import { qcow2Header } from './qcow2-image.js';
import { vmdkFlatExtentDescriptor } from './vmdk-image.js';

/**
 * The real bytes of a hostile content kind (SECURITY.md), pointing at the
 * host file `target`. Each is a genuine image QEMU opens:
 *
 * - `qcow2-backing-host-file`: qcow2 whose backing file is `target`, with no
 *   backing format, so QEMU also probes the target's format.
 * - `qcow2-backing-host-file-fmt`: the same with backing format `raw`.
 * - `qcow2-data-file`: qcow2 whose external data file is `target`, its first
 *   clusters mapped onto it; leaks even when opened with `-f qcow2`.
 * - `vmdk-flat-extent`: a monolithicFlat descriptor whose extent is
 *   `target`; leaks even when opened with `-f vmdk`.
 * - `raw-with-qcow2-header`: what a guest writes into a disk recorded as raw:
 *   the bytes of `qcow2-backing-host-file`, so that only a probe (or a
 *   qcow2 label) turns them into a read of `target`.
 *
 * Deterministic: the in-memory host renders these as the leading bytes of
 * structured content, and the real host writes them to files.
 *
 * @throws RangeError when `virtualSize` is not a positive safe integer or
 * `target` cannot be stored in the header.
 */
export const hostileBytes = (kind: HostileKind, target: string, virtualSize: number): Uint8Array => {
  switch (kind) {
    case 'qcow2-backing-host-file':
    case 'raw-with-qcow2-header':
      return qcow2Header({ virtualSize, backingFile: target });
    case 'qcow2-backing-host-file-fmt':
      return qcow2Header({ virtualSize, backingFile: target, backingFormat: 'raw' });
    case 'qcow2-data-file':
      return qcow2Header({ virtualSize, dataFile: target });
    case 'vmdk-flat-extent':
      return vmdkFlatExtentDescriptor({ extentPath: target, sizeBytes: virtualSize });
  }
};

