/**
 * Adapts the `DiskTransfer` port for compute hosts that share this machine's
 * file system (the simulator's real mode, tests, one-machine deployments):
 * byte-for-byte copies that keep holes, as `rsync --sparse` does between
 * compute hosts, with `cp --sparse=always` (an argv, no shell). A plain copy
 * would write every zero of a sparse 20 GiB disk. Nothing is opened as an
 * image, so no format is read. Errors are `FileSystemError` values.
 */
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { DiskTransfer, FileSystemError, HostPath, StorageError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

const execFileP = promisify(execFile);

const fsError = (code: FileSystemError['code'], path: string, message: string): FileSystemError => ({ _tag: 'FileSystemError', code, path, message });

const errnoOf = (e: unknown): string => (typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '');

/** Copy `from` to `to` (missing parents made, an existing target replaced), keeping holes. */
export const sparseCopy = async (from: string, to: string): Promise<E.Either<FileSystemError, void>> => {
  try {
    await stat(from);
  } catch (e) {
    const code = errnoOf(e);
    return E.left(fsError(code === 'ENOENT' ? 'FS_NOT_FOUND' : 'FS_ERROR', from, `copy ${from}: ${e instanceof Error ? e.message : code}`));
  }
  try {
    await mkdir(dirname(to), { recursive: true });
    await execFileP('cp', ['--sparse=always', '--', from, to], { env: { ...process.env, LC_ALL: 'C' } });
    return E.right(undefined);
  } catch (e) {
    const stderr = typeof e === 'object' && e !== null && 'stderr' in e ? String(e.stderr).trim() : '';
    return E.left(fsError('FS_ERROR', from, `copy ${from} to ${to}: ${stderr || (e instanceof Error ? e.message : String(e))}`));
  }
};

/** File copies between hosts whose paths live on this machine, holes kept. */
export class LocalDiskTransfer implements DiskTransfer {
  copyFile(_fromHost: string, from: HostPath, _toHost: string, to: HostPath): TE.TaskEither<StorageError, void> {
    return () => sparseCopy(from, to);
  }
}
