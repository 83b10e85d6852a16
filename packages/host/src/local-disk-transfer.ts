/**
 * Adapts the `DiskTransfer` port for compute hosts that share this machine's
 * file system (the simulator's real mode, tests): a plain file copy, which
 * reads no format. Node errors become `FileSystemError` values here.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DiskTransfer, HostPath, StorageError } from '@disk-ledger/domain';
import * as TE from 'fp-ts/lib/TaskEither.js';

const toError = (path: string) => (e: unknown): StorageError => {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  return {
    _tag: 'FileSystemError',
    code: code === 'ENOENT' ? 'FS_NOT_FOUND' : code === 'EEXIST' ? 'FS_EXISTS' : 'FS_ERROR',
    path,
    message: `copy ${path}: ${e instanceof Error ? e.message : String(e)}`,
    cause: e,
  };
};

/** File copies between hosts whose paths live on this machine. */
export class LocalDiskTransfer implements DiskTransfer {
  copyFile(_fromHost: string, from: HostPath, _toHost: string, to: HostPath): TE.TaskEither<StorageError, void> {
    return TE.tryCatch(async () => {
      await mkdir(dirname(to), { recursive: true });
      await copyFile(from, to);
    }, toError(from));
  }
}
