import type { DiskFunc } from '@disk-ledger/domain';

/**
 * Name of a shared template in `_base`: what it holds and its size, so that
 * equal funcs share one template and different ones never collide. Sizes are
 * in bytes, and no name takes the form of nova's (`swap_<MiB>`,
 * `ephemeral_<GiB>_<hash>`): a file nova made is not known to be whole, and
 * a swap template of N bytes must not be taken for nova's of N MiB.
 */
export const templateName = (func: Exclude<DiskFunc, { kind: 'config-drive' } | { kind: 'blank' }>, size: number): string =>
  func.kind === 'swap' ? `swap_${size}b` : `ephemeral_${size}_${func.fsType}_${func.label}`;
