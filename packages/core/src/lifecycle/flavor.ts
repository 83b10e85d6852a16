import { MIN_SWAP_SIZE, byteSize, invalidSize, type InvalidSize } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';

/** The sizes a flavor gives an instance's local disks, in bytes (0: no such disk; root 0: the image's size). */
export interface Flavor {
  readonly root: number;
  readonly ephemeral: number;
  readonly swap: number;
}

const FIELDS = ['root', 'ephemeral', 'swap'] as const;

/**
 * A flavor whose every size is 0 or a size a disk can have (whole bytes,
 * from 1 to 2^53−1; a swap of at least mkswap's 40 KiB), else `INVALID_SIZE`
 * at `flavor.<field>`: checked before
 * an operation plans anything, so that a negative swap is not read as "no
 * swap" nor a fraction of a byte reaches a record.
 */
export const checkFlavor = (flavor: unknown, path = 'flavor'): E.Either<InvalidSize, Flavor> => {
  if (typeof flavor !== 'object' || flavor === null) return E.left(invalidSize(flavor, path));
  const f = flavor as Partial<Record<(typeof FIELDS)[number], unknown>>;
  for (const field of FIELDS) {
    const v = f[field];
    if (v !== 0 && E.isLeft(byteSize(v))) return E.left(invalidSize(v, `${path}.${field}`));
  }
  if (typeof f.swap === 'number' && f.swap > 0 && f.swap < MIN_SWAP_SIZE) {
    return E.left({ ...invalidSize(f.swap, `${path}.swap`), message: `swap of ${f.swap} bytes at ${path}.swap: mkswap needs at least ${MIN_SWAP_SIZE} bytes (10 pages)` });
  }
  return E.right(flavor as Flavor);
};
