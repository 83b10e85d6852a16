/**
 * What a generated fleet is made of: the kinds of host storage options it
 * mixes, the image catalogue (benign images of each placeable format, a
 * kernel/ramdisk pair, and one hostile image per hostile content kind), and
 * the flavors instances boot with.
 */
import { HOSTILE_KINDS, type HostileKind } from '@disk-ledger/domain';
import type { Flavor, HostConfig, ImageSpec } from '../scenario/scenario.js';
import type { Prng } from './prng.js';

// ---- types

/** A kind of host: a family of valid storage options. */
export type HostKind = 'flat' | 'qcow2' | 'lvm' | 'rbd-shared' | 'rbd-own' | 'ploop';

// ---- hosts

/** Every host kind, in a fixed order (the census and reports list them so). */
export const HOST_KINDS: readonly HostKind[] = ['flat', 'qcow2', 'lvm', 'rbd-shared', 'rbd-own', 'ploop'];

/** How often each kind is drawn once every kind has one host. */
const KIND_WEIGHTS: readonly number[] = [25, 30, 15, 15, 5, 10];

/** The pool every `rbd-shared` host names. */
export const SHARED_POOL = 'vms';

/** The host secret planted on every host and named by every hostile write. */
export const SECRET = '/etc/shadow';

/**
 * A valid configuration of `kind` for host `name`, with a seeded variation
 * of the options that do not change the backend. Every key that matters is
 * given, because a reconfigure merges keys into the host's current ones.
 */
export const hostConfig = (kind: HostKind, name: string, prng: Prng): HostConfig => {
  const prealloc = prng.chance(0.2) ? 'space' : 'none';
  switch (kind) {
    case 'flat':
      return { images_type: prng.chance(0.5) ? 'raw' : 'flat', use_cow_images: false, force_raw_images: prng.chance(0.8), preallocate_images: prealloc };
    case 'qcow2':
      return prng.chance(0.7)
        ? { images_type: 'default', use_cow_images: true, force_raw_images: prng.chance(0.8), preallocate_images: prealloc }
        : { images_type: 'qcow2', use_cow_images: true, force_raw_images: true, preallocate_images: prealloc };
    case 'lvm':
      return { images_type: 'lvm', images_volume_group: 'nova-vg', force_raw_images: true, preallocate_images: prealloc };
    case 'rbd-shared':
      return { images_type: 'rbd', images_rbd_pool: SHARED_POOL, force_raw_images: true, preallocate_images: 'none' };
    case 'rbd-own':
      return { images_type: 'rbd', images_rbd_pool: `${name}-pool`, force_raw_images: true, preallocate_images: 'none' };
    case 'ploop':
      return { images_type: 'ploop', force_raw_images: true, preallocate_images: prealloc };
  }
};

/**
 * The kinds of `n` hosts: every kind once (in a seeded order) while there is
 * room, then weighted draws, so a small fleet is still heterogeneous.
 */
export const hostKinds = (n: number, prng: Prng): HostKind[] => {
  const first = [...HOST_KINDS];
  for (let i = first.length - 1; i > 0; i -= 1) {
    const j = prng.int(i + 1);
    const a = first[i];
    const b = first[j];
    if (a !== undefined && b !== undefined) {
      first[i] = b;
      first[j] = a;
    }
  }
  const out: HostKind[] = first.slice(0, n);
  while (out.length < n) out.push(HOST_KINDS[prng.weighted(KIND_WEIGHTS)] ?? 'flat');
  return out;
};

// ---- images

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Benign images an instance boots, rebuilds or is rescued from. */
export const BENIGN_IMAGES = ['cirros-qcow2', 'cirros-raw', 'debian-qcow2', 'ubuntu-raw', 'cirros-ami'] as const;

/** The image a rescue disk is made from. */
export const RESCUE_IMAGE = 'rescue-raw';

/** The hostile image of a content kind: declared as an ordinary image, its bytes are the kind's header. */
export const hostileImage = (kind: HostileKind): string => `evil-${kind}`;

/** The hostile kinds, each with its image. */
export const HOSTILE_IMAGES: readonly string[] = HOSTILE_KINDS.map(hostileImage);

const declaredAs = (kind: HostileKind): ImageSpec['disk_format'] =>
  kind === 'raw-with-qcow2-header' ? 'raw' : kind === 'vmdk-flat-extent' ? 'vmdk' : 'qcow2';

/** The image catalogue of every generated fleet. */
export const FLEET_IMAGES: readonly ImageSpec[] = [
  { id: 'cirros-qcow2', disk_format: 'qcow2', virtual_size: GiB },
  { id: 'cirros-raw', disk_format: 'raw', virtual_size: GiB },
  { id: 'debian-qcow2', disk_format: 'qcow2', virtual_size: 2 * GiB },
  { id: 'ubuntu-raw', disk_format: 'raw', virtual_size: 2 * GiB },
  { id: 'cirros-kernel', disk_format: 'aki', virtual_size: 8 * MiB },
  { id: 'cirros-ramdisk', disk_format: 'ari', virtual_size: 16 * MiB },
  { id: 'cirros-ami', disk_format: 'ami', virtual_size: GiB, kernel_id: 'cirros-kernel', ramdisk_id: 'cirros-ramdisk' },
  { id: RESCUE_IMAGE, disk_format: 'raw', virtual_size: 512 * MiB },
  ...HOSTILE_KINDS.map((kind): ImageSpec => ({ id: hostileImage(kind), disk_format: declaredAs(kind), virtual_size: GiB, content: kind, target: SECRET })),
];

/** The virtual size of a catalogue image (bytes). */
export const imageSize = (id: string): number => FLEET_IMAGES.find((i) => i.id === id)?.virtual_size ?? GiB;

// ---- flavors

/** Flavors by name, smallest first: a resize draws a flavor at least as large as the current one. */
export const FLAVORS: Readonly<Record<string, Flavor>> = {
  tiny: { root: GiB },
  small: { root: 2 * GiB, ephemeral: 512 * MiB, swap: 256 * MiB },
  medium: { root: 4 * GiB, ephemeral: GiB, swap: 512 * MiB },
  large: { root: 8 * GiB, ephemeral: 2 * GiB, swap: GiB },
};

/** Flavor names, smallest first. */
export const FLAVOR_NAMES: readonly string[] = Object.keys(FLAVORS);
