/**
 * The emulated `genisoimage`, in the one form docs/commands.md lists: an
 * ISO 9660 image of a staged directory, read through the host's file
 * system. The image is a raw file holding a marker of its own and the
 * markers of every staged file, so anything staged — a secret included —
 * is visible in the config drive.
 */
import { markedData, storedMarkers } from '../content/data.js';
import { MarkerSet } from '../content/markers.js';
import { STRERROR } from '../state/file-system.js';
import { parseArgs } from './argv-parser.js';
import type { CommandContext } from './context.js';
import { exitWith, notEmulated, succeed, type Outcome } from './outcome.js';
import { parseLocalPath, writeTarget } from './qpath.js';

const SECTOR = 2048;
// Volume descriptors, path tables, directories and the Joliet copies of a small tree.
const ISO_OVERHEAD_SECTORS = 183;

const SPEC = {
  '-o': 'value',
  '-ldots': 'flag',
  '-allow-lowercase': 'flag',
  '-allow-multidot': 'flag',
  '-l': 'flag',
  '-publisher': 'value',
  '-quiet': 'flag',
  '-J': 'flag',
  '-r': 'flag',
  '-V': 'value',
} as const;

/** `genisoimage -o <path> -ldots -allow-lowercase -allow-multidot -l -publisher <p> -quiet -J -r -V <label> <dir>` */
export const genisoimage = (ctx: CommandContext, args: readonly string[]): Outcome => {
  const p = parseArgs(args, SPEC);
  if (!p.ok) return notEmulated(p.reason);
  const { options: o, operands } = p.args;
  const [dirText, ...extra] = operands;
  const out = o.get('-o');
  const label = o.get('-V');
  if (Object.keys(SPEC).some((k) => !o.has(k)) || out === undefined || label === undefined || dirText === undefined || extra.length > 0) {
    return notEmulated('genisoimage takes exactly the options of docs/commands.md and one directory');
  }
  const dir = parseLocalPath(dirText);
  const dest = parseLocalPath(out);
  if (dir?.kind !== 'file' || dest?.kind !== 'file') return notEmulated('genisoimage takes absolute file paths');
  if (!ctx.host.fs.isDir(dir.path)) return exitWith(1, `genisoimage: No such file or directory. Invalid node - '${dirText}'.`);

  let markers = MarkerSet.of(`iso:${label}#${ctx.state.nextId()}`);
  let sectors = ISO_OVERHEAD_SECTORS;
  for (const [, volume] of ctx.host.fs.filesUnder(dir.path)) {
    markers = markers.union(storedMarkers(volume.data));
    sectors += Math.ceil(volume.length / SECTOR);
  }
  const failure = writeTarget(ctx, dest, { length: sectors * SECTOR, data: markedData(markers), text: null });
  if (failure !== null) return exitWith(1, `genisoimage: ${STRERROR[failure]}. Unable to open disc image file '${out}'.`);
  return succeed();
};
