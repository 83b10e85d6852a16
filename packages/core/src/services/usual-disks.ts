import type { DiskName } from '@disk-ledger/domain';

/** The disks with a BDM row that the classic driver makes for most instances. */
export const USUAL_BDM_DISKS: readonly DiskName[] = ['root', 'ephemeral0', 'swap'];

/** The usual disks of an instance booted from a volume. */
export const LOCAL_BESIDE_VOLUME: readonly DiskName[] = ['ephemeral0', 'swap'];
