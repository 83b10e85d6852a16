import type { DomainError } from '../errors/domain-error.js';
import type { InvalidName, InvalidSize } from '../names/invalid-name.js';
import type { CommandError } from './command-executor.js';
import type { FileSystemError } from './host-files.js';

/** The disk a driver was asked to open does not exist. */
export interface DiskNotFound extends DomainError<'DiskNotFound', 'DISK_NOT_FOUND'> {
  readonly location: string;
}
/** A disk already exists where a new one was to be created. */
export interface DiskExists extends DomainError<'DiskExists', 'DISK_EXISTS'> {
  readonly location: string;
}
/** The backend cannot do this (e.g. shrink a disk, a format it does not hold). */
export type UnsupportedOperation = DomainError<'UnsupportedOperation', 'UNSUPPORTED_OPERATION'>;
/** A tool printed output its codec does not accept. */
export interface ToolOutputInvalid extends DomainError<'ToolOutputInvalid', 'TOOL_OUTPUT_INVALID'> {
  readonly tool: string;
}

/** Everything a storage driver can fail with. */
export type StorageError =
  | CommandError
  | FileSystemError
  | InvalidName
  | InvalidSize
  | DiskNotFound
  | DiskExists
  | UnsupportedOperation
  | ToolOutputInvalid;

/** A `DISK_NOT_FOUND` error for the disk at `location`. */
export const diskNotFound = (location: string): DiskNotFound => ({
  _tag: 'DiskNotFound', code: 'DISK_NOT_FOUND', location, path: location, message: `no disk at ${location}`,
});
/** A `DISK_EXISTS` error: a create found `location` occupied. */
export const diskExists = (location: string): DiskExists => ({
  _tag: 'DiskExists', code: 'DISK_EXISTS', location, path: location, message: `a disk already exists at ${location}`,
});
/** An `UNSUPPORTED_OPERATION` error with its reason, and the field it concerns when there is one. */
export const unsupported = (message: string, path?: string): UnsupportedOperation => ({
  _tag: 'UnsupportedOperation', code: 'UNSUPPORTED_OPERATION', message, ...(path === undefined ? {} : { path }),
});
/** A `TOOL_OUTPUT_INVALID` error: a tool's output was not what its argv prints. */
export const toolOutputInvalid = (tool: string, message: string, cause?: unknown): ToolOutputInvalid => ({
  _tag: 'ToolOutputInvalid', code: 'TOOL_OUTPUT_INVALID', tool, message: `${tool}: ${message}`, cause,
});
