/**
 * Whether a layout an operator states for one disk would point at another
 * disk of the same instance: a second record naming one file or volume
 * would have an operation on either remove or overwrite the other's data.
 */
import { instanceDir, isDiskName, novaFileName, type DiskLocation, type DiskMetadata, type DiskName, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { LocationTaken } from '../errors/core-error.js';
import type { HostContext } from '../host-context.js';
import { locate, placeKey } from './disk-locator.js';

const FIXED: readonly DiskName[] = ['root', 'swap', 'config', 'rescue', 'kernel', 'ramdisk'];
const EPHEMERAL_FILE = /^disk\.eph([0-9]+)$/;

/** The disk nova names `name` (a file in the instance directory, or after `<instance>_` in a volume's name), if any. */
const roleOfNovaName = (name: string): DiskName | null => {
  if (name === 'disk.local') return 'ephemeral0';
  const fixed = FIXED.find((d) => novaFileName(d) === name);
  if (fixed !== undefined) return fixed;
  const eph = EPHEMERAL_FILE.exec(name);
  const role = eph === null ? null : `ephemeral${eph[1] ?? ''}`;
  return isDiskName(role) ? role : null;
};

/** Which other disk's place nova would make `at`, for this instance. */
const novaPlaceOf = (ctx: HostContext, instance: InstanceId, at: DiskLocation): DiskName | null => {
  // A located volume is always the instance's own, `<instance>_<name>` (resolveLocation refuses any other).
  if (at.backend === 'lvm' || at.backend === 'rbd') return roleOfNovaName((at.backend === 'lvm' ? at.lv : at.image).slice(instance.length + 1));
  const dir = `${instanceDir(ctx.instancesPath, instance)}/`;
  return at.path.startsWith(dir) ? roleOfNovaName(at.path.slice(dir.length)) : null;
};

/**
 * `null` when `probe`, the layout stated for `disk`, is at a place of its
 * own; else the refusal naming the disk whose place it is: one a record of
 * the instance names, or nova's place for another of its disks.
 */
export const locationTaken = (
  ctx: HostContext,
  instance: InstanceId,
  disk: DiskName,
  probe: DiskMetadata,
  slots: ReadonlyMap<DiskName, { readonly meta: DiskMetadata | null }>,
): LocationTaken | null => {
  const mine = locate(ctx, instance, disk, probe);
  if (E.isLeft(mine)) return null;
  const at = placeKey(mine.right.location);
  const refusal = (other: DiskName, whose: string): LocationTaken => ({
    _tag: 'LocationTaken', code: 'LOCATION_TAKEN', instance, disk, path: 'location',
    message: `${instance}/${disk} cannot be at ${probe.location ?? at}: that is ${whose} ${other} disk`,
  });
  for (const [other, { meta }] of slots) {
    if (other === disk || meta === null) continue;
    const theirs = locate(ctx, instance, other, meta);
    if (E.isRight(theirs) && placeKey(theirs.right.location) === at) return refusal(other, 'where a record puts the instance’s');
  }
  const role = novaPlaceOf(ctx, instance, mine.right.location);
  if (role !== null && role !== disk) return refusal(role, 'nova’s place for the instance’s');
  const file = bookkeepingFile(ctx, instance, mine.right.location);
  return file === null ? null : {
    _tag: 'LocationTaken', code: 'LOCATION_TAKEN', instance, disk, path: 'location',
    message: `${instance}/${disk} cannot be at ${probe.location ?? at}: that is nova’s ${file} of the instance, not a disk`,
  };
};

/** Files nova keeps in an instance directory that are no disk: the classic driver's facts, the guest's console, its domain. */
const BOOKKEEPING: ReadonlySet<string> = new Set(['disk.info', 'console.log', 'libvirt.xml']);

const bookkeepingFile = (ctx: HostContext, instance: InstanceId, at: DiskLocation): string | null => {
  if (at.backend === 'lvm' || at.backend === 'rbd') return null;
  const dir = `${instanceDir(ctx.instancesPath, instance)}/`;
  const name = at.path.startsWith(dir) ? at.path.slice(dir.length) : null;
  return name !== null && BOOKKEEPING.has(name) ? name : null;
};
