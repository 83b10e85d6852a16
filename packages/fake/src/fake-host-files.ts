/**
 * Adapts the `HostFiles` port to one host of a `FakeCluster`: the same
 * in-memory file system the emulated commands use. Errors map as on a real
 * file system: a missing file or parent is `FS_NOT_FOUND`, an existing one
 * where a new one was required `FS_EXISTS`, anything else (a directory where
 * a file was expected, a relative path) `FS_ERROR`. `readHead` renders the
 * real leading bytes of the content. While the host is down every operation
 * rejects with `HostDown`.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EntryKind, FileSystemError, HostFiles, HostPath } from '@disk-ledger/domain';
import { renderHead } from './content/render-head.js';
import { textVolume, volumeText } from './content/volume.js';
import type { ClusterState } from './state/cluster-state.js';
import { normalizePath, STRERROR, type FakeFileSystem, type FsFailure, type FsFailureCode, type FsResult } from './state/file-system.js';

const codeOf = (c: FsFailureCode): FileSystemError['code'] => (c === 'ENOENT' ? 'FS_NOT_FOUND' : c === 'EEXIST' ? 'FS_EXISTS' : 'FS_ERROR');

/** A `FileSystemError` for a failed operation on `path`. */
export const fsError = (op: string, f: FsFailure): FileSystemError => ({
  _tag: 'FileSystemError',
  code: codeOf(f.code),
  path: f.path,
  message: `${op} ${f.path}: ${STRERROR[f.code]}`,
});

// The operations that need nothing but the path, made once rather than as a closure per call
// (the drivers check, create and remove files on every disk operation).
const EXISTS: FsResult<boolean> = { ok: true, value: true };
const ABSENT: FsResult<boolean> = { ok: true, value: false };
const existsIn = (fs: FakeFileSystem, p: string): FsResult<boolean> => (fs.exists(p) ? EXISTS : ABSENT);
const mkdirpIn = (fs: FakeFileSystem, p: string): FsResult<void> => fs.mkdirp(p);
const removeIn = (fs: FakeFileSystem, p: string): FsResult<void> => fs.remove(p);
const listIn = (fs: FakeFileSystem, p: string): FsResult<readonly string[]> => fs.list(p);
const readTextIn = (fs: FakeFileSystem, p: string): FsResult<string> => {
  const v = fs.file(p);
  if (v !== undefined) return { ok: true, value: volumeText(v) };
  return { ok: false, failure: { code: fs.isDir(p) ? 'EISDIR' : 'ENOENT', path: p } };
};

/** File operations on one host of a fake cluster. */
export class FakeHostFiles implements HostFiles {
  constructor(
    private readonly cluster: ClusterState,
    /** The host whose files these are. */
    readonly host: string,
  ) {
    cluster.host(host);
  }

  exists(path: HostPath): TE.TaskEither<FileSystemError, boolean> {
    return this.op('exists', path, existsIn);
  }

  mkdirp(path: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.op('mkdir', path, mkdirpIn);
  }

  readText(path: HostPath): TE.TaskEither<FileSystemError, string> {
    return this.op('read', path, readTextIn);
  }

  writeTextAtomic(path: HostPath, text: string): TE.TaskEither<FileSystemError, void> {
    return this.op('write', path, (fs, p) => fs.writeFile(p, textVolume(text)));
  }

  readHead(path: HostPath, length: number): TE.TaskEither<FileSystemError, Uint8Array> {
    return this.op('read', path, (fs, p) => {
      if (!Number.isSafeInteger(length) || length < 0) return { ok: false, failure: { code: 'EINVAL', path: p } };
      const v = fs.file(p);
      if (v !== undefined) return { ok: true, value: renderHead(v, length) };
      return { ok: false, failure: { code: fs.isDir(p) ? 'EISDIR' : 'ENOENT', path: p } };
    });
  }

  rename(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.op('rename', from, (fs, p) => {
      const target = normalizePath(to);
      return target === null ? { ok: false, failure: { code: 'EINVAL', path: to } } : fs.rename(p, target);
    });
  }

  /** The emulated host keeps no owners or modes: a rename over a file that must be there. */
  replace(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.op('rename', from, (fs, p) => {
      const target = normalizePath(to);
      if (target === null) return { ok: false, failure: { code: 'EINVAL', path: to } };
      return fs.file(target) === undefined ? { ok: false, failure: { code: fs.isDir(target) ? 'EISDIR' : 'ENOENT', path: to } } : fs.rename(p, target);
    });
  }

  remove(path: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.op('remove', path, removeIn);
  }

  list(path: HostPath): TE.TaskEither<FileSystemError, readonly string[]> {
    return this.op('list', path, listIn);
  }

  /** The in-memory host has no symbolic links: a file or a directory. */
  entryKind(path: HostPath): TE.TaskEither<FileSystemError, EntryKind | null> {
    return this.op('stat', path, (fs, p) => ({ ok: true, value: fs.file(p) !== undefined ? 'file' : fs.isDir(p) ? 'directory' : null }));
  }

  /** The in-memory host has no symbolic links: every file is a regular one. */
  fileSize(path: HostPath): TE.TaskEither<FileSystemError, number> {
    return this.op('stat', path, (fs, p) => {
      const v = fs.file(p);
      if (v !== undefined) return { ok: true, value: v.length };
      return { ok: false, failure: { code: fs.isDir(p) ? 'EISDIR' : 'ENOENT', path: p } };
    });
  }

  /** Run one operation on the host's file system when the task runs; a relative path is `FS_ERROR`. */
  private op<A>(name: string, path: string, f: (fs: FakeFileSystem, path: string) => FsResult<A>): TE.TaskEither<FileSystemError, A> {
    return async () => {
      const fs = this.cluster.liveHost(this.host).fs;
      const p = normalizePath(path);
      const r: FsResult<A> = p === null ? { ok: false, failure: { code: 'EINVAL', path } } : f(fs, p);
      return r.ok ? E.right(r.value) : E.left(fsError(name, r.failure));
    };
  }
}
