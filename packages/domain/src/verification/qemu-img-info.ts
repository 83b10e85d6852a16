import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { toolOutputInvalid, type ToolOutputInvalid } from '../ports/storage-error.js';

// ---- codecs
// Objects are io-ts `type`/`partial`, which keep unknown keys: qemu adds
// fields across versions, and a field we do not read cannot change a verdict.

const refine = <A>(name: string, is: (u: unknown) => u is A): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), t.identity);

/** A byte count: a non-negative safe integer (a larger JSON number has already lost precision). */
const ByteCount = refine('ByteCount', (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0);

const Qcow2Data = t.partial({
  compat: t.string,
  'data-file': t.string,
  'data-file-raw': t.boolean,
  corrupt: t.boolean,
  'lazy-refcounts': t.boolean,
  'refcount-bits': ByteCount,
  'extended-l2': t.boolean,
  'compression-type': t.string,
  encrypt: t.unknown,
  bitmaps: t.unknown,
});

/** `format-specific` of a qcow2 image. */
export const Qcow2FormatSpecific = t.type({ type: t.literal('qcow2'), data: Qcow2Data }, 'Qcow2FormatSpecific');
export type Qcow2FormatSpecific = t.TypeOf<typeof Qcow2FormatSpecific>;

/** One extent of a vmdk image as qemu-img reports it (`filename` is a path as qemu resolved it). */
export const VmdkExtentInfo = t.intersection(
  [
    t.type({ filename: t.string }),
    t.partial({ format: t.string, 'virtual-size': ByteCount, 'cluster-size': ByteCount, compressed: t.boolean }),
  ],
  'VmdkExtentInfo',
);
export type VmdkExtentInfo = t.TypeOf<typeof VmdkExtentInfo>;

/** `format-specific` of a vmdk image. */
export const VmdkFormatSpecific = t.type(
  {
    type: t.literal('vmdk'),
    data: t.intersection([
      t.type({ 'create-type': t.string, extents: t.array(VmdkExtentInfo) }),
      t.partial({ cid: ByteCount, 'parent-cid': ByteCount }),
    ]),
  },
  'VmdkFormatSpecific',
);
export type VmdkFormatSpecific = t.TypeOf<typeof VmdkFormatSpecific>;

// Any other driver's block is kept opaque.
const OtherFormatSpecific = t.type({ type: t.string, data: t.unknown }, 'OtherFormatSpecific');

/** `format-specific`: a block whose shape depends on `type`. */
export type FormatSpecific = Qcow2FormatSpecific | VmdkFormatSpecific | t.TypeOf<typeof OtherFormatSpecific>;

const typeTag = (u: unknown): unknown => (typeof u === 'object' && u !== null && 'type' in u ? u.type : undefined);

// Dispatching on `type` (rather than t.union) reports the error of the block
// that applies, and a malformed qcow2/vmdk block can never pass as "other".
/** Codec for {@link FormatSpecific}. */
export const FormatSpecific = new t.Type<FormatSpecific, FormatSpecific, unknown>(
  'FormatSpecific',
  (u): u is FormatSpecific => Qcow2FormatSpecific.is(u) || VmdkFormatSpecific.is(u) || (OtherFormatSpecific.is(u) && u.type !== 'qcow2' && u.type !== 'vmdk'),
  (u, c) => {
    const tag = typeTag(u);
    if (tag === 'qcow2') return Qcow2FormatSpecific.validate(u, c);
    if (tag === 'vmdk') return VmdkFormatSpecific.validate(u, c);
    return OtherFormatSpecific.validate(u, c);
  },
  t.identity,
);

/**
 * Output of `qemu-img info -f <fmt> --output=json <path>` (QEMU's
 * `ImageInfo`). Only the fields verification reads are typed; the rest are
 * kept as they came.
 */
export const QemuImgInfo = t.intersection(
  [
    t.type({ format: t.string, 'virtual-size': ByteCount }),
    t.partial({
      filename: t.string,
      'actual-size': ByteCount,
      'cluster-size': ByteCount,
      'dirty-flag': t.boolean,
      encrypted: t.boolean,
      'backing-filename': t.string,
      'full-backing-filename': t.string,
      'backing-filename-format': t.string,
      // Only printed with --backing-chain; its presence alone means a backing file.
      'backing-image': t.unknown,
      snapshots: t.unknown,
      'format-specific': FormatSpecific,
    }),
  ],
  'QemuImgInfo',
);
export type QemuImgInfo = t.TypeOf<typeof QemuImgInfo>;

// ---- decoding

const TOOL = 'qemu-img info';
const SHOWN = 60;

const show = (u: unknown): string => {
  if (u === undefined) return 'nothing';
  if (typeof u === 'string') return JSON.stringify(u.length > SHOWN ? `${u.slice(0, SHOWN)}…` : u);
  if (u === null || typeof u === 'number' || typeof u === 'boolean') return String(u);
  return Array.isArray(u) ? 'an array' : 'an object';
};

const PLAIN_KEY = /^[A-Za-z0-9_-]{1,64}$/;

// Members of an intersection are addressed by index in io-ts's context;
// they are not part of the JSON path. A key printed in a path is quoted when
// it is not a plain name, so a hostile key cannot forge a misleading path.
const pathOf = (e: t.ValidationError): string => {
  let path = '$';
  e.context.forEach((entry, i) => {
    const parent = e.context[i - 1]?.type;
    if (parent === undefined || parent instanceof t.IntersectionType) return;
    if (parent instanceof t.ArrayType) path += `[${entry.key}]`;
    else path += PLAIN_KEY.test(entry.key) ? `.${entry.key}` : `[${JSON.stringify(entry.key.slice(0, SHOWN))}]`;
  });
  return path;
};

const describeErrors = (errors: t.Errors): string => {
  const first = errors[0];
  if (first === undefined) return 'does not match QemuImgInfo';
  const expected = first.context[first.context.length - 1]?.type.name ?? 'a value';
  return `${pathOf(first)}: expected ${expected}, got ${show(first.value)}`;
};

/**
 * Decode the stdout of `qemu-img info --output=json`. Never throws: text
 * that is not JSON, or JSON that is not an `ImageInfo`, is a
 * {@link ToolOutputInvalid} naming the first offending path.
 */
export const decodeQemuImgInfo = (stdout: string): E.Either<ToolOutputInvalid, QemuImgInfo> => {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (cause) {
    return E.left(toolOutputInvalid(TOOL, 'output is not JSON', cause));
  }
  const decoded = QemuImgInfo.decode(json);
  return E.isRight(decoded) ? E.right(decoded.right) : E.left(toolOutputInvalid(TOOL, describeErrors(decoded.left)));
};

// ---- operations

/** Whether `qemu-img info` output names a backing file in any of the fields QEMU uses for one. */
export const reportsBackingFile = (info: QemuImgInfo): boolean =>
  info['backing-filename'] !== undefined ||
  info['full-backing-filename'] !== undefined ||
  info['backing-filename-format'] !== undefined ||
  info['backing-image'] !== undefined;
