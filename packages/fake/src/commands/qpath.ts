/**
 * How the emulated tools address storage (docs/commands.md): a file path, an
 * LVM device `/dev/<vg>/<lv>`, or `rbd:<pool>/<image>`. Parsing is strict:
 * a relative path or another qemu protocol is not emulated. Reading and
 * writing a target goes to the host's file system, its volume groups, or the
 * cluster's pools (only those the host names).
 */
import type { Volume } from '../content/volume.js';
import { dirname, normalizePath, resolvePath, type FsFailureCode, type FsResult } from '../state/file-system.js';
import type { CommandContext } from './context.js';

// ---- types

/** A parsed storage address. */
export type Target =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'lv'; readonly vg: string; readonly lv: string }
  | { readonly kind: 'rbd'; readonly pool: string; readonly image: string };

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/;
const isName = (s: string): boolean => NAME.test(s) && !s.includes('..');

// ---- parsing

/** A `<pool>/<image>` or `<vg>/<lv>` pair, or `null`. */
export const parsePair = (text: string): readonly [string, string] | null => {
  // Cut at the one slash rather than splitting: every rbd and lvm command parses one of these.
  const cut = text.indexOf('/');
  if (cut < 0 || text.includes('/', cut + 1)) return null;
  const a = text.slice(0, cut);
  const b = text.slice(cut + 1);
  return isName(a) && isName(b) ? [a, b] : null;
};

/** The target a path names on a host: `/dev/<vg>/<lv>` is a logical volume, anything else a file. */
const pathTarget = (path: string): Target => {
  // Most paths are files: only one under /dev can name a logical volume.
  if (!path.startsWith('/dev/')) return { kind: 'file', path };
  const m = /^\/dev\/([^/]+)\/([^/]+)$/.exec(path);
  return m !== null && m[1] !== undefined && m[2] !== undefined && isName(m[1]) && isName(m[2])
    ? { kind: 'lv', vg: m[1], lv: m[2] }
    : { kind: 'file', path };
};

/** What an `rbd:` address says beyond its pool and image: the client options nova adds. */
export interface RbdOptions {
  readonly id?: string;
  readonly conf?: string;
}

/**
 * The client options of an `rbd:<pool>/<image>[:id=<user>][:conf=<path>]`
 * address (each at most once); `null` for any other option, a repeated one,
 * an escaped colon, or an `@` (qemu reads a snapshot name from it, wherever
 * it is): not emulated.
 */
export const rbdAddressOptions = (text: string): RbdOptions | null => {
  if (text.includes('@')) return null;
  const cut = text.indexOf(':', 4);
  if (cut < 0) return {};
  const out: { id?: string; conf?: string } = {};
  for (const part of text.slice(cut + 1).split(':')) {
    const m = /^(id|conf)=(.+)$/.exec(part);
    if (m === null || m[1] === undefined || m[2] === undefined || m[1] in out || part.endsWith('\\')) return null;
    out[m[1] as 'id' | 'conf'] = m[2];
  }
  return out;
};

/** Parse a qemu path; `null` when the emulator does not know the form. */
export const parseQpath = (text: string): Target | null => {
  if (text.startsWith('rbd:')) {
    if (rbdAddressOptions(text) === null) return null;
    const cut = text.indexOf(':', 4);
    const pair = parsePair(cut < 0 ? text.slice(4) : text.slice(4, cut));
    return pair === null ? null : { kind: 'rbd', pool: pair[0], image: pair[1] };
  }
  const path = normalizePath(text);
  return path === null ? null : pathTarget(path);
};

/** Parse a local path operand (files and LVM devices, no protocols). */
export const parseLocalPath = (text: string): Target | null => {
  const path = normalizePath(text);
  return path === null ? null : pathTarget(path);
};

/** A name stored in an image (backing file, data file, extent), resolved against the image's directory. */
export const refTarget = (name: string, baseDir: string | null): Target | null => {
  if (name.startsWith('rbd:')) return parseQpath(name);
  if (!name.startsWith('/') && baseDir === null) return null;
  const path = resolvePath(baseDir ?? '/', name);
  return path === null ? null : pathTarget(path);
};

/** The directory relative names in an image are resolved against. */
export const baseDirOf = (t: Target): string | null => {
  switch (t.kind) {
    case 'file':
      return dirname(t.path);
    case 'lv':
      return `/dev/${t.vg}`;
    case 'rbd':
      return null;
  }
};

/** The target as a qemu path. */
export const showTarget = (t: Target): string => {
  switch (t.kind) {
    case 'file':
      return t.path;
    case 'lv':
      return `/dev/${t.vg}/${t.lv}`;
    case 'rbd':
      return `rbd:${t.pool}/${t.image}`;
  }
};

// ---- access

/** The volume at a target, if there is one. */
export const readTarget = (ctx: CommandContext, t: Target): Volume | undefined => {
  switch (t.kind) {
    case 'file':
      return ctx.host.fs.file(t.path);
    case 'lv':
      return ctx.host.volumeGroups.get(t.vg)?.get(t.lv);
    case 'rbd':
      return ctx.state.poolFor(ctx.host, t.pool)?.images.get(t.image)?.volume;
  }
};

/**
 * Store a volume at a target. Files are created or replaced (their directory
 * must exist); an LV or RBD image must already exist, or, for RBD with
 * `create`, must not. Returns the errno-like code of a failure.
 */
export const writeTarget = (ctx: CommandContext, t: Target, volume: Volume, createRbd = false): FsFailureCode | null => {
  switch (t.kind) {
    case 'file': {
      const r: FsResult<void> = ctx.host.fs.writeFile(t.path, volume);
      return r.ok ? null : r.failure.code;
    }
    case 'lv': {
      const vg = ctx.host.volumeGroups.get(t.vg);
      if (vg?.get(t.lv) === undefined) return 'ENOENT';
      vg.set(t.lv, volume);
      return null;
    }
    case 'rbd': {
      const pool = ctx.state.poolFor(ctx.host, t.pool);
      if (pool === undefined) return 'ENOENT';
      const existing = pool.images.get(t.image);
      if (createRbd && existing !== undefined) return 'EEXIST';
      if (!createRbd && existing === undefined) return 'ENOENT';
      pool.images.set(t.image, { id: existing?.id ?? rbdId(ctx), volume });
      return null;
    }
  }
};

/** A fresh RBD image id, hex like Ceph's. */
export const rbdId = (ctx: CommandContext): string => `1f${ctx.state.nextId().toString(16).padStart(10, '0')}`;
