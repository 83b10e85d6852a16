/**
 * Inputs no driver may act on: names that escape, inject or overflow, sizes
 * that are not byte counts, and locations of other backends.
 */
import type { Backend, DiskLocation, HostPath } from '@disk-ledger/domain';

/** Bad variants of a good location: path escapes, metacharacters, NUL, overlong names. */
export const badLocations = (good: DiskLocation): DiskLocation[] => {
  const long = 'x'.repeat(300);
  switch (good.backend) {
    case 'lvm':
      return ['a/b', '..', '-rf', 'lv;rm', 'lv\0x', 'lv name', '$(id)', long, ''].flatMap((bad) => [
        { ...good, lv: bad as typeof good.lv },
        { ...good, vg: bad as typeof good.vg },
      ]);
    case 'rbd':
      return ['a/b', '..', '-rf', 'img;rm', 'img\0x', 'img name', '$(id)', long, ''].flatMap((bad) => [
        { ...good, image: bad as typeof good.image },
        { ...good, pool: bad as typeof good.pool },
      ]);
    default:
      return [`${good.path}/../../etc/passwd`, 'relative/disk', `${good.path}\0x`, `${good.path};rm -rf x`, `${good.path} x`, `${good.path}$(id)`, `${good.path}/${long}`, `/${'a/'.repeat(2100)}x`, ''].map(
        (bad) => ({ ...good, path: bad as typeof good.path }),
      );
  }
};

/** Locations of the other backends, which this driver must refuse to open. */
export const foreignLocations = (backend: Backend): DiskLocation[] => {
  const all: DiskLocation[] = [
    { backend: 'flat', path: '/var/lib/x/disk' as HostPath },
    { backend: 'qcow2', path: '/var/lib/x/disk' as HostPath },
    { backend: 'ploop', path: '/var/lib/x/disk' as HostPath },
    { backend: 'lvm', vg: 'vg' as never, lv: 'lv' as never },
    { backend: 'rbd', pool: 'pool' as never, image: 'img' as never },
  ];
  return all.filter((l) => l.backend !== backend);
};

/** Sizes no disk may have. */
export const BAD_SIZES: readonly unknown[] = [0, -1, -4096, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 64, '4096', null, undefined];
