import type { Backend } from '../disk/vocabulary.js';

/** Longest location accepted, in UTF-16 code units (PATH_MAX). */
export const MAX_LOCATION_LENGTH = 4096;

const VOLUME_PART = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/;
const CONTROL = /\p{Cc}/u;

const volumePair = (parts: readonly string[], shape: string): string | undefined => {
  if (parts.length !== 2) return `must be exactly ${shape}`;
  for (const part of parts) {
    if (!VOLUME_PART.test(part)) return `${shape} parts must be 1-128 of A-Z a-z 0-9 . _ + -, not starting with . + -`;
  }
  return undefined;
};

const filePath = (parts: readonly string[]): string | undefined => {
  // An absolute path splits into a leading empty part; every other part must be a real name.
  const start = parts[0] === '' ? 1 : 0;
  for (let i = start; i < parts.length; i += 1) {
    const part = parts[i];
    if (part === '' || part === undefined) return 'must not have empty path segments (//, trailing /)';
    if (part === '.' || part === '..') return 'must not have "." or ".." path segments';
  }
  // A leading dash would read as an option if the path reached an argv unprefixed.
  if (parts[0]?.startsWith('-') === true) return 'must not start with "-"';
  return undefined;
};

/**
 * Why `location` cannot be the location of a `backend` disk, or `undefined`
 * when it can. lvm takes `vg/lv`, rbd takes `pool/image`, the file backends
 * a relative or absolute path; none may hold control characters or a `.` or
 * `..` segment, so a location can never walk out of where it is joined.
 */
export const locationProblem = (backend: Backend, location: string): string | undefined => {
  if (location.length === 0) return 'must not be empty';
  if (location.length > MAX_LOCATION_LENGTH) return `must be at most ${MAX_LOCATION_LENGTH} characters`;
  if (CONTROL.test(location)) return 'must not contain NUL or control characters';
  const parts = location.split('/');
  switch (backend) {
    case 'lvm':
      return volumePair(parts, 'vg/lv');
    case 'rbd':
      return volumePair(parts, 'pool/image');
    case 'flat':
    case 'qcow2':
    case 'ploop':
      return filePath(parts);
  }
};
