/**
 * Adapts the `HostFiles` port to `node:fs/promises`. Paths are checked again
 * with the domain's `hostPath` before use (a branded type can be cast, a
 * path reaching the file system cannot be taken back). Atomic writes go to a
 * temporary file in the same directory, are flushed, then renamed over the
 * target. Error mapping: ENOENT → `FS_NOT_FOUND`, EEXIST → `FS_EXISTS`,
 * anything else (and an unsafe path) → `FS_ERROR`, each with the path.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { ENTRY_KIND_WORDS, hostPath, type EntryKind, type FileSystemError, type HostFiles, type HostPath } from '@disk-ledger/domain';

/** Most bytes `readHead` returns: it is for headers, not for reading disks. */
export const MAX_HEAD_BYTES = 16 * 1024 * 1024;

/** The node:fs implementation of `HostFiles`. */
export class NodeHostFiles implements HostFiles {
  exists(path: HostPath): TE.TaskEither<FileSystemError, boolean> {
    return attempt(path, 'stat', async (p) => {
      try {
        // lstat: a dangling symlink is still something at the path.
        await fs.lstat(p);
        return true;
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') return false;
        throw e;
      }
    });
  }

  mkdirp(path: HostPath): TE.TaskEither<FileSystemError, void> {
    return attempt(path, 'mkdir', async (p) => {
      await fs.mkdir(p, { recursive: true });
    });
  }

  readText(path: HostPath): TE.TaskEither<FileSystemError, string> {
    return attempt(path, 'read', (p) => fs.readFile(p, 'utf8'));
  }

  writeTextAtomic(path: HostPath, text: string): TE.TaskEither<FileSystemError, void> {
    return attempt(path, 'write', async (p) => {
      const temp = `${p}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
      try {
        const handle = await fs.open(temp, 'wx', 0o644);
        try {
          await handle.writeFile(text, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(temp, p);
      } catch (e) {
        await fs.rm(temp, { force: true });
        throw e;
      }
    });
  }

  readHead(path: HostPath, length: number): TE.TaskEither<FileSystemError, Uint8Array> {
    if (!Number.isSafeInteger(length) || length < 0 || length > MAX_HEAD_BYTES) {
      return TE.left(fsError('FS_ERROR', String(path), `read head: length ${length} is not 0-${MAX_HEAD_BYTES}`));
    }
    return attempt(path, 'read head', async (p) => {
      const handle = await fs.open(p, 'r');
      try {
        const buffer = new Uint8Array(length);
        let filled = 0;
        // A read may return fewer bytes than asked before end of file.
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.slice(0, filled);
      } finally {
        await handle.close();
      }
    });
  }

  rename(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void> {
    return pipe(
      TE.fromEither(checked(to)),
      TE.chain(() => attempt(from, 'rename', (p) => fs.rename(p, to))),
    );
  }

  replace(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void> {
    return pipe(
      TE.fromEither(checked(to)),
      TE.chain(() =>
        attempt(from, 'replace', async (p) => {
          const target = await fs.lstat(to);
          if (!target.isFile()) throw Object.assign(new Error(`${to} is not a regular file`), { code: 'EINVAL' });
          await fs.chmod(p, target.mode & 0o7777);
          const copy = await fs.stat(p);
          // Only root may give a file away; a disk already ours needs nothing.
          if (copy.uid !== target.uid || copy.gid !== target.gid) await fs.chown(p, target.uid, target.gid);
          await fs.rename(p, to);
        }),
      ),
    );
  }

  remove(path: HostPath): TE.TaskEither<FileSystemError, void> {
    return attempt(path, 'remove', (p) => fs.rm(p, { recursive: true, force: true }));
  }

  list(path: HostPath): TE.TaskEither<FileSystemError, readonly string[]> {
    return attempt(path, 'list', async (p) => (await fs.readdir(p)).sort());
  }

  entryKind(path: HostPath): TE.TaskEither<FileSystemError, EntryKind | null> {
    return attempt(path, 'stat', async (p) => {
      try {
        return kindOf(await fs.lstat(p));
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') return null;
        throw e;
      }
    });
  }

  fileSize(path: HostPath): TE.TaskEither<FileSystemError, number> {
    return pipe(
      attempt(path, 'stat', (p) => fs.lstat(p)),
      TE.chain((st) =>
        st.isFile() ? TE.right(st.size) : TE.left(fsError('FS_ERROR', String(path), `${path} is not a regular file: it is ${ENTRY_KIND_WORDS[kindOf(st)]}`)),
      ),
    );
  }
}

/** What an `lstat` saw: a regular file with more than one link is `linked`. */
const kindOf = (st: Stats): EntryKind =>
  st.isFile() ? (st.nlink > 1 ? 'linked' : 'file') : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other';

const checked = (path: HostPath): E.Either<FileSystemError, HostPath> =>
  pipe(
    hostPath(String(path)),
    E.mapLeft((e) => fsError('FS_ERROR', String(path), `refused: ${e.message}`)),
  );

/** Check the path, run the operation, and turn its exception into a `FileSystemError` (once, here). */
const attempt = <A>(path: HostPath, what: string, op: (p: HostPath) => Promise<A>): TE.TaskEither<FileSystemError, A> =>
  pipe(
    TE.fromEither(checked(path)),
    TE.chain((p) =>
      TE.tryCatch(
        () => op(p),
        (e) => {
          const errno = errnoOf(e);
          const code = errno === 'ENOENT' ? 'FS_NOT_FOUND' : errno === 'EEXIST' ? 'FS_EXISTS' : 'FS_ERROR';
          return fsError(code, p, `${what} ${p}: ${e instanceof Error ? e.message : String(e)}`, e);
        },
      ),
    ),
  );

const errnoOf = (e: unknown): string | null =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : null;

const fsError = (code: FileSystemError['code'], path: string, message: string, cause?: unknown): FileSystemError => ({
  _tag: 'FileSystemError',
  code,
  path,
  message,
  cause,
});
