/**
 * `qemu-img info --output=json` without `-f`, as the classic driver ran it
 * to learn a disk's format, backing file or size: the answer is what the
 * bytes look like, so a guest that wrote a qcow2 header decides it. The
 * JSON is decoded by a codec; anything but the documented shape is a
 * `TOOL_OUTPUT_INVALID` failure.
 */
import { OPAQUE_FORMATS, QEMU_FORMATS, type ProbedFormat } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as J from 'fp-ts/lib/Json.js';
import * as t from 'io-ts';
import { infoDetected } from './classic-argv.js';
import type { Failure, LegacyHost, Result } from './legacy-host.js';

// ---- types

/** What a probing `qemu-img info` said. */
export interface DetectedInfo {
  readonly format: ProbedFormat;
  readonly virtualSize: number;
  /** The backing file as stored in the image, if any. */
  readonly backingFile: string | null;
}

const KNOWN: readonly string[] = [...QEMU_FORMATS, ...OPAQUE_FORMATS];

/** Whether `u` is a format name qemu-img can answer with. */
export const isProbedFormat = (u: unknown): u is ProbedFormat => typeof u === 'string' && KNOWN.includes(u);

/** A format name qemu-img can answer with. */
export const ProbedFormatCodec = new t.Type<ProbedFormat, string, unknown>(
  'ProbedFormat',
  isProbedFormat,
  (u, c) => (isProbedFormat(u) ? t.success(u) : t.failure(u, c, 'not a format qemu-img detects')),
  (f) => f,
);

/** The fields of `qemu-img info --output=json` the classic driver read. */
export const QemuInfoJson = t.intersection([
  t.type({ format: ProbedFormatCodec, 'virtual-size': t.number }),
  t.partial({ 'backing-filename': t.string }),
]);
export type QemuInfoJson = t.TypeOf<typeof QemuInfoJson>;

// ---- operations

const invalid = (message: string): Failure => ({ code: 'TOOL_OUTPUT_INVALID', message: `qemu-img info: ${message}` });

/** Decode the JSON a probing `qemu-img info` printed. */
export const decodeDetectedInfo = (stdout: string): E.Either<Failure, DetectedInfo> =>
  pipe(
    J.parse(stdout),
    E.mapLeft(() => invalid('output is not JSON')),
    E.chain((json) => pipe(QemuInfoJson.decode(json), E.mapLeft(() => invalid('unexpected output')))),
    E.map((j) => ({ format: j.format, virtualSize: j['virtual-size'], backingFile: j['backing-filename'] ?? null })),
  );

/** Run `qemu-img info --output=json <qpath>` without `-f` on `host` and decode it: a probe. */
export const detectInfo = async (host: LegacyHost, qpath: string): Result<DetectedInfo> =>
  E.chain(decodeDetectedInfo)(await host.run(infoDetected(qpath)));
