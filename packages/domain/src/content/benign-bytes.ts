import { utf8 } from './bytes.js';

/** Every benign fill starts with this, which no image format uses as its magic. */
export const BENIGN_PREFIX = 'disk-ledger benign data ';

const DEFAULT_LENGTH = 4096;

/**
 * Deterministic benign disk content: the line `disk-ledger benign data
 * <marker>` repeated to `length` bytes. It never begins with an image header,
 * and the marker lets a test tell which disk's data ended up where.
 *
 * @throws RangeError when `length` is not a non-negative safe integer.
 */
export const benignBytes = (marker: string, length = DEFAULT_LENGTH): Uint8Array => {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('benign length must be a non-negative safe integer');
  const line = utf8(`${BENIGN_PREFIX}${marker}\n`);
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += line.length) out.set(line.subarray(0, Math.min(line.length, length - at)), at);
  return out;
};
