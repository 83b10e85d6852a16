/**
 * `qemu-img info`: what qemu-img 7.2 prints for an image opened as its named
 * format (or as detected, a probe, without `-f`). Like the real tool it does
 * not open the backing chain, only the image (and a qcow2's data file or a
 * vmdk's extents, which must exist). `--output=json` prints the JSON shape
 * qemu-img 7.2 prints; without it, the human-readable form.
 */
import type { Header, ProbedFormat } from '../content/data.js';
import type { Volume } from '../content/volume.js';
import { parseArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { openImage } from './image-reader.js';
import { prettyJson, type Json } from './json-output.js';
import { qemuHumanSize } from './human-size.js';
import { formatOption, isOutcome, locate, qemuFailed, qpathOperand } from './qemu-img-common.js';
import { notEmulated, succeed, type Outcome } from './outcome.js';
import { baseDirOf, refTarget, showTarget, type Target } from './qpath.js';

// The CID the domain's vmdk builder writes, and "no parent".
const VMDK_CID = 0xd15c1ed9;
const VMDK_NO_PARENT = 0xffffffff;

const clusterSize = (format: ProbedFormat, header: Header | null): number | null => {
  if (format === 'qcow2') return 65536;
  if (format === 'parallels') return 1048576;
  if (format === 'vmdk' && header?.format === 'vmdk' && header.createType !== 'monolithicFlat') return 65536;
  return null;
};

const formatSpecific = (format: ProbedFormat, header: Header | null, name: string): Json | undefined => {
  if (format === 'qcow2' && header?.format === 'qcow2') {
    return {
      type: 'qcow2',
      data: {
        compat: '1.1',
        'compression-type': 'zlib',
        'lazy-refcounts': false,
        ...(header.dataFile === null ? {} : { 'data-file': header.dataFile, 'data-file-raw': true }),
        'refcount-bits': 16,
        corrupt: false,
        'extended-l2': false,
      },
    };
  }
  if (format === 'vmdk' && header?.format === 'vmdk') {
    return {
      type: 'vmdk',
      data: {
        cid: VMDK_CID,
        'parent-cid': VMDK_NO_PARENT,
        'create-type': header.createType,
        extents: header.extents.map((e): Json =>
          e.type === 'FLAT'
            ? { 'virtual-size': header.virtualSize, filename: e.path, format: 'FLAT' }
            : { compressed: header.createType === 'streamOptimized', 'virtual-size': header.virtualSize, filename: name, 'cluster-size': 65536, format: '' },
        ),
      },
    };
  }
  return undefined;
};

/** The fields of `qemu-img info --output=json`, in qemu-img 7.2's order. */
export const infoFields = (target: Target, volume: Volume, format: ProbedFormat, virtualSize: number): { readonly [k: string]: Json } => {
  const name = showTarget(target);
  const h = volume.data.header;
  const q = format === 'qcow2' && h?.format === 'qcow2' ? h : null;
  const backing = q?.backing ?? null;
  const cluster = clusterSize(format, h);
  const specific = formatSpecific(format, h, name);
  // Key by key in that order (JSON.stringify prints insertion order): building it from spreads cost more than printing it.
  const fields: { [k: string]: Json } = {};
  if (backing !== null && backing.format !== null) fields['backing-filename-format'] = backing.format;
  fields['virtual-size'] = virtualSize;
  fields['filename'] = name;
  if (cluster !== null) fields['cluster-size'] = cluster;
  fields['format'] = format;
  if (target.kind === 'file') fields['actual-size'] = volume.length;
  if (specific !== undefined) fields['format-specific'] = specific;
  if (backing !== null) {
    const fullBacking = refTarget(backing.path, baseDirOf(target));
    fields['full-backing-filename'] = fullBacking === null ? backing.path : showTarget(fullBacking);
    fields['backing-filename'] = backing.path;
  }
  fields['dirty-flag'] = false;
  return fields;
};

const human = (fields: { readonly [k: string]: Json }, virtualSize: number, volume: Volume, target: Target): string => {
  const lines = [
    `image: ${String(fields['filename'])}`,
    `file format: ${String(fields['format'])}`,
    `virtual size: ${qemuHumanSize(virtualSize)} (${virtualSize} bytes)`,
    `disk size: ${target.kind === 'file' ? qemuHumanSize(volume.length) : 'unavailable'}`,
  ];
  if (fields['cluster-size'] !== undefined) lines.push(`cluster_size: ${String(fields['cluster-size'])}`);
  if (fields['backing-filename'] !== undefined) lines.push(`backing file: ${String(fields['backing-filename'])}`);
  if (fields['backing-filename-format'] !== undefined) lines.push(`backing file format: ${String(fields['backing-filename-format'])}`);
  return lines.join('\n');
};

/** `qemu-img info [-f <fmt>] [--output=json] <qpath>` */
export const qemuImgInfo = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const parsed = parseArgs(args, { '-f': 'value', '--output': 'value' });
  if (!parsed.ok) return notEmulated(parsed.reason);
  const { options: o, operands } = parsed.args;
  const fmt = formatOption(o.get('-f'), '-f');
  if (isOutcome(fmt)) return fmt;
  const output = o.get('--output') ?? 'human';
  if (output !== 'json' && output !== 'human') return notEmulated(`--output=${output}`);
  const pathText = operands[0];
  if (pathText === undefined || operands.length > 1) return notEmulated('qemu-img info takes one image');
  const target = qpathOperand(pathText);
  if (isOutcome(target)) return target;

  const loc = locate(ctx, target);
  if (isOutcome(loc)) return loc;
  const read = openImage(ctx, loc, fmt, { backing: false });
  if (!read.ok) return qemuFailed(`Could not open '${loc.name}': ${read.message}`);
  const fields = infoFields(target, loc.volume, read.opened.format, read.opened.virtualSize);
  // The JSON is built piece by piece; ending it with its newline here, before `succeed` looks at its
  // last character, makes that look flatten the text once rather than once there and again when read.
  return succeed(output === 'json' ? `${prettyJson(fields)}\n` : human(fields, read.opened.virtualSize, loc.volume, target));
};
