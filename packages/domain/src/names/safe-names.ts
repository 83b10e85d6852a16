import * as E from 'fp-ts/lib/Either.js';
import { MAX_DISK_SIZE, MIN_DISK_SIZE } from '../disk/vocabulary.js';
import { invalidName, invalidSize, type InvalidName, type InvalidSize } from './invalid-name.js';

/**
 * Validated names (SECURITY.md rule 5). Every name that reaches a host path or
 * an argv is one of these branded strings, so an unchecked string cannot be
 * passed where a checked one is required.
 */
declare const brand: unique symbol;
/** A `T` that a validator has checked, told apart by its brand `B`. */
export type Branded<T, B extends string> = T & { readonly [brand]: B };

/** An instance id (nova uses UUIDs; scenarios use short names). */
export type InstanceId = Branded<string, 'InstanceId'>;
/** A file name inside an instance directory or the base cache (`disk`, `disk.eph0`). */
export type FileName = Branded<string, 'FileName'>;
/** An image id from the image service. */
export type ImageId = Branded<string, 'ImageId'>;
/** An LVM volume group, LVM logical volume, Ceph pool or RBD image name. */
export type VolumeName = Branded<string, 'VolumeName'>;
/** An absolute, normalised host path made only of safe components. */
export type HostPath = Branded<string, 'HostPath'>;
/** A virtual size in bytes, an integer from 1 to 2^53−1. */
export type ByteSize = Branded<number, 'ByteSize'>;

const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/;
const IMAGE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;
const VOLUME_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/;
const PATH_COMPONENT = /^[A-Za-z0-9_@][A-Za-z0-9._+@-]{0,254}$/;
const MAX_PATH = 4096;

const check =
  <B extends string>(kind: string, pattern: RegExp, rule: string) =>
  (value: string, path?: string): E.Either<InvalidName, Branded<string, B>> => {
    // A JavaScript caller can pass anything; a number must not pass the pattern by being coerced to text.
    if (typeof value !== 'string' || !pattern.test(value)) return E.left(invalidName(kind, String(value), rule, path));
    if (value === '.' || value === '..' || value.includes('..')) {
      return E.left(invalidName(kind, value, 'must not contain ".."', path));
    }
    return E.right(value as Branded<string, B>);
  };

/** Validate an instance id: 1–64 of `A-Z a-z 0-9 _ -`, starting alphanumeric. */
export const instanceId = check<'InstanceId'>('instance id', INSTANCE_ID, 'use 1-64 letters, digits, "_" or "-"');
/** Validate a file name: no `/`, no `..`, no NUL or shell metacharacters, ≤ 128 chars. */
export const fileName = check<'FileName'>('file name', FILE_NAME, 'use 1-128 letters, digits, ".", "_", "+" or "-", no "/"');
/** Validate an image id: ≤ 255 of `A-Z a-z 0-9 . _ : -`. */
export const imageId = check<'ImageId'>('image id', IMAGE_ID, 'use 1-255 letters, digits, ".", "_", ":" or "-"');
/** Validate a volume group, logical volume, pool or RBD image name. */
export const volumeName = check<'VolumeName'>('volume name', VOLUME_NAME, 'use 1-128 letters, digits, ".", "_", "+" or "-"');

// Every component a safe name, in one pass: the components split by `/` each
// matching PATH_COMPONENT is exactly what hostPath checks (a safe name never
// starts with `.`, so it is never `.` or `..`). Paths are checked on every
// driver call, so the common, valid case skips splitting; anything this
// refuses goes through the component loop, which names the first bad one.
const SAFE_PATH = /^(?:\/[A-Za-z0-9_@][A-Za-z0-9._+@-]{0,254})+$/;

/** Validate an absolute host path: `/`-separated safe components, no `.`/`..`, no empty component. */
export const hostPath = (value: string, path?: string): E.Either<InvalidName, HostPath> => {
  if (value.length === 0 || value.length > MAX_PATH) return E.left(invalidName('host path', value, 'must be 1-4096 characters', path));
  if (SAFE_PATH.test(value)) return E.right(value as HostPath);
  if (!value.startsWith('/')) return E.left(invalidName('host path', value, 'must be absolute', path));
  const parts = value.slice(1).split('/');
  for (const part of parts) {
    if (part === '.' || part === '..') return E.left(invalidName('host path', value, 'must not contain "." or ".." components', path));
    if (!PATH_COMPONENT.test(part)) return E.left(invalidName('host path', value, `component ${JSON.stringify(part)} is not a safe name`, path));
  }
  return E.right(value as HostPath);
};

/** Join a validated directory and a validated file name. */
export const joinPath = (dir: HostPath, name: FileName): HostPath => `${dir === '/' ? '' : dir}/${name}` as HostPath;

/** Validate a virtual size: an integer number of bytes from 1 to 2^53−1. */
export const byteSize = (value: unknown, path?: string): E.Either<InvalidSize, ByteSize> =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= MIN_DISK_SIZE && value <= MAX_DISK_SIZE
    ? E.right(value as ByteSize)
    : E.left(invalidSize(value, path));
