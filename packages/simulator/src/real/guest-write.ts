/**
 * The guest writes at offset 0 of its disk, as real bytes: a benign line,
 * or the header of a hostile kind pointing at a host path, mapped to that
 * host's real file, so that anything that later obeys the header really
 * reads the file. Through a container format the bytes land in the guest's
 * data, never in the container's own header, as in a real VM.
 */
import { stat } from 'node:fs/promises';
import { benignBytes, hostileBytes } from '@disk-ledger/domain';
import type { GuestContent } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import type { GuestOutcome } from '../world/site.js';
import type { QemuName, QemuObserver } from './qemu-observer.js';
import type { SiteLayout } from './site-layout.js';

/** The bytes the guest of a disk of `virtualSize` bytes writes on `host`. */
export const guestBytes = (layout: SiteLayout, host: string, content: GuestContent, virtualSize: number, marker: string): Uint8Array =>
  content.kind === 'benign' ? benignBytes(marker) : hostileBytes(content.kind, layout.hostFile(host, content.target), virtualSize);

/** Write `content` into the disk file `path` on `host`, as its guest does through `format`. */
export const writeAsGuest = async (observer: QemuObserver, layout: SiteLayout, host: string, path: string, format: QemuName, content: GuestContent, marker: string): Promise<GuestOutcome> => {
  let virtualSize: number;
  if (format === 'raw') {
    const s = await stat(path).catch(() => null);
    if (s === null) return { ok: false, message: `no disk at ${layout.virtual(path)} on ${host}` };
    if (s.size === 0) return { ok: false, message: `${layout.virtual(path)} on ${host} holds no byte a guest could write` };
    virtualSize = s.size;
  } else {
    const info = await observer.info(path, format);
    if (E.isLeft(info)) return { ok: false, message: `${layout.virtual(path)} cannot be opened as ${format}: ${info.left}` };
    virtualSize = info.right.virtualSize;
  }
  // A guest cannot write past the end of its disk: a header kind longer than a small disk is cut there, as the in-memory
  // host keeps its disk's size (a raw file would otherwise grow, and qemu-io refuse a write past a qcow2's end).
  const bytes = guestBytes(layout, host, content, virtualSize, marker);
  const written = await observer.writeAtZero(path, format, bytes.length > virtualSize ? bytes.subarray(0, virtualSize) : bytes);
  return E.isLeft(written) ? { ok: false, message: written.left } : { ok: true };
};
