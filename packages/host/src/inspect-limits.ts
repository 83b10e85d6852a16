import type { ResourceLimits } from '@disk-ledger/domain';

/**
 * The limits every `qemu-img info` of an image this host did not write
 * itself runs under (SECURITY.md rule 4): a download before it is verified,
 * and a guest's disk, whose bytes the guest controls. The classic driver's:
 * 30 s of CPU, 1 GiB of address space.
 */
export const DEFAULT_INSPECT_LIMITS: ResourceLimits = { cpuSeconds: 30, addressSpaceBytes: 1024 * 1024 * 1024 };

/**
 * The limits a verified vmdk's conversion to raw runs under. Its grain
 * tables were read under {@link DEFAULT_INSPECT_LIMITS}, but the conversion
 * opens them again, and a process that a crafted image drives out of its
 * address space should die, not take the host's memory. A conversion
 * reserves more than an inspection: each of its I/O threads has a stack and
 * a malloc arena (a 4 GiB image peaked at about 520 MiB with 6 threads on 2
 * cores, and more cores make more), so its bound is 4 GiB. Converting costs
 * CPU in proportion to the image's data (decompressing a streamOptimized
 * image), so the CPU bound is an hour rather than the inspection's 30 s: it
 * stops a runaway process, not a large image.
 */
export const DEFAULT_CONVERT_LIMITS: ResourceLimits = { cpuSeconds: 3600, addressSpaceBytes: 4 * 1024 * 1024 * 1024 };
