/**
 * One host's file system: directories and files keyed by normalised absolute
 * path, each file a shared `Volume`. Failures are errno-like codes that the
 * emulated tools turn into their own messages and `FakeHostFiles` into
 * `FileSystemError`s. Lookups and single-file changes are O(1); removing or
 * renaming a directory walks its subtree.
 */
import type { Volume } from '../content/volume.js';

// ---- types

/** The errno-like codes the fake file system fails with. */
export type FsFailureCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EINVAL';

/** A failed operation: its code and the path it concerns. */
export interface FsFailure {
  readonly code: FsFailureCode;
  readonly path: string;
}

/** The result of a file-system operation. */
export type FsResult<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly failure: FsFailure };

interface DirNode {
  readonly kind: 'dir';
  readonly children: Set<string>;
}
interface FileNode {
  readonly kind: 'file';
  volume: Volume;
}
type Node = DirNode | FileNode;

/** How strerror spells each code, for tools' messages. */
export const STRERROR: { readonly [C in FsFailureCode]: string } = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EINVAL: 'Invalid argument',
};

// ---- paths

/** Lexically normalised absolute path (`//`, `.` and `..` resolved as the kernel would without symlinks), or `null` when relative. */
export const normalizePath = (path: string): string | null => {
  if (!path.startsWith('/')) return null;
  // Nearly every path the drivers pass is already normal; the emulator normalises each one, so say so without splitting it.
  if (isNormal(path)) return path;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
};

const SLASH = 0x2f;
const DOT = 0x2e;

/** Whether an absolute path has no empty, `.` or `..` component (and no trailing slash, except the root itself). */
const isNormal = (path: string): boolean => {
  const n = path.length;
  if (n === 1) return true;
  for (let i = 0; i < n; i += 1) {
    if (path.charCodeAt(i) !== SLASH) continue;
    // The component after this slash: empty, `.` or `..` is what normalising removes.
    let j = i + 1;
    while (j < n && path.charCodeAt(j) === DOT && j - i <= 2) j += 1;
    if (j === n || path.charCodeAt(j) === SLASH) return false;
  }
  return true;
};

/** The directory part of a normalised path; the root's is the root. */
export const dirname = (path: string): string => {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
};

/** The last component of a normalised path. */
export const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** `name` resolved against directory `dir` when relative, then normalised. */
export const resolvePath = (dir: string, name: string): string | null => normalizePath(name.startsWith('/') ? name : `${dir}/${name}`);

const ok = <A>(value: A): FsResult<A> => ({ ok: true, value });
/** The success of an operation without a value; results are read-only, so one serves every call (mkdirp, writeFile and remove run for most disk operations). */
const DONE: FsResult<void> = ok(undefined);
const fail = <A>(code: FsFailureCode, path: string): FsResult<A> => ({ ok: false, failure: { code, path } });
const join = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

// ---- the file system

/** The in-memory file system of one host. */
export class FakeFileSystem {
  private readonly nodes = new Map<string, Node>([['/', { kind: 'dir', children: new Set() }]]);

  /** The file at a normalised path, if it is one. */
  file(path: string): Volume | undefined {
    const n = this.nodes.get(path);
    return n?.kind === 'file' ? n.volume : undefined;
  }

  exists(path: string): boolean {
    return this.nodes.has(path);
  }

  isDir(path: string): boolean {
    return this.nodes.get(path)?.kind === 'dir';
  }

  /** Create a directory and its missing parents. */
  mkdirp(path: string): FsResult<void> {
    const n = this.nodes.get(path);
    if (n !== undefined) return n.kind === 'dir' ? DONE : fail('EEXIST', path);
    const parent = dirname(path);
    const made = this.mkdirp(parent);
    if (!made.ok) return made.failure.code === 'EEXIST' ? fail('ENOTDIR', path) : made;
    this.nodes.set(path, { kind: 'dir', children: new Set() });
    this.dirOf(parent)?.children.add(basename(path));
    return DONE;
  }

  /** Write a file; its directory must exist. `create` refuses an existing path. */
  writeFile(path: string, volume: Volume, mode: 'replace' | 'create' = 'replace'): FsResult<void> {
    const parent = this.nodes.get(dirname(path));
    if (parent === undefined) return fail('ENOENT', path);
    if (parent.kind !== 'dir') return fail('ENOTDIR', path);
    const n = this.nodes.get(path);
    if (n?.kind === 'dir') return fail('EISDIR', path);
    if (n !== undefined && mode === 'create') return fail('EEXIST', path);
    if (n === undefined) {
      this.nodes.set(path, { kind: 'file', volume });
      parent.children.add(basename(path));
    } else n.volume = volume;
    return DONE;
  }

  /** Remove a file or a directory tree; succeeds when absent. */
  remove(path: string): FsResult<void> {
    if (path === '/') return fail('EINVAL', path);
    const n = this.nodes.get(path);
    if (n === undefined) return DONE;
    this.drop(path, n);
    this.dirOf(dirname(path))?.children.delete(basename(path));
    return DONE;
  }

  /** rename(2): replaces a file or an empty directory at `to`. */
  rename(from: string, to: string): FsResult<void> {
    const n = this.nodes.get(from);
    if (n === undefined) return fail('ENOENT', from);
    if (from === to) return DONE;
    if (n.kind === 'dir' && to.startsWith(`${from}/`)) return fail('EINVAL', to);
    const parent = this.nodes.get(dirname(to));
    if (parent === undefined) return fail('ENOENT', to);
    if (parent.kind !== 'dir') return fail('ENOTDIR', to);
    const target = this.nodes.get(to);
    if (target !== undefined) {
      if (target.kind === 'dir' && n.kind !== 'dir') return fail('EISDIR', to);
      if (target.kind !== 'dir' && n.kind === 'dir') return fail('ENOTDIR', to);
      if (target.kind === 'dir' && target.children.size > 0) return fail('ENOTEMPTY', to);
      this.nodes.delete(to);
    }
    this.move(from, to, n);
    this.dirOf(dirname(from))?.children.delete(basename(from));
    parent.children.add(basename(to));
    return DONE;
  }

  /** Names in a directory, sorted. */
  list(path: string): FsResult<readonly string[]> {
    const n = this.nodes.get(path);
    if (n === undefined) return fail('ENOENT', path);
    if (n.kind !== 'dir') return fail('ENOTDIR', path);
    return ok([...n.children].sort());
  }

  /** Every file, by path. */
  *files(): IterableIterator<readonly [string, Volume]> {
    for (const [path, n] of this.nodes) if (n.kind === 'file') yield [path, n.volume];
  }

  /** Every file under a directory (recursively), by path relative to it, sorted. */
  filesUnder(dir: string): readonly (readonly [string, Volume])[] {
    const out: (readonly [string, Volume])[] = [];
    const walk = (path: string, rel: string): void => {
      const n = this.nodes.get(path);
      if (n?.kind === 'file') out.push([rel, n.volume]);
      else if (n?.kind === 'dir') for (const c of [...n.children].sort()) walk(join(path, c), rel === '' ? c : `${rel}/${c}`);
    };
    walk(dir, '');
    return out;
  }

  private dirOf(path: string): DirNode | undefined {
    const n = this.nodes.get(path);
    return n?.kind === 'dir' ? n : undefined;
  }

  private drop(path: string, n: Node): void {
    if (n.kind === 'dir') {
      for (const c of n.children) {
        const child = join(path, c);
        const cn = this.nodes.get(child);
        if (cn !== undefined) this.drop(child, cn);
      }
    }
    this.nodes.delete(path);
  }

  private move(from: string, to: string, n: Node): void {
    this.nodes.delete(from);
    this.nodes.set(to, n);
    if (n.kind === 'dir') {
      for (const c of n.children) {
        const cn = this.nodes.get(join(from, c));
        if (cn !== undefined) this.move(join(from, c), join(to, c), cn);
      }
    }
  }
}
