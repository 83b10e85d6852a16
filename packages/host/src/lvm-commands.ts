/**
 * Argv builders for the LVM tools (docs/commands.md) and the codec for
 * `lvs --reportformat json`. `metadataOnly` adds
 * `--config 'global { activation = 0 }'` (two argv items) so that LVs are
 * created and changed in the metadata only, where device-mapper is absent.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { toolOutputInvalid, type Argv, type ByteSize, type ToolOutputInvalid, type VolumeName } from '@disk-ledger/domain';
import { describePaths } from './qemu-img.js';

/** A logical volume: its group and name. */
export interface LogicalVolume {
  readonly vg: VolumeName;
  readonly lv: VolumeName;
}

const conf = (metadataOnly: boolean): string[] => (metadataOnly ? ['--config', 'global { activation = 0 }'] : []);
const spec = (v: LogicalVolume): string => `${v.vg}/${v.lv}`;

/** `lvcreate [<lvmconf>] -y -L <size>b -n <lv> <vg>` */
export const lvcreate = (metadataOnly: boolean, v: LogicalVolume, size: ByteSize): Argv =>
  ['lvcreate', ...conf(metadataOnly), '-y', '-L', `${size}b`, '-n', v.lv, v.vg];

/** `lvremove [<lvmconf>] -f <vg>/<lv>` */
export const lvremove = (metadataOnly: boolean, v: LogicalVolume): Argv => ['lvremove', ...conf(metadataOnly), '-f', spec(v)];

/** `lvextend [<lvmconf>] -L <size>b <vg>/<lv>` */
export const lvextend = (metadataOnly: boolean, v: LogicalVolume, size: ByteSize): Argv =>
  ['lvextend', ...conf(metadataOnly), '-L', `${size}b`, spec(v)];

/** `lvs [<lvmconf>] --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_size <vg>/<lv>` */
export const lvs = (metadataOnly: boolean, v: LogicalVolume): Argv =>
  ['lvs', ...conf(metadataOnly), '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,vg_name,lv_size', spec(v)];

const DIGITS = /^[0-9]{1,16}$/;

/** The byte count of 1 to 16 decimal digits, or `null` when it is not a safe integer. */
const decimalBytes = (digits: string): number | null => {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
};

/** A byte count printed as decimal digits (`--units b --nosuffix`). */
const DecimalBytes = new t.Type<number, string, unknown>(
  'DecimalBytes',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => {
    if (typeof u !== 'string' || !DIGITS.test(u)) return t.failure(u, c, 'expected decimal digits');
    const n = decimalBytes(u);
    return n !== null ? t.success(n) : t.failure(u, c, 'too large');
  },
  (n) => String(n),
);

const LvsReport = t.type({
  report: t.array(t.type({ lv: t.array(t.type({ lv_name: t.string, vg_name: t.string, lv_size: DecimalBytes })) })),
});

/** One row of an `lvs` report. */
interface LvsRow {
  readonly lv_name: string;
  readonly vg_name: string;
  readonly lv_size: number;
}

/** Every row of an `lvs` report, whatever volume was asked for. */
const readLvs = (stdout: string): E.Either<ToolOutputInvalid, readonly LvsRow[]> => {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (cause) {
    return E.left(toolOutputInvalid('lvs', 'output is not JSON', cause));
  }
  const rows = plainRows(json);
  if (rows !== null) return E.right(rows);
  // Only output the plain walk refuses goes through the codec, for the paths the message names.
  const decoded = LvsReport.decode(json);
  if (E.isLeft(decoded)) return E.left(toolOutputInvalid('lvs', `unexpected output at ${describePaths(decoded.left)}`, decoded.left));
  return E.right(decoded.right.report.flatMap((section) => section.lv));
};

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * The rows of a report the codec accepts, read by a plain walk (the driver reads a report for every
 * size of an LV, and the codec's contexts cost more than the command); `null` for anything else,
 * which is left to the codec to refuse or accept with its own rules.
 */
const plainRows = (json: unknown): LvsRow[] | null => {
  if (!isObject(json) || !Array.isArray(json['report'])) return null;
  const rows: LvsRow[] = [];
  for (const section of json['report'] as unknown[]) {
    if (!isObject(section) || !Array.isArray(section['lv'])) return null;
    for (const row of section['lv'] as unknown[]) {
      if (!isObject(row)) return null;
      const { lv_name, vg_name, lv_size } = row;
      if (typeof lv_name !== 'string' || typeof vg_name !== 'string' || typeof lv_size !== 'string') return null;
      const size = DIGITS.test(lv_size) ? decimalBytes(lv_size) : null;
      if (size === null) return null;
      rows.push({ lv_name, vg_name, lv_size: size });
    }
  }
  return rows;
};

/** The size of `v` in an `lvs` report, or `null` when the report does not list it. */
export const decodeLvs = (stdout: string, v: LogicalVolume): E.Either<ToolOutputInvalid, number | null> => {
  const rows = readLvs(stdout);
  if (E.isLeft(rows)) return rows;
  return E.right(rows.right.find((row) => row.lv_name === v.lv && row.vg_name === v.vg)?.lv_size ?? null);
};

/** Whether a failed `lvs` said the volume (or its group) does not exist: exit 5 with LVM's not-found message. */
export const isMissingVolume = (exitCode: number, stderr: string): boolean =>
  exitCode === 5 && /Failed to find logical volume|Volume group "[^"]*" not found/.test(stderr);
