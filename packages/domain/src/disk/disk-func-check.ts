/**
 * Checks for disk funcs before anything is written or runs: file-system
 * labels (they reach `mkfs` argvs) and config-drive file paths (they become
 * files under a staging directory, so each component must be a safe name and
 * no path may climb out or collide with another). The image backend checks
 * a func before its record exists; the template builder again before it
 * runs a tool.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as A from 'fp-ts/lib/ReadonlyArray.js';
import { invalidName, invalidSize, type InvalidSize } from '../names/invalid-name.js';
import { fileName } from '../names/safe-names.js';
import { unsupported, type StorageError } from '../ports/storage-error.js';
import type { ConfigDriveFile, DiskFunc } from '../ports/template-builder.js';

/** A config-drive file whose path is a list of checked components. */
export interface StagedFile {
  readonly components: readonly string[];
  readonly content: string;
}

/** A func whose labels and paths were checked. */
export type CheckedFunc =
  | { readonly kind: 'blank' }
  | { readonly kind: 'swap' }
  | { readonly kind: 'filesystem'; readonly fsType: 'ext4' | 'ext3' | 'vfat'; readonly label: string }
  | { readonly kind: 'config-drive'; readonly files: readonly StagedFile[] };

/** Most files a config drive may hold. */
export const MAX_CONFIG_FILES = 1000;

const LABEL = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** A label: safe characters, not starting with `-` or `.`, ≤ 16 characters (ext) or ≤ 11 (vfat). */
export const checkLabel = (label: unknown, fsType: 'ext4' | 'ext3' | 'vfat'): E.Either<StorageError, string> => {
  const text = String(label);
  const max = fsType === 'vfat' ? 11 : 16;
  if (typeof label !== 'string' || text.length > max || !LABEL.test(text)) {
    return E.left(invalidName('label', text, `use 1-${max} letters, digits, "_", "." or "-", starting with a letter, digit or "_"`, 'func.label'));
  }
  return E.right(text);
};

/** One config-drive path: relative, `/`-separated safe components. */
export const checkConfigPath = (path: unknown, at: string): E.Either<StorageError, readonly string[]> => {
  const text = String(path);
  if (typeof path !== 'string' || text.length === 0 || text.length > 1024 || text.startsWith('/')) {
    return E.left(invalidName('config drive path', text, 'must be a relative path of 1-1024 characters', at));
  }
  return pipe(
    text.split('/'),
    A.traverse(E.Applicative)((part) => fileName(part, at)),
    E.map((parts) => parts.map(String)),
  );
};

const checkFiles = (files: readonly ConfigDriveFile[]): E.Either<StorageError, readonly StagedFile[]> => {
  if (!Array.isArray(files) || files.length > MAX_CONFIG_FILES) return E.left(unsupported(`func.files: a config drive holds 0-${MAX_CONFIG_FILES} files`, 'func.files'));
  return pipe(
    files,
    A.traverseWithIndex(E.Applicative)((i, f): E.Either<StorageError, StagedFile> => {
      const at = `func.files.${i}`;
      // The type says a file; a JavaScript caller or another process can pass anything.
      if (typeof f !== 'object' || f === null) return E.left(unsupported(`${at}: must be a { path, content } file`, at));
      if (typeof f.content !== 'string') return E.left(unsupported(`${at}.content: must be text`, `${at}.content`));
      return pipe(checkConfigPath(f.path, `${at}.path`), E.map((components) => ({ components, content: f.content })));
    }),
    E.chain(refuseCollisions),
  );
};

/** Two files at one path, or a file where another needs a directory, cannot both be staged. */
const refuseCollisions = (files: readonly StagedFile[]): E.Either<StorageError, readonly StagedFile[]> => {
  const filePaths = new Set<string>();
  const dirPaths = new Set<string>();
  for (const f of files) {
    const full = f.components.join('/');
    if (filePaths.has(full) || dirPaths.has(full)) return E.left(invalidName('config drive path', full, 'is given twice or is also a directory', 'func.files'));
    filePaths.add(full);
    for (let i = 1; i < f.components.length; i++) dirPaths.add(f.components.slice(0, i).join('/'));
  }
  for (const d of dirPaths) {
    if (filePaths.has(d)) return E.left(invalidName('config drive path', d, 'is both a file and a directory', 'func.files'));
  }
  return E.right(files);
};

/** Check a func whole; nothing runs for a func that fails. */
export const checkFunc = (func: DiskFunc): E.Either<StorageError, CheckedFunc> => {
  // A caller outside the type system may pass anything.
  const given: unknown = func;
  if (typeof given !== 'object' || given === null) return E.left(unsupported(`func: not a func (${String(given)})`, 'func'));
  const kind: unknown = func.kind;
  switch (func.kind) {
    case 'blank':
    case 'swap':
      return E.right({ kind: func.kind });
    case 'filesystem': {
      const fsType: unknown = func.fsType;
      if (fsType !== 'ext4' && fsType !== 'ext3' && fsType !== 'vfat') return E.left(unsupported(`func.fsType: unknown file system ${String(fsType)}`, 'func.fsType'));
      return pipe(checkLabel(func.label, fsType), E.map((label) => ({ kind: 'filesystem', fsType, label })));
    }
    case 'config-drive':
      return pipe(checkFiles(func.files), E.map((files) => ({ kind: 'config-drive', files })));
    default:
      return E.left(unsupported(`func.kind: unknown func ${String(kind)}`, 'func.kind'));
  }
};

const ISO_SECTOR = 2048;
// The least any ISO 9660 image with Joliet takes besides its files: 16 sectors of system area, three volume
// descriptors, four path tables and the root directory twice.
const ISO_FIXED_SECTORS = 25;

/**
 * The least a config drive holding `files` can take: each file's bytes in
 * whole ISO 9660 sectors, and the structures every such image has (a lower
 * bound: genisoimage adds more). A drive asked for at less cannot hold
 * them; the tool would only say so after its record was written.
 */
export const configDriveFloor = (files: readonly ConfigDriveFile[]): number =>
  files.reduce((sum, f) => sum + Math.ceil(utf8Length(f.content) / ISO_SECTOR) * ISO_SECTOR, ISO_FIXED_SECTORS * ISO_SECTOR);

/** The bytes `text` takes in UTF-8 (a lone surrogate as U+FFFD's three). */
const utf8Length = (text: string): number => {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
};

/** `INVALID_SIZE` at `path` when a drive of `size` bytes cannot hold `files` ({@link configDriveFloor}). */
export const configDriveTooSmall = (files: readonly ConfigDriveFile[], size: number, path: string): InvalidSize | null => {
  const floor = configDriveFloor(files);
  return size >= floor ? null : { ...invalidSize(size, path), message: `invalid size ${size} at ${path}: the config drive's files take at least ${floor} bytes` };
};
