/**
 * The classic driver cached images unverified, and a legacy overlay's header
 * (the guest's to rewrite, if the classic driver took a raw disk for qcow2)
 * states which format its base is opened with. A raw entry whose bytes begin
 * with a qcow2 header is harmless read as raw, but read as the qcow2 the
 * header states it names whatever file those bytes name. So a base is
 * checked as the cache checks its own entries, opened with the format the
 * overlay states: raw, or a qcow2 that names no file of its own.
 */
import { hostPath, type DiskDrivers, type DiskName, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { CoreError } from '../errors/core-error.js';
import { backingRefused } from './adoption-errors.js';

/** `LEGACY_BACKING_REFUSED` unless `file`, opened as `format`, exists and names no backing or data file. */
export const plainBase = async (drivers: DiskDrivers, instance: InstanceId, disk: DiskName, file: string, format: string | null): Promise<E.Either<CoreError, void>> => {
  const refused = E.left(backingRefused(instance, disk, file, format));
  if (format !== 'raw' && format !== 'qcow2') return refused;
  const path = hostPath(file, 'backing file');
  if (E.isLeft(path)) return refused;
  const driver = await drivers.forBackend('flat')();
  if (E.isLeft(driver)) return driver;
  const state = await driver.right.inspect({ location: { backend: 'flat', path: path.right }, format })();
  if (E.isLeft(state)) return state.left._tag === 'CommandFailed' ? refused : state;
  return !state.right.exists || state.right.backing !== undefined || state.right.dataFile !== undefined ? refused : E.right(undefined);
};
