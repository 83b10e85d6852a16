/**
 * Argv builders for the LVM tools (docs/commands.md) and the codec for
 * `lvs --reportformat json`. `metadataOnly` adds
 * `--config 'global { activation = 0 }'` (two argv items) so that LVs are
 * created and changed in the metadata only, where device-mapper is absent.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { toolOutputInvalid, type Argv, type ByteSize, type ToolOutputInvalid, type VolumeName } from '@disk-ledger/domain';
import { readToolJson } from './tool-json.js';

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

/** `vgs [<lvmconf>] --reportformat json --units b --nosuffix -o vg_name,vg_extent_size <vg>` */
export const vgs = (metadataOnly: boolean, vg: VolumeName): Argv =>
  ['vgs', ...conf(metadataOnly), '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'vg_name,vg_extent_size', vg];

/** A byte count printed as decimal digits (`--units b --nosuffix`). */
const DecimalBytes = new t.Type<number, string, unknown>(
  'DecimalBytes',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0,
  (u, c) => {
    if (typeof u !== 'string' || !/^[0-9]{1,16}$/.test(u)) return t.failure(u, c, 'expected decimal digits');
    const n = Number(u);
    return Number.isSafeInteger(n) ? t.success(n) : t.failure(u, c, 'too large');
  },
  (n) => String(n),
);

const LvsReport = t.type({ report: t.array(t.type({ lv: t.array(t.type({ lv_name: t.string, vg_name: t.string, lv_size: DecimalBytes })) })) });

/** The size of `v` in an `lvs` report, or `null` when the report does not list it. */
export const decodeLvs = (stdout: string, v: LogicalVolume): E.Either<ToolOutputInvalid, number | null> => {
  const report = readToolJson('lvs', stdout, LvsReport);
  if (E.isLeft(report)) return report;
  const rows = report.right.report.flatMap((section) => section.lv);
  return E.right(rows.find((row) => row.lv_name === v.lv && row.vg_name === v.vg)?.lv_size ?? null);
};

const VgsReport = t.type({ report: t.array(t.type({ vg: t.array(t.type({ vg_name: t.string, vg_extent_size: DecimalBytes })) })) });

/**
 * The physical extent size of `vg` in a `vgs` report. A report that does not
 * list the group, or an extent that is not a positive whole number of
 * sectors, is invalid output: sizes rounded with it would be wrong.
 */
export const decodeVgs = (stdout: string, vg: VolumeName): E.Either<ToolOutputInvalid, number> => {
  const report = readToolJson('vgs', stdout, VgsReport);
  if (E.isLeft(report)) return report;
  const extent = report.right.report.flatMap((section) => section.vg).find((row) => row.vg_name === vg)?.vg_extent_size;
  if (extent === undefined) return E.left(toolOutputInvalid('vgs', `the report does not list volume group ${vg}`));
  return extent > 0 && extent % 512 === 0 ? E.right(extent) : E.left(toolOutputInvalid('vgs', `extent size ${extent} of ${vg} is not a positive whole number of sectors`));
};

/** Whether a failed `lvs` said the volume (or its group) does not exist: exit 5 with LVM's not-found message. */
export const isMissingVolume = (exitCode: number, stderr: string): boolean =>
  exitCode === 5 && /Failed to find logical volume|Volume group "[^"]*" not found/.test(stderr);
