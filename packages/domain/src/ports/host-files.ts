import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { DomainError } from '../errors/domain-error.js';
import type { HostPath } from '../names/safe-names.js';

/** A file-system operation failed; `path` names the file. */
export interface FileSystemError extends DomainError<'FileSystemError', 'FS_ERROR' | 'FS_NOT_FOUND' | 'FS_EXISTS'> {
  readonly path: string;
}

/**
 * The few file operations the drivers need besides commands: directories,
 * small text files (`disk.info`), moving downloads into the cache, and the
 * leading bytes of an untrusted image for verification. Never used to decide
 * a disk's format.
 */
export interface HostFiles {
  /** Whether anything exists at `path`. */
  exists(path: HostPath): TE.TaskEither<FileSystemError, boolean>;
  /** Create `path` and missing parents; succeeds when it exists. */
  mkdirp(path: HostPath): TE.TaskEither<FileSystemError, void>;
  /** Read a small text file whole; `FS_NOT_FOUND` when absent. */
  readText(path: HostPath): TE.TaskEither<FileSystemError, string>;
  /** Replace a small text file atomically (write aside, then rename). */
  writeTextAtomic(path: HostPath, text: string): TE.TaskEither<FileSystemError, void>;
  /** Up to `length` leading bytes of a file, for header verification only. */
  readHead(path: HostPath, length: number): TE.TaskEither<FileSystemError, Uint8Array>;
  /** Rename within one file system; replaces the target. */
  rename(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void>;
  /**
   * Move the file `from` over the regular file `to` (same file system), giving it `to`'s owner and permission bits
   * first: a disk grown as a copy keeps what the host had set on it. `FS_NOT_FOUND` when `to` is absent; `FS_ERROR`
   * when it is not a regular file, or its owner cannot be given.
   */
  replace(from: HostPath, to: HostPath): TE.TaskEither<FileSystemError, void>;
  /** Remove a file or a directory tree; succeeds when already absent. */
  remove(path: HostPath): TE.TaskEither<FileSystemError, void>;
  /** Names in a directory; `FS_NOT_FOUND` when absent. */
  list(path: HostPath): TE.TaskEither<FileSystemError, readonly string[]>;
  /**
   * The length in bytes of the regular file at `path` itself: a raw image's
   * virtual size. A symbolic link (not followed), a directory or a device
   * is `FS_ERROR`, so that a caller can refuse a disk that is a link to
   * somewhere else; `FS_NOT_FOUND` when absent. Never used to decide a format.
   */
  fileSize(path: HostPath): TE.TaskEither<FileSystemError, number>;
  /** What is at `path` itself (a symbolic link is not followed; a file's other names are told), or `null` when nothing is. */
  entryKind(path: HostPath): TE.TaskEither<FileSystemError, EntryKind | null>;
}

/**
 * What a path names, seen without following a final symbolic link.
 * `linked` is a regular file with other names as well (hard links): the
 * same bytes are reachable from elsewhere on the host.
 */
export type EntryKind = 'file' | 'linked' | 'directory' | 'symlink' | 'other';

/** An {@link EntryKind} in words, for messages (`a symbolic link`). */
export const ENTRY_KIND_WORDS: Readonly<Record<EntryKind, string>> = {
  file: 'a file',
  linked: 'a file with other names (hard links)',
  directory: 'a directory',
  symlink: 'a symbolic link',
  other: 'neither a file nor a directory',
};
