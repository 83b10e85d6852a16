import type { HostDriversConfig } from '@disk-ledger/host';
import type { HostContext } from '../host-context.js';

/**
 * The drivers' configuration with the host's `preallocate_images` applied:
 * `space` makes the file backends preallocate every disk they make (see
 * `FileDriverOptions.preallocate`). Options the caller set on a driver win.
 */
export const driversFor = (ctx: HostContext, drivers: HostDriversConfig): HostDriversConfig =>
  ctx.options.preallocateImages === 'space'
    ? { ...drivers, flat: { preallocate: true, ...drivers.flat }, qcow2: { preallocate: true, ...drivers.qcow2 } }
    : drivers;
