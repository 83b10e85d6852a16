/**
 * Argv builders for the `rbd` tool (docs/commands.md) and the codec for
 * `rbd info --format json`.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { toolOutputInvalid, type Argv, type ByteSize, type ToolOutputInvalid, type VolumeName } from '@disk-ledger/domain';
import { DEFAULT_RBD_CLIENT, rbdClientArgs, type RbdClient } from './qemu-path.js';
import { readToolJson } from './tool-json.js';

/** An RBD image: its pool and name. */
export interface RbdImage {
  readonly pool: VolumeName;
  readonly image: VolumeName;
}

const spec = (i: RbdImage): string => `${i.pool}/${i.image}`;

// The client's options come first, as global options of the tool (`rbd [--id <user>] [--conf <path>] <command> …`).
const rbd = (client: RbdClient, ...rest: string[]): Argv => ['rbd', ...rbdClientArgs(client), ...rest];

/** `rbd create --size <size>B <pool>/<image>` */
export const create = (i: RbdImage, size: ByteSize, client: RbdClient = DEFAULT_RBD_CLIENT): Argv => rbd(client, 'create', '--size', `${size}B`, spec(i));
/** `rbd import --image-format 2 <path> <pool>/<image>`: a raw file becomes the image, byte for byte. */
export const importRaw = (path: string, i: RbdImage, client: RbdClient = DEFAULT_RBD_CLIENT): Argv => rbd(client, 'import', '--image-format', '2', path, spec(i));
/** `rbd resize --size <size>B <pool>/<image>` */
export const resize = (i: RbdImage, size: ByteSize, client: RbdClient = DEFAULT_RBD_CLIENT): Argv => rbd(client, 'resize', '--size', `${size}B`, spec(i));
/** `rbd rm <pool>/<image>` */
export const remove = (i: RbdImage, client: RbdClient = DEFAULT_RBD_CLIENT): Argv => rbd(client, 'rm', spec(i));
/** `rbd info --format json <pool>/<image>` */
export const info = (i: RbdImage, client: RbdClient = DEFAULT_RBD_CLIENT): Argv => rbd(client, 'info', '--format', 'json', spec(i));

const RbdInfo = t.type({ name: t.string, size: t.number });

/** The image's size in bytes from `rbd info --format json`. */
export const decodeInfo = (stdout: string, i: RbdImage): E.Either<ToolOutputInvalid, number> => {
  const decoded = readToolJson('rbd info', stdout, RbdInfo, true);
  if (E.isLeft(decoded)) return decoded;
  const r = decoded.right;
  if (r.name !== i.image) return E.left(toolOutputInvalid('rbd info', `reported image ${r.name}, asked for ${i.image}`));
  return Number.isSafeInteger(r.size) && r.size >= 0 ? E.right(r.size) : E.left(toolOutputInvalid('rbd info', `size ${r.size} is not a byte count`));
};

// What `rbd info` prints when the image, or the whole pool, is not there.
// Exit 2 (ENOENT) alone says nothing: a client that cannot read its
// configuration (no ceph.conf, a CEPH_CONF naming a missing file) also exits
// 2 with "No such file or directory", and that disk may well exist.
const MISSING_IMAGE = /^rbd: error opening (?:image \S+|pool '[^'\n]*'): \(2\) No such file or directory$/m;

/** Whether a failed `rbd info` said the image (or its pool) does not exist: exit 2 and rbd's own "error opening" line. */
export const isMissingImage = (exitCode: number, stderr: string): boolean => exitCode === 2 && MISSING_IMAGE.test(stderr);

