/**
 * Writing an existing image into a new disk layout, and growing a disk, the
 * way the classic driver's tools did it: the source is read by a
 * `qemu-img convert` without `-f` (its format detected from its bytes), and
 * a file disk grows by a `qemu-img resize` without `-f` — on a raw disk
 * carrying a guest-planted qcow2 header that resizes the planted header
 * instead of the disk (CVE-2026-24708).
 */
import { hostPath, type Argv, type DiskFormat, type DiskLocation } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { convertDetected, lvcreate, lvextend, ploopInit, ploopRawDescriptor, ploopResize, rbdResize, resizeDetected } from './classic-argv.js';
import { infoKeyOf, qpathOf, removeDisk } from './disk-address.js';
import type { LegacyHost, Result } from './legacy-host.js';

const done = E.map(() => undefined);

/** Run argvs in order, stopping at the first failure. */
export const runAll = async (host: LegacyHost, argvs: readonly Argv[]): Result<void> => {
  for (const argv of argvs) {
    const r = await host.run(argv);
    if (E.isLeft(r)) return r;
  }
  return E.right(undefined);
};

/**
 * Make the disk at `dst` (which must not exist) hold what `src` (a qemu
 * path on the same host) shows, in `format`, at least `size` bytes.
 */
export const writeInto = async (host: LegacyHost, src: string, dst: DiskLocation, format: DiskFormat, size: number): Result<void> => {
  switch (dst.backend) {
    case 'flat':
    case 'qcow2':
      return runAll(host, [convertDetected(format === 'qcow2' ? 'qcow2' : 'raw', src, dst.path), resizeDetected(dst.path, size)]);
    case 'lvm':
      return runAll(host, [lvcreate(dst.vg, dst.lv, size), convertDetected('raw', src, qpathOf(dst))]);
    case 'rbd':
      return runAll(host, [convertDetected('raw', src, qpathOf(dst)), rbdResize(dst.pool, dst.image, size)]);
    case 'ploop': {
      const dir = await host.mkdirp(dst.path);
      if (E.isLeft(dir)) return dir;
      return format === 'ploop'
        ? runAll(host, [ploopInit(dst.path, size), convertDetected('parallels', src, qpathOf(dst), true)])
        : runAll(host, [convertDetected('raw', src, qpathOf(dst)), ploopRawDescriptor(dst.path), ploopResize(dst.path, size)]);
    }
  }
};

/** Grow the disk to `size` bytes with its backend's tool; a file disk through a probing `qemu-img resize`. */
export const grow = async (host: LegacyHost, loc: DiskLocation, size: number): Result<void> => {
  switch (loc.backend) {
    case 'lvm':
      return done(await host.run(lvextend(loc.vg, loc.lv, size)));
    case 'rbd':
      return done(await host.run(rbdResize(loc.pool, loc.image, size)));
    case 'ploop':
      return done(await host.run(ploopResize(loc.path, size)));
    default:
      return done(await host.run(resizeDetected(loc.path, size)));
  }
};

/**
 * Replace the disk at `src` by a disk at `dst` in `format` holding what `src`
 * shows (read with its format detected). When both are the same file or
 * directory, the new disk is written beside it and renamed over it.
 */
export const convertInto = async (host: LegacyHost, src: DiskLocation, dst: DiskLocation, format: DiskFormat, size: number): Result<void> => {
  const place = infoKeyOf(dst);
  if (place === null || place !== infoKeyOf(src) || dst.backend === 'lvm' || dst.backend === 'rbd') {
    const written = await writeInto(host, qpathOf(src), dst, format, size);
    return E.isLeft(written) ? written : removeDisk(host, src);
  }
  const aside = hostPath(`${place}.convert`, 'path');
  if (E.isLeft(aside)) return aside;
  const tmp: DiskLocation = { backend: dst.backend, path: aside.right };
  const cleared = await removeDisk(host, tmp);
  if (E.isLeft(cleared)) return cleared;
  const written = await writeInto(host, qpathOf(src), tmp, format, size);
  if (E.isLeft(written)) return written;
  const removed = await removeDisk(host, src);
  return E.isLeft(removed) ? removed : host.files.rename(aside.right, dst.path)();
};
