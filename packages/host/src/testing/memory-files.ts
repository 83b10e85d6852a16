/**
 * A minimal in-memory `HostFiles` for argv-level unit tests: a set of paths
 * with optional text or bytes. It fails loudly (`FS_NOT_FOUND`) for what it
 * does not hold.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EntryKind, FileSystemError, HostFiles, HostPath } from '@disk-ledger/domain';

/** Like the real adapter, the effect happens when the task runs, not when it is built. */
const lazy = <A>(f: () => E.Either<FileSystemError, A>): TE.TaskEither<FileSystemError, A> => () => Promise.resolve(f());

const notFound = (path: string): FileSystemError => ({ _tag: 'FileSystemError', code: 'FS_NOT_FOUND', path, message: `no such file ${path}` });

/** Paths that exist, with their content. */
export class MemoryFiles implements HostFiles {
  readonly entries = new Map<string, Uint8Array | null>();

  constructor(paths: readonly string[] = []) {
    for (const p of paths) this.entries.set(p, new Uint8Array());
  }

  /** Add a file with content. */
  put(path: string, content: Uint8Array | string): void {
    this.entries.set(path, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  }

  exists(path: HostPath): TE.TaskEither<FileSystemError, boolean> {
    return lazy(() => E.right(this.entries.has(path) || [...this.entries.keys()].some((k) => k.startsWith(`${path}/`))));
  }
  mkdirp(path: HostPath): TE.TaskEither<FileSystemError, void> {
    return lazy(() => {
      if (!this.entries.has(path)) this.entries.set(path, null);
      return E.right(undefined);
    });
  }
  readText(path: HostPath): TE.TaskEither<FileSystemError, string> {
    return lazy(() => {
      const c = this.entries.get(path);
      return c instanceof Uint8Array ? E.right(new TextDecoder().decode(c)) : E.left(notFound(path));
    });
  }
  writeTextAtomic(path: HostPath, text: string): TE.TaskEither<FileSystemError, void> {
    return lazy(() => E.right(this.put(path, text)));
  }
  readHead(path: HostPath, length: number): TE.TaskEither<FileSystemError, Uint8Array> {
    return lazy(() => {
      const c = this.entries.get(path);
      return c instanceof Uint8Array ? E.right(c.slice(0, length)) : E.left(notFound(path));
    });
  }
  rename(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void> {
    return lazy(() => {
      const c = this.entries.get(from);
      if (c === undefined) return E.left(notFound(from));
      this.entries.delete(from);
      this.entries.set(to, c);
      return E.right(undefined);
    });
  }
  replace(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void> {
    return this.entries.has(to) ? this.rename(from, to) : lazy(() => E.left(notFound(to)));
  }
  remove(path: HostPath): TE.TaskEither<FileSystemError, void> {
    return lazy(() => {
      for (const k of [...this.entries.keys()]) if (k === path || k.startsWith(`${path}/`)) this.entries.delete(k);
      return E.right(undefined);
    });
  }
  list(path: HostPath): TE.TaskEither<FileSystemError, readonly string[]> {
    return lazy(() => {
      const names = [...this.entries.keys()].filter((k) => k.startsWith(`${path}/`)).map((k) => k.slice(path.length + 1).split('/')[0] ?? '');
      return names.length === 0 && !this.entries.has(path) ? E.left(notFound(path)) : E.right([...new Set(names)].sort());
    });
  }
  entryKind(path: HostPath): TE.TaskEither<FileSystemError, EntryKind | null> {
    return lazy(() => {
      const c = this.entries.get(path);
      return E.right(c === undefined ? null : c instanceof Uint8Array ? 'file' : 'directory');
    });
  }
  fileSize(path: HostPath): TE.TaskEither<FileSystemError, number> {
    return lazy(() => {
      const c = this.entries.get(path);
      return c instanceof Uint8Array ? E.right(c.length) : E.left(notFound(path));
    });
  }
}
