import type { ResourceLimits } from '@disk-ledger/domain';

/**
 * The limits every `qemu-img info` of an image this host did not write
 * itself runs under (SECURITY.md rule 4): a download before it is verified,
 * and a guest's disk, whose bytes the guest controls. The classic driver's:
 * 30 s of CPU, 1 GiB of address space.
 */
export const DEFAULT_INSPECT_LIMITS: ResourceLimits = { cpuSeconds: 30, addressSpaceBytes: 1024 * 1024 * 1024 };
