/**
 * The emulated `rbd` tool: `create`, `import`, `resize`, `rm` and `info` in
 * the forms docs/commands.md lists. Pools belong to the cluster; a host sees
 * the pools its configuration names. Like the real tool, a failure exits
 * with the errno it failed with (2 for a missing image, 17 for an existing
 * one, 22 for a bad argument).
 */
import { rawVolume } from '../content/volume.js';
import type { FakeRbdPool } from '../state/rbd-pool.js';
import { parseArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { exitWith, isOutcome, notEmulated, succeed, type Outcome } from './outcome.js';
import { parseLocalPath, parsePair, rbdId, readTarget } from './qpath.js';
import { rbdBytes } from './sizes.js';

const ENOENT = 2;
const EEXIST = 17;
const EINVAL = 22;
const OBJECT_SIZE = 4 * 1024 * 1024;
// Ceph prints its own timestamps; a fixed one keeps the fake deterministic.
const TIMESTAMP = 'Thu Jan  1 00:00:00 1970';

interface Spec {
  readonly pool: FakeRbdPool;
  readonly image: string;
}

/** The `<pool>/<image>` operand with its pool, or rbd's failure. */
const imageSpec = (ctx: CommandContext, operand: string): Spec | Outcome => {
  const pair = parsePair(operand);
  if (pair === null) return exitWith(EINVAL, `rbd: invalid image spec '${operand}'`);
  const pool = ctx.state.poolFor(ctx.host, pair[0]);
  if (pool === undefined) return exitWith(ENOENT, `rbd: error opening pool '${pair[0]}': (2) No such file or directory`);
  return { pool, image: pair[1] };
};

const sizeOption = (text: string | undefined): number | Outcome => {
  if (text === undefined) return notEmulated('missing --size');
  const n = rbdBytes(text);
  if (n === 'other-unit') return notEmulated(`--size ${text}: the drivers give sizes in bytes (<n>B)`);
  if (n === null) return exitWith(EINVAL, `rbd: error parsing command-line arguments: the argument ('${text}') for option '--size' is invalid`);
  return n;
};

const missingImage = (image: string): Outcome => exitWith(ENOENT, `rbd: error opening image ${image}: (2) No such file or directory`);

const create = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '--size': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  const [operand, ...extra] = p.args.operands;
  if (operand === undefined || extra.length > 0) return notEmulated('rbd create takes --size <n>B <pool>/<image>');
  const size = sizeOption(p.args.options.get('--size'));
  if (typeof size !== 'number') return size;
  const spec = imageSpec(ctx, operand);
  if (isOutcome(spec)) return spec;
  if (spec.pool.images.has(spec.image)) return exitWith(EEXIST, 'rbd: create error: (17) File exists');
  spec.pool.images.set(spec.image, { id: rbdId(ctx), volume: rawVolume(size) });
  return succeed();
};

const importRaw = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '--image-format': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  const [pathText, operand, ...extra] = p.args.operands;
  if (p.args.options.get('--image-format') !== '2' || pathText === undefined || operand === undefined || extra.length > 0) {
    return notEmulated('rbd import takes --image-format 2 <path> <pool>/<image>');
  }
  const source = parseLocalPath(pathText);
  if (source === null) return notEmulated(`rbd import from ${JSON.stringify(pathText)}: not an absolute path`);
  const spec = imageSpec(ctx, operand);
  if (isOutcome(spec)) return spec;
  const volume = readTarget(ctx, source);
  if (volume === undefined) return exitWith(ENOENT, `rbd: error opening ${pathText}\nrbd: import failed: (2) No such file or directory`);
  if (spec.pool.images.has(spec.image)) return exitWith(EEXIST, 'rbd: image creation failed\nrbd: import failed: (17) File exists');
  // Byte for byte: whatever the file holds, header and all, becomes the image.
  spec.pool.images.set(spec.image, { id: rbdId(ctx), volume: volume.text === null ? volume : rawVolume(volume.length, volume.data) });
  return succeed('', 'Importing image: 100% complete...done.');
};

const resize = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '--size': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  const [operand, ...extra] = p.args.operands;
  if (operand === undefined || extra.length > 0) return notEmulated('rbd resize takes --size <n>B <pool>/<image>');
  const size = sizeOption(p.args.options.get('--size'));
  if (typeof size !== 'number') return size;
  const spec = imageSpec(ctx, operand);
  if (isOutcome(spec)) return spec;
  const entry = spec.pool.images.get(spec.image);
  if (entry === undefined) return missingImage(spec.image);
  if (size < entry.volume.length) return exitWith(EINVAL, 'rbd: shrinking an image is only allowed with the --allow-shrink flag');
  spec.pool.images.set(spec.image, { ...entry, volume: { ...entry.volume, length: size } });
  return succeed('', 'Resizing image: 100% complete...done.');
};

const remove = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, {});
  if (!p.ok) return notEmulated(p.reason);
  const [operand, ...extra] = p.args.operands;
  if (operand === undefined || extra.length > 0) return notEmulated('rbd rm takes <pool>/<image>');
  const spec = imageSpec(ctx, operand);
  if (isOutcome(spec)) return spec;
  if (!spec.pool.images.delete(spec.image)) return exitWith(ENOENT, 'Removing image: 0% complete...failed.\nrbd: delete error: (2) No such file or directory');
  return succeed('', 'Removing image: 100% complete...done.');
};

// `rbd info` prints what JSON.stringify prints for the object, in this key
// order; the fields after the prefix never change, so they are printed once
// (the drivers run `rbd info` before and after every change).
const INFO_TAIL = JSON.stringify({
  format: 2,
  features: ['layering', 'exclusive-lock', 'object-map', 'fast-diff', 'deep-flatten'],
  op_features: [],
  flags: [],
  create_timestamp: TIMESTAMP,
  access_timestamp: TIMESTAMP,
  modify_timestamp: TIMESTAMP,
}).slice(1);

const info = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, { '--format': 'value' });
  if (!p.ok) return notEmulated(p.reason);
  // Indexing rather than destructuring with a rest: the drivers run `rbd info` around every change.
  const operands = p.args.operands;
  const operand = operands[0];
  if (p.args.options.get('--format') !== 'json' || operand === undefined || operands.length > 1) return notEmulated('rbd info takes --format json <pool>/<image>');
  const spec = imageSpec(ctx, operand);
  if (isOutcome(spec)) return spec;
  const entry = spec.pool.images.get(spec.image);
  if (entry === undefined) return missingImage(spec.image);
  const size = entry.volume.length;
  return succeed(
    `{"name":${JSON.stringify(spec.image)},"id":${JSON.stringify(entry.id)},"size":${size},"objects":${Math.ceil(size / OBJECT_SIZE)},` +
      `"order":22,"object_size":${OBJECT_SIZE},"snapshot_count":0,"block_name_prefix":${JSON.stringify(`rbd_data.${entry.id}`)},${INFO_TAIL}`,
  );
};

const SUBCOMMANDS: Readonly<Record<string, (ctx: CommandContext, args: readonly string[]) => Outcome>> = {
  create,
  import: importRaw,
  resize,
  rm: remove,
  info,
};

/**
 * How many leading arguments are the client's global options (`--id <user>`,
 * `--conf <path>`, each at most once, before the subcommand), or rbd's
 * failure: like the real tool, a configuration file the host lacks fails
 * before anything is done.
 */
const globalOptions = (ctx: CommandContext, args: readonly string[]): number | Outcome => {
  let at = 0;
  const seen = new Set<string>();
  for (;;) {
    const opt = args[at];
    if ((opt !== '--id' && opt !== '--conf') || seen.has(opt)) return at;
    const value = args[at + 1];
    if (value === undefined || value.startsWith('-')) return notEmulated(`rbd ${opt} takes a value`);
    if (opt === '--conf' && ctx.host.fs.file(value) === undefined) return exitWith(1, `global_init: unable to open config file from search list ${value}`);
    seen.add(opt);
    at += 2;
  }
};

/** `rbd [--id <user>] [--conf <path>] <subcommand> …` */
export const rbd = (ctx: CommandContext, args: readonly string[]): Outcome => {
  // The client's options are nearly always absent: only then is the argv sliced.
  const skip = args[0] === '--id' || args[0] === '--conf' ? globalOptions(ctx, args) : 0;
  if (typeof skip !== 'number') return skip;
  // Indexing rather than destructuring: every emulated rbd command passes here.
  const sub = args[skip];
  const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  return run === undefined ? notEmulated(`rbd ${sub ?? ''}: subcommand not emulated`) : run(ctx, args.slice(skip + 1));
};
