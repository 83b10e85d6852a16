import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { ByteSize, HostPath } from '../names/safe-names.js';
import type { StorageError } from './storage-error.js';

/** File systems an ephemeral disk may be formatted with. */
export type FilesystemType = 'ext4' | 'ext3' | 'vfat';

/** One file of a config drive: a relative path (safe components) and its text. */
export interface ConfigDriveFile {
  readonly path: string;
  readonly content: string;
}

/**
 * What `createFromFunc` fills a new disk with. The result is always a raw
 * image of a known size, so its format is known before anything is written.
 */
export type DiskFunc =
  | { readonly kind: 'blank' }
  | { readonly kind: 'filesystem'; readonly fsType: FilesystemType; readonly label: string }
  | { readonly kind: 'swap' }
  | { readonly kind: 'config-drive'; readonly files: readonly ConfigDriveFile[] };

/** Builds template disks (raw files) from funcs. */
export interface TemplateBuilder {
  /** Write a raw image of `size` bytes at `dest` holding what `func` makes; `DISK_EXISTS` if `dest` exists. */
  build(func: DiskFunc, dest: HostPath, size: ByteSize): TE.TaskEither<StorageError, void>;
}
