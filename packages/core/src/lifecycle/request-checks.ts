/**
 * Checks of a lifecycle request's arguments that the types already state,
 * for callers the types do not reach (JavaScript, casts, values decoded from
 * elsewhere): each bad value is a typed error naming its argument, before
 * anything is read or written.
 */
import { BACKENDS, DISK_FORMATS, imageId, isDiskName, unsupported, type InvalidName, type InvalidSize, type UnsupportedOperation } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { checkFlavor, type Flavor } from './flavor.js';

const MOVE_KINDS: readonly unknown[] = ['resize', 'live-migrate', 'evacuate'];
const CONFIRMS: readonly unknown[] = ['auto', 'manual'];

const refused = (path: string, message: string): E.Either<UnsupportedOperation, never> => E.left({ ...unsupported(message), path });

/** A move's kind and confirm mode are ones there are; a flavor comes with a resize only, and is a valid one. */
export const checkMove = (kind: unknown, flavor: Flavor | undefined, confirm: unknown): E.Either<UnsupportedOperation | InvalidSize, void> => {
  if (!MOVE_KINDS.includes(kind)) return refused('kind', `no move of kind ${JSON.stringify(kind)}: use resize, live-migrate or evacuate`);
  if (!CONFIRMS.includes(confirm)) return refused('confirm', `no confirm mode ${JSON.stringify(confirm)}: use auto or manual`);
  if (flavor === undefined) return E.right(undefined);
  if (kind !== 'resize') return refused('flavor', `a ${String(kind)} keeps the instance's flavor: only a resize takes a new one`);
  return E.map(() => undefined)(checkFlavor(flavor));
};

/** A conversion names a disk, and a backend and format there are. */
export const checkConversion = (disk: unknown, backend: unknown, format: unknown): E.Either<UnsupportedOperation, void> => {
  if (typeof disk !== 'string' || !isDiskName(disk)) return refused('disk', `no disk named ${JSON.stringify(disk)}`);
  if (!(BACKENDS as readonly unknown[]).includes(backend)) return refused('backend', `no backend ${JSON.stringify(backend)}: use ${BACKENDS.join(', ')}`);
  if (!(DISK_FORMATS as readonly unknown[]).includes(format)) return refused('format', `no disk format ${JSON.stringify(format)}: use ${DISK_FORMATS.join(', ')}`);
  return E.right(undefined);
};

/**
 * An image id (or none) is one: an id the image service is asked for must
 * never be a path or a URL, whatever the caller's types said.
 */
export const checkImage = (image: unknown, path: string): E.Either<InvalidName, void> =>
  image === null || image === undefined ? E.right(undefined) : E.map(() => undefined)(imageId(image as string, path));
