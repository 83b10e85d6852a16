import type { DiskFunc } from '@disk-ledger/domain';

/**
 * Name of a shared template in `_base`: what it holds and its size, so that
 * equal funcs share one template and different ones never collide.
 */
export const templateName = (func: Exclude<DiskFunc, { kind: 'config-drive' } | { kind: 'blank' }>, size: number): string =>
  func.kind === 'swap' ? `swap_${size}` : `ephemeral_${size}_${func.fsType}_${func.label}`;
