import { MIN_FILESYSTEM_SIZE, MIN_SWAP_SIZE, atLeast, invalidSize, type InvalidSize } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';

/** The sizes a flavor gives an instance's local disks, in bytes (0: no such disk; root 0: the image's size). */
export interface Flavor {
  readonly root: number;
  readonly ephemeral: number;
  readonly swap: number;
}

const FIELDS = ['root', 'ephemeral', 'swap'] as const;

/** The smallest size of each disk a flavor gives, and what needs it (0 is no such disk). */
const MINIMUM: Readonly<Record<(typeof FIELDS)[number], readonly [number, string]>> = {
  root: [1, 'a disk'],
  ephemeral: [MIN_FILESYSTEM_SIZE, 'mkfs'],
  swap: [MIN_SWAP_SIZE, 'mkswap'],
};

/**
 * A flavor whose every size is 0 or a size a disk can have (whole bytes,
 * from 1 to 2^53−1; a swap or ephemeral disk its tool can fill), else `INVALID_SIZE`
 * at `flavor.<field>`: checked before
 * an operation plans anything, so that a negative swap is not read as "no
 * swap" nor a fraction of a byte reaches a record.
 */
export const checkFlavor = (flavor: unknown, path = 'flavor'): E.Either<InvalidSize, Flavor> => {
  if (typeof flavor !== 'object' || flavor === null) return E.left(invalidSize(flavor, path));
  const f = flavor as Partial<Record<(typeof FIELDS)[number], unknown>>;
  for (const field of FIELDS) {
    const v = f[field];
    const [min, tool] = MINIMUM[field];
    const size = v === 0 ? E.right(0) : atLeast(v, min, `${path}.${field}`, tool);
    if (E.isLeft(size)) return size;
  }
  return E.right(flavor as Flavor);
};
