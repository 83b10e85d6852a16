import {
  planDisk,
  planToRecord,
  recordLocation,
  type DiskMetadata,
  type DiskName,
  type DiskRequest,
  type HostStorageOptions,
  type ImageId,
  type InstanceId,
  imageId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { LifecycleError } from './lifecycle-deps.js';

/** How one disk gets to the destination host. */
export type MoveAction =
  /** Nothing to move: the disk is on storage both hosts share (an rbd pool of the same name). */
  | 'keep'
  /** Copy its data, with both formats named. */
  | 'copy'
  /** Make it anew from its source (swap always; every disk when the source host is down). */
  | 'recreate'
  /**
   * A disk the new flavor of a resize adds (an ephemeral or swap disk the
   * instance did not have): made on the destination only, as nova's
   * `_create_image` makes what the flavor asks for and the instance lacks.
   * Nothing of it is on the source; its `from` is its `to`.
   */
  | 'add'
  /**
   * A disk of an evacuated instance that has no record (the classic driver
   * made it, and its host is down, so nothing says what it was): made anew on
   * the destination from the instance's image and flavor, as nova's
   * evacuation rebuilds it. Its BDM row was there before the move, so no
   * rollback may remove its record; such an evacuation commits to its
   * destination before it writes anything (move.ts). Its `from` is the
   * volume the source's options put it in (left for the source to remove
   * when it comes back), or its `to` for a file.
   */
  | 'rebuild';

/** One disk's destination record and how to get there. */
export interface MovePlan {
  readonly disk: DiskName;
  readonly from: DiskMetadata;
  readonly to: DiskMetadata;
  readonly action: MoveAction;
}

/** Whether the disk exists on the source host apart from the destination's: it is staged, restored on rollback, removed on confirm. */
export const onSource = (p: MovePlan): boolean => p.action === 'copy' || p.action === 'recreate';

const poolOf = (location: string | null): string | null => location?.split('/')[0] ?? null;

/**
 * Where a recorded disk goes on the destination: its own layout when the
 * destination can host that backend (files anywhere; lvm with a volume group
 * there; rbd when the pool is shared), otherwise an explicit conversion to the
 * layout the destination gives a new disk of that role. The size is as
 * asked; the mover rounds it to the destination's allocation unit.
 */
export const planMove = (
  instance: InstanceId,
  disk: DiskName,
  from: DiskMetadata,
  dest: HostStorageOptions,
  size: number,
  sourceDown: boolean,
): E.Either<LifecycleError, MovePlan> => {
  const action: MoveAction = disk === 'swap' || sourceDown ? 'recreate' : 'copy';
  // Swap holds nothing to keep and is made anew on the destination: at the new flavor's size, smaller or not.
  const resized = disk === 'swap' && size > 0 ? size : Math.max(from.size, size);
  const grown: DiskMetadata = { ...from, size: resized, state: 'creating' };
  switch (from.backend) {
    case 'flat':
    case 'qcow2':
    case 'ploop':
      return E.right({ disk, from, to: grown, action });
    case 'lvm':
      if (dest.imagesVolumeGroup !== null) {
        return E.right({ disk, from, to: { ...grown, location: recordLocation('lvm', instance, disk, dest.imagesVolumeGroup, null) }, action });
      }
      break;
    case 'rbd':
      if (dest.imagesRbdPool !== null && dest.imagesRbdPool === poolOf(from.location)) {
        return E.right({ disk, from, to: grown, action: 'keep' });
      }
      break;
  }
  return E.map((p: Parameters<typeof planToRecord>[0]): MovePlan => ({
    disk,
    from,
    to: { ...planToRecord(p), size: grown.size, imageId: from.imageId, imageFormat: from.imageFormat },
    action,
  }))(planDisk(dest, instance, conversionRequest(disk, from, grown.size)));
};

/**
 * The disks a resize to `flavor` adds: the first ephemeral disk when the
 * flavor has ephemeral space and the instance no ephemeral disk, and swap
 * when the flavor has swap and the instance none. A disk the flavor no
 * longer asks for is kept, as nova keeps the instance's files.
 */
export const addedRequests = (have: Iterable<DiskName>, flavor: { readonly ephemeral: number; readonly swap: number }): DiskRequest[] => {
  const names = [...have];
  const out: DiskRequest[] = [];
  if (flavor.ephemeral > 0 && !names.some((d) => d.startsWith('ephemeral'))) out.push({ disk: 'ephemeral0', size: flavor.ephemeral });
  if (flavor.swap > 0 && !names.includes('swap')) out.push({ disk: 'swap', size: flavor.swap });
  return out;
};

// Placement reads only the declared format; the id of a derived record's unknown image is a placeholder.
const PLACEHOLDER = E.getOrElse((): ImageId => { throw new Error('unreachable: constant id is valid'); })(imageId('converted'));

/** The request that places a disk of this role anew; the source image's declared format decides qcow2 vs raw. */
const conversionRequest = (disk: DiskName, from: DiskMetadata, size: number): DiskRequest => {
  const id = E.getOrElse(() => PLACEHOLDER)(imageId(from.imageId ?? 'converted'));
  const image = { id, diskFormat: from.imageFormat ?? 'raw', virtualSize: null };
  switch (disk) {
    case 'root':
    case 'rescue':
      return { disk, image, flavorSize: size };
    case 'kernel':
    case 'ramdisk':
      return { disk, image: { ...image, virtualSize: size } };
    case 'swap':
      return { disk: 'swap', size };
    case 'config':
      return { disk: 'config', files: [] };
    default:
      return { disk, size };
  }
};
