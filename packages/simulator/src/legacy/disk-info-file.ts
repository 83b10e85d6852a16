/**
 * nova's `disk.info` as the classic driver read and wrote it:
 * `<instances_path>/<instance>/disk.info`, one line of JSON mapping each file
 * disk's absolute path to the format the driver used. The line is the one
 * `encodeDiskInfo` writes, but the value is whatever the driver resolved,
 * and after a probe that can be any format qemu-img names (`vmdk`, `vpc`…):
 * nova wrote those too, which is why this codec is wider than the domain's
 * `decodeDiskInfo` (that one rightly refuses them when adopting a disk).
 * A file that is not such a line is nova's `InvalidDiskInfo`.
 */
import { encodeDiskInfo, isDiskFormat, type DiskFormat, type HostPath, type InstanceId } from '@disk-ledger/domain';
import type { ProbedFormat } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as J from 'fp-ts/lib/Json.js';
import * as t from 'io-ts';
import { isProbedFormat } from './detected-info.js';
import { instanceDirOf } from './disk-address.js';
import type { Failure, LegacyHost, Result } from './legacy-host.js';

// ---- types

/** A format as the classic driver names it: a qemu-img format name (a ploop disk is `parallels` to qemu). */
export type ClassicFormat = ProbedFormat;

/** The decoded file: disk path → format, mutable so an operation can fill entries and write the file once. */
export type LegacyDiskInfo = Map<string, ClassicFormat>;

const DiskInfoLine = t.record(t.string, t.string);

// ---- format names

/** The format as `disk.info` spells it (`ploop` for qemu's `parallels`). */
export const infoSpelling = (f: ClassicFormat): string => (f === 'parallels' ? 'ploop' : f);

/** A `disk.info` value as a classic format, or `null` when it names none. */
export const fromInfoSpelling = (s: string): ClassicFormat | null => (s === 'ploop' ? 'parallels' : isProbedFormat(s) ? s : null);

/** The recorded-format vocabulary's name for a classic format, when it has one. */
export const asDiskFormat = (f: ClassicFormat): DiskFormat | null => (f === 'parallels' ? 'ploop' : isDiskFormat(f) ? f : null);

// ---- the file

/** `<instances_path>/<instance>/disk.info` */
export const diskInfoPath = (host: LegacyHost, id: InstanceId): HostPath => `${instanceDirOf(host, id)}/disk.info` as HostPath;

const invalidDiskInfo = (path: string, why: string): Failure => ({ code: 'INVALID_DISK_INFO', message: `Disk info file is invalid: ${path}: ${why}` });

/** Decode the file's text (nova's `_dict_from_line`: an empty file is an empty map). */
export const decodeLegacyDiskInfo = (text: string, path: string): E.Either<Failure, LegacyDiskInfo> => {
  if (text.trim() === '') return E.right(new Map());
  return pipe(
    J.parse(text.trim()),
    E.mapLeft(() => invalidDiskInfo(path, 'not JSON')),
    E.chain((json) => pipe(DiskInfoLine.decode(json), E.mapLeft(() => invalidDiskInfo(path, 'not an object of path → format')))),
    E.chain((entries) => {
      const out: LegacyDiskInfo = new Map();
      for (const [key, value] of Object.entries(entries)) {
        const f = fromInfoSpelling(value);
        if (f === null) return E.left(invalidDiskInfo(path, `unknown format ${JSON.stringify(value)} for ${key}`));
        out.set(key, f);
      }
      return E.right(out);
    }),
  );
};

/** Encode as the one line nova writes. */
export const encodeLegacyDiskInfo = (info: LegacyDiskInfo): string => {
  const recorded = new Map<string, DiskFormat>();
  for (const [path, f] of info) {
    const d = asDiskFormat(f);
    if (d !== null) recorded.set(path, d);
  }
  // The same line either way; only a probe's vmdk, vpc, … falls outside the domain codec's vocabulary.
  return recorded.size === info.size
    ? encodeDiskInfo(recorded)
    : JSON.stringify(Object.fromEntries([...info].map(([path, f]) => [path, infoSpelling(f)])));
};

/** Read the instance's `disk.info` on `host`; an absent file is an empty map. */
export const readDiskInfo = async (host: LegacyHost, id: InstanceId): Result<LegacyDiskInfo> => {
  const path = diskInfoPath(host, id);
  const text = await host.files.readText(path)();
  if (E.isLeft(text)) return text.left.code === 'FS_NOT_FOUND' ? E.right(new Map()) : text;
  return decodeLegacyDiskInfo(text.right, path);
};

/** Write the instance's `disk.info` on `host` (the instance directory is made first, as nova's `ensure_tree`). */
export const writeDiskInfo = async (host: LegacyHost, id: InstanceId, info: LegacyDiskInfo): Result<void> => {
  const dir = await host.mkdirp(instanceDirOf(host, id));
  if (E.isLeft(dir)) return dir;
  return host.files.writeTextAtomic(diskInfoPath(host, id), encodeLegacyDiskInfo(info))();
};
