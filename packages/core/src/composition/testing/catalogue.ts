/**
 * The image catalogue the lifecycle tests boot from: benign images of each
 * declared format a disk is made from, a kernel/ramdisk pair, and one hostile
 * image per (declared format, hostile kind), every hostile one pointing at
 * the host secret. Test-only.
 */
import { HOSTILE_KINDS, type HostileKind } from '@disk-ledger/domain';
import type { ImageSpec } from '@disk-ledger/fake';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** The host file planted as a secret on every host. */
export const SECRET = '/etc/shadow';

/** Benign images, by role. */
export const IMAGES = {
  qcow2: 'cirros-qcow2',
  raw: 'cirros-raw',
  ami: 'cirros-ami',
  kernel: 'cirros-kernel',
  ramdisk: 'cirros-ramdisk',
  rescue: 'rescue-raw',
  big: 'big-raw',
  vmdk: 'benign-vmdk',
  /** A virtual size that is whole sectors but neither whole KiB nor whole LVM extents. */
  odd: 'odd-raw',
} as const;

/** Declared formats a hostile image is uploaded as. */
export const HOSTILE_DECLARED = ['qcow2', 'raw', 'vmdk'] as const;

/** The id of the hostile image of `kind` declared as `declared`. */
export const hostileImage = (declared: (typeof HOSTILE_DECLARED)[number], kind: HostileKind): string => `evil-${declared}-${kind}`;

/** Every hostile image id. */
export const HOSTILE_IMAGES: readonly string[] = HOSTILE_DECLARED.flatMap((d) => HOSTILE_KINDS.map((k) => hostileImage(d, k)));

/** The default catalogue. */
export const CATALOGUE: readonly ImageSpec[] = [
  { id: IMAGES.qcow2, diskFormat: 'qcow2', virtualSize: GiB },
  { id: IMAGES.raw, diskFormat: 'raw', virtualSize: GiB },
  { id: IMAGES.kernel, diskFormat: 'aki', virtualSize: 8 * MiB },
  { id: IMAGES.ramdisk, diskFormat: 'ari', virtualSize: 16 * MiB },
  { id: IMAGES.ami, diskFormat: 'ami', virtualSize: GiB, kernelId: IMAGES.kernel, ramdiskId: IMAGES.ramdisk },
  { id: IMAGES.rescue, diskFormat: 'raw', virtualSize: 512 * MiB },
  { id: IMAGES.big, diskFormat: 'raw', virtualSize: 4 * GiB },
  { id: IMAGES.vmdk, diskFormat: 'vmdk', virtualSize: GiB },
  { id: IMAGES.odd, diskFormat: 'raw', virtualSize: 10 * MiB + 512 },
  ...HOSTILE_DECLARED.flatMap((diskFormat) =>
    HOSTILE_KINDS.map((kind): ImageSpec => ({ id: hostileImage(diskFormat, kind), diskFormat, virtualSize: GiB, content: kind, target: SECRET })),
  ),
];

/** Images whose image service declares no virtual size, or too small a one, for a 4 GiB qcow2 and a 4 GiB raw image. */
export const MISSIZED = { unsized: 'unsized-qcow2', understated: 'understated-qcow2', understatedRaw: 'understated-raw' } as const;

/** The {@link MISSIZED} images, to add to a fleet's catalogue. */
export const MISSIZED_IMAGES: readonly ImageSpec[] = [
  { id: MISSIZED.unsized, diskFormat: 'qcow2', virtualSize: 4 * GiB, declaredVirtualSize: null },
  { id: MISSIZED.understated, diskFormat: 'qcow2', virtualSize: 4 * GiB, declaredVirtualSize: 64 * MiB },
  { id: MISSIZED.understatedRaw, diskFormat: 'raw', virtualSize: 4 * GiB, declaredVirtualSize: 64 * MiB },
];

/** The flavor instances boot with: every kind of local disk. */
export const FLAVOR = { root: 2 * GiB, ephemeral: GiB, swap: 512 * MiB } as const;
/** A larger flavor, for resizes that grow every disk. */
export const BIGGER = { root: 4 * GiB, ephemeral: 2 * GiB, swap: GiB } as const;
