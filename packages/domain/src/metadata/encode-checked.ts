import * as E from 'fp-ts/lib/Either.js';
import type { DiskMetadata } from '../disk/disk-metadata.js';
import { decodeDiskMetadata } from './decode.js';
import { encodeDiskMetadata, type EncodeOptions } from './encode.js';
import { invalidField, invalidVersion, notAnObject } from './metadata-error-constructors.js';
import type { MetadataError } from './metadata-error.js';
import { isMetadataVersion } from './version.js';

/**
 * {@link encodeDiskMetadata} for a value not known to be a valid record (built
 * by hand, passed from JavaScript or through a cast): its text once that text
 * decodes under every rule a reader applies, or why it would not. The types
 * do not hold all of them (sizes, safe locations, allowed backend/format
 * pairs), so a record typed as `DiskMetadata` can still be one no reader
 * accepts; the services write through this, never an unreadable record.
 */
export const encodeDiskMetadataChecked = (meta: DiskMetadata, options: EncodeOptions = {}): E.Either<MetadataError, string> => {
  if (options.version !== undefined && !isMetadataVersion(options.version)) return E.left(invalidVersion('nova_object.version', options.version));
  if (typeof meta !== 'object' || meta === null) return E.left(notAnObject(meta));
  let text: string;
  try {
    text = encodeDiskMetadata(meta, options);
  } catch (e) {
    // The encoder trusts its input's shape: a field no JSON holds (a BigInt size, a getter that throws) fails there.
    return E.left(invalidField('nova_object.data', meta, `a record the encoder can write (${e instanceof Error ? e.message : String(e)})`));
  }
  const decoded = decodeDiskMetadata(text);
  return E.isLeft(decoded) ? decoded : E.right(text);
};
