/**
 * The emulated LVM tools: `lvcreate`, `lvremove`, `lvextend`, `lvs` and `vgs` in
 * the forms docs/commands.md lists, with or without
 * `--config 'global { activation = 0 }'` (accepted and otherwise ignored: the
 * fake's LVs are always readable at `/dev/<vg>/<lv>`). Sizes are rounded up
 * to whole extents as LVM does; failures use LVM's exit code 5 and messages
 * (3 for a command line LVM cannot parse).
 */
import { rawVolume } from '../content/volume.js';
import type { FakeVolumeGroup } from '../state/volume-group.js';
import { parseArgs, type OptionKind, type ParsedArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { lvmHumanSize } from './human-size.js';
import { exitWith, isOutcome, notEmulated, succeed, type Outcome } from './outcome.js';
import { parsePair } from './qpath.js';
import { lvmBytes } from './sizes.js';

/** The one `--config` value the drivers pass. */
export const METADATA_ONLY_CONFIG = 'global { activation = 0 }';

const LVM_FAILED = 5;
const LVM_BAD_ARGS = 3;

type Parsed = { readonly ok: true; readonly args: ParsedArgs; readonly metadataOnly: boolean } | { readonly ok: false; readonly outcome: Outcome };

/** The options of one LVM tool, with the `--config` every one of them takes. */
const withConfig = (spec: Readonly<Record<string, OptionKind>>): Readonly<Record<string, OptionKind>> => ({ '--config': 'value', ...spec });

// Built once: the drivers run these tools on every LVM disk operation.
const LVCREATE = withConfig({ '-y': 'flag', '-L': 'value', '-n': 'value' });
const LVREMOVE = withConfig({ '-f': 'flag' });
const LVEXTEND = withConfig({ '-L': 'value' });
const LVS = withConfig({ '--reportformat': 'value', '--units': 'value', '--nosuffix': 'flag', '-o': 'value' });
const VGS = LVS;

/** Parse against `spec` (built with {@link withConfig}); the one `--config` value the drivers pass is all it accepts. */
const parse = (args: readonly string[], spec: Readonly<Record<string, OptionKind>>): Parsed => {
  const p = parseArgs(args, spec);
  if (!p.ok) return { ok: false, outcome: notEmulated(p.reason) };
  const config = p.args.options.get('--config');
  if (config !== undefined && config !== METADATA_ONLY_CONFIG) return { ok: false, outcome: notEmulated(`--config ${JSON.stringify(config)}`) };
  return { ok: true, args: p.args, metadataOnly: config !== undefined };
};

const vgNotFound = (vg: string): Outcome => exitWith(LVM_FAILED, `  Volume group "${vg}" not found\n  Cannot process volume group ${vg}`);

/** The `<vg>/<lv>` operand resolved to an existing LV, or LVM's failure. */
const existingLv = (ctx: CommandContext, operand: string): { readonly vg: FakeVolumeGroup; readonly lv: string } | Outcome => {
  const pair = parsePair(operand);
  if (pair === null) return exitWith(LVM_FAILED, `  "${operand}": Invalid path for Logical Volume.`);
  const [vgName, lv] = pair;
  const vg = ctx.host.volumeGroups.get(vgName);
  if (vg === undefined) return vgNotFound(vgName);
  if (vg.get(lv) === undefined) return exitWith(LVM_FAILED, `  Failed to find logical volume "${vgName}/${lv}"`);
  return { vg, lv };
};

/** `-L <n>b`, checked; the bytes or LVM's answer. */
const sizeOption = (text: string | undefined): number | Outcome => {
  if (text === undefined) return notEmulated('missing -L');
  const n = lvmBytes(text);
  if (n === 'other-unit') return notEmulated(`-L ${text}: the drivers give sizes in bytes (<n>b)`);
  if (n === null) return exitWith(LVM_BAD_ARGS, `  Invalid argument for --size: ${text}\n  Error during parsing of command line.`);
  if (n === 0) return exitWith(LVM_BAD_ARGS, '  Size must be larger than zero.');
  return n;
};

const extents = (vg: FakeVolumeGroup, bytes: number): number => bytes / vg.extentSize;

// lvcreate and lvextend word the same rounding differently.
const rounding = (tool: 'lvcreate' | 'lvextend', asked: number, rounded: number): string => {
  if (asked === rounded) return '';
  return tool === 'lvcreate'
    ? `  Rounding up size to full physical extent ${lvmHumanSize(rounded)}`
    : `  Rounding size to boundary between physical extents: ${lvmHumanSize(rounded)}.`;
};

/** `lvcreate [<lvmconf>] -y -L <size>b -n <lv> <vg>` */
export const lvcreate = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parse(args, LVCREATE);
  if (!p.ok) return p.outcome;
  const { options: o, operands } = p.args;
  const lv = o.get('-n');
  const [vgName, ...extra] = operands;
  if (!o.has('-y') || lv === undefined || vgName === undefined || extra.length > 0) return notEmulated('lvcreate takes -y -L <size>b -n <lv> <vg>');
  const size = sizeOption(o.get('-L'));
  if (typeof size !== 'number') return size;
  if (parsePair(`${vgName}/${lv}`) === null) return exitWith(LVM_BAD_ARGS, `  Logical volume name "${lv}" is invalid.`);
  const vg = ctx.host.volumeGroups.get(vgName);
  if (vg === undefined) return vgNotFound(vgName);
  if (vg.get(lv) !== undefined) return exitWith(LVM_FAILED, `  Logical Volume "${lv}" already exists in volume group "${vgName}"`);
  const rounded = vg.roundUp(size);
  if (rounded > vg.free) {
    return exitWith(LVM_FAILED, `  Volume group "${vgName}" has insufficient free space (${Math.floor(vg.free / vg.extentSize)} extents): ${extents(vg, rounded)} required.`);
  }
  vg.set(lv, rawVolume(rounded));
  const warnings = [rounding('lvcreate', size, rounded), p.metadataOnly ? `  WARNING: Logical volume ${vgName}/${lv} not zeroed.` : ''].filter((s) => s !== '');
  return succeed(`  Logical volume "${lv}" created.`, warnings.join('\n'));
};

/** `lvremove [<lvmconf>] -f <vg>/<lv>` */
export const lvremove = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parse(args, LVREMOVE);
  if (!p.ok) return p.outcome;
  const [operand, ...extra] = p.args.operands;
  if (!p.args.options.has('-f') || operand === undefined || extra.length > 0) return notEmulated('lvremove takes -f <vg>/<lv>');
  const found = existingLv(ctx, operand);
  if (isOutcome(found)) return found;
  found.vg.remove(found.lv);
  return succeed(`  Logical volume "${found.lv}" successfully removed.`);
};

/** `lvextend [<lvmconf>] -L <size>b <vg>/<lv>` */
export const lvextend = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parse(args, LVEXTEND);
  if (!p.ok) return p.outcome;
  const [operand, ...extra] = p.args.operands;
  if (operand === undefined || extra.length > 0) return notEmulated('lvextend takes -L <size>b <vg>/<lv>');
  const size = sizeOption(p.args.options.get('-L'));
  if (typeof size !== 'number') return size;
  const found = existingLv(ctx, operand);
  if (isOutcome(found)) return found;
  const { vg, lv } = found;
  const current = vg.get(lv);
  if (current === undefined) return exitWith(LVM_FAILED, `  Failed to find logical volume "${vg.name}/${lv}"`);
  const rounded = vg.roundUp(size);
  const [have, want] = [extents(vg, current.length), extents(vg, rounded)];
  if (rounded === current.length) return exitWith(LVM_FAILED, `  New size (${want} extents) matches existing size (${have} extents).`);
  if (rounded < current.length) return exitWith(LVM_FAILED, `  New size given (${want} extents) not larger than existing size (${have} extents)`);
  if (rounded - current.length > vg.free) return exitWith(LVM_FAILED, `  Insufficient free space: ${want - have} extents needed, but only ${Math.floor(vg.free / vg.extentSize)} available`);
  vg.set(lv, { ...current, length: rounded });
  return succeed(
    `  Size of logical volume ${vg.name}/${lv} changed from ${lvmHumanSize(current.length)} (${have} extents) to ${lvmHumanSize(rounded)} (${want} extents).\n  Logical volume ${vg.name}/${lv} successfully resized.`,
    rounding('lvextend', size, rounded),
  );
};

/** `lvs [<lvmconf>] --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_size <vg>/<lv>` */
export const lvs = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parse(args, LVS);
  if (!p.ok) return p.outcome;
  const { options: o, operands } = p.args;
  const operand = operands[0];
  if (!exactReport(o, 'lv_name,vg_name,lv_size') || operand === undefined || operands.length > 1) return notEmulated('lvs takes --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_size <vg>/<lv>');
  const found = existingLv(ctx, operand);
  if (isOutcome(found)) return found;
  const size = found.vg.get(found.lv)?.length ?? 0;
  const row = `{"lv_name":${JSON.stringify(found.lv)}, "vg_name":${JSON.stringify(found.vg.name)}, "lv_size":"${size}"}`;
  return succeed(report('lv', row));
};

/** A JSON report as LVM prints it: one section holding `rows` under `key`. */
const report = (key: 'lv' | 'vg', row: string): string =>
  ['  {', '      "report": [', '          {', `              "${key}": [`, `                  ${row}`, '              ]', '          }', '      ]', '  }'].join('\n');

/** Whether the report options are exactly the drivers' `--reportformat json --units b --nosuffix -o <fields>`. */
const exactReport = (o: ReadonlyMap<string, string>, fields: string): boolean =>
  o.get('--reportformat') === 'json' && o.get('--units') === 'b' && o.has('--nosuffix') && o.get('-o') === fields;

/** `vgs [<lvmconf>] --reportformat json --units b --nosuffix -o vg_name,vg_extent_size <vg>` */
export const vgs = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parse(args, VGS);
  if (!p.ok) return p.outcome;
  const { options: o, operands } = p.args;
  const vgName = operands[0];
  if (!exactReport(o, 'vg_name,vg_extent_size') || vgName === undefined || operands.length > 1) {
    return notEmulated('vgs takes --reportformat json --units b --nosuffix -o vg_name,vg_extent_size <vg>');
  }
  const vg = ctx.host.volumeGroups.get(vgName);
  if (vg === undefined) return vgNotFound(vgName);
  return succeed(report('vg', `{"vg_name":${JSON.stringify(vg.name)}, "vg_extent_size":"${vg.extentSize}"}`));
};
