/**
 * How qemu reads an image. Opened with a format, the bytes are interpreted as
 * that format, whatever they hold (`-f raw` on a disk whose first bytes are a
 * qcow2 header yields the header as data). Opened without one, the format is
 * detected from the bytes, which is recorded as a probe. A qcow2's backing
 * file is opened with the format stored in the image, or detected (another
 * probe) when none was stored; its data file and a vmdk's flat extents are
 * opened as raw — qemu follows them even when the image's own format was
 * named. Every reference followed is traced with the secret markers it
 * brought in; whether that is a leak depends on where the result goes.
 */
import { detectFormat, EMPTY_DATA, isOpaqueFormat, isWritten, storedMarkers, type Data, type ProbedFormat, type QemuFormat } from '../content/data.js';
import type { Volume } from '../content/volume.js';
import type { CommandContext, FollowHit } from './context.js';
import { baseDirOf, readTarget, refTarget, showTarget, type Target } from './qpath.js';

// ---- types

/** An image found at a target. */
export interface Located {
  readonly target: Target;
  /** How the image is named in messages (the qemu path, or a reference as stored). */
  readonly name: string;
  readonly volume: Volume;
}

/** An image opened as a format: its virtual size and what a guest of it sees. */
export interface Opened {
  readonly format: ProbedFormat;
  readonly virtualSize: number;
  readonly view: Data;
}

/** The opened image, or why qemu could not open it (the caller prefixes `Could not open '<name>': `). */
export type ReadResult = { readonly ok: true; readonly opened: Opened } | { readonly ok: false; readonly message: string };

/** Whether to open a qcow2's backing chain (`qemu-img info` does not). */
export interface OpenOptions {
  readonly backing: boolean;
}

// qemu has no fixed limit, but a chain this deep is a loop for any scenario.
const MAX_CHAIN = 16;

const failed = (message: string): ReadResult => ({ ok: false, message });
const opened = (format: ProbedFormat, virtualSize: number, view: Data): ReadResult => ({ ok: true, opened: { format, virtualSize, view } });

// ---- operations

/**
 * What a guest of `top` sees where `lower` (a backing file or data file)
 * shows through: the lower data unless the guest wrote, and then both.
 * Writes in this model all land at offset 0, so the header is the top's.
 */
export const overlay = (top: Data, lower: Data | null): Data => {
  if (lower === null) return top;
  if (!isWritten(top)) return lower;
  const markers = storedMarkers(top).union(storedMarkers(lower));
  return top.lead === undefined ? { header: top.header, markers } : { header: top.header, markers, lead: top.lead };
};

/** Detect the format of an image from its bytes, recording the probe. */
export const probe = (ctx: CommandContext, loc: Located): ProbedFormat => {
  const detected = detectFormat(loc.volume.data);
  ctx.trace.probes.push({ image: loc.name, detected });
  return detected;
};

/** Locate a reference stored in an image, or `null` when nothing is there. */
const locateRef = (ctx: CommandContext, name: string, from: Target): Located | null => {
  const target = refTarget(name, baseDirOf(from));
  if (target === null) return null;
  const volume = readTarget(ctx, target);
  return volume === undefined ? null : { target, name: showTarget(target), volume };
};

const traced = (ctx: CommandContext, ref: string, via: FollowHit['via'], data: Data): Data => {
  ctx.trace.follows.push({ ref, via, secrets: storedMarkers(data).secrets });
  return data;
};

/** A data file or flat extent: opened as raw. */
const followRaw = (ctx: CommandContext, name: string, from: Target, via: 'data-file' | 'extent'): Data | null => {
  const ref = locateRef(ctx, name, from);
  return ref === null ? null : traced(ctx, ref.name, via, ref.volume.data);
};

/** Open `loc` as `format`, or as whatever its bytes look like (a probe) when `format` is `null`. */
export const openImage = (ctx: CommandContext, loc: Located, format: QemuFormat | null, options: OpenOptions, depth = 0): ReadResult => {
  const fmt = format ?? probe(ctx, loc);
  const v = loc.volume;
  const h = v.data.header;
  if (isOpaqueFormat(fmt)) return opened(fmt, h?.virtualSize ?? v.length, EMPTY_DATA);
  switch (fmt) {
    case 'raw':
      return opened('raw', v.length, v.data);
    case 'qcow2': {
      if (h?.format !== 'qcow2') return failed('Image is not in qcow2 format');
      let lower: Data | null = null;
      if (h.dataFile !== null) {
        lower = followRaw(ctx, h.dataFile, loc.target, 'data-file');
        if (lower === null) return failed(`Could not open '${h.dataFile}': No such file or directory`);
      }
      if (options.backing && h.backing !== null) {
        if (depth >= MAX_CHAIN) return failed('Could not open backing file: backing chain too deep');
        const ref = locateRef(ctx, h.backing.path, loc.target);
        if (ref === null) return failed(`Could not open backing file: Could not open '${h.backing.path}': No such file or directory`);
        const below = openImage(ctx, ref, h.backing.format, options, depth + 1);
        if (!below.ok) return failed(`Could not open backing file: Could not open '${ref.name}': ${below.message}`);
        lower = overlay(lower ?? EMPTY_DATA, traced(ctx, ref.name, 'backing', below.opened.view));
      }
      return opened('qcow2', h.virtualSize, overlay(h.clusters, lower));
    }
    case 'vmdk': {
      if (h?.format !== 'vmdk') return failed('Image is not in vmdk format');
      let view: Data | null = null;
      for (const e of h.extents) {
        const part = e.type === 'SPARSE' ? h.grains : followRaw(ctx, e.path, loc.target, 'extent');
        if (part === null) return failed(`Could not open '${e.path ?? ''}': No such file or directory`);
        view = view === null ? part : overlay(view, part);
      }
      return opened('vmdk', h.virtualSize, view ?? EMPTY_DATA);
    }
    case 'parallels':
      return h?.format === 'parallels' ? opened('parallels', h.virtualSize, h.clusters) : failed('Image not in Parallels format');
  }
};
