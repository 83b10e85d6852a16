/**
 * The representative host option sets the tests run over: one per backend,
 * plus rbd hosts that share a pool and one that has a pool of its own.
 * Test-only.
 */
import type { HostStorageOptionsInput } from '@disk-ledger/domain';

/** Host options by short name. */
export const OPTIONS = {
  'flat/raw': { imagesType: 'flat' },
  'qcow2/default': { imagesType: 'default' },
  lvm: { imagesType: 'lvm', imagesVolumeGroup: 'vg0' },
  'rbd/shared': { imagesType: 'rbd', imagesRbdPool: 'pool0' },
  'rbd/other': { imagesType: 'rbd', imagesRbdPool: 'pool1' },
  ploop: { imagesType: 'ploop' },
} as const satisfies Record<string, HostStorageOptionsInput>;

/** A name of {@link OPTIONS}. */
export type OptionsName = keyof typeof OPTIONS;

/** Every name of {@link OPTIONS}. */
export const OPTION_NAMES = Object.keys(OPTIONS) as OptionsName[];

/** One option set per backend (the shared rbd pool stands for rbd). */
export const BACKEND_OPTIONS: readonly OptionsName[] = ['flat/raw', 'qcow2/default', 'lvm', 'rbd/shared', 'ploop'];
