/**
 * The files the library's base-image cache makes in `<instances>/_base` for
 * a scenario: each image's entry (an uploaded snapshot's and a shelved
 * instance's included), with the
 * `.part` and `.conv` files it is made through, and the swap and ephemeral
 * templates of the scenario's flavors. The cache trusts what it finds there,
 * as a disk in an instance's own directory is trusted: it is only ever put
 * there by the library, after verification. A secret planted at one of these
 * names stands where the library's own file goes, so the loader refuses it
 * as it refuses one in a booted instance's directory. The classic driver's
 * names (SHA-1 of the image id, templates in MiB or GiB) stay open to
 * secrets: that cache is any host file's to the metadata driver.
 */
import { imageId } from '@disk-ledger/domain';
import { entryName } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';
import type { ScenarioFile } from './scenario-file.js';

/** What made a cache file, by the file's name. */
export type CacheNames = (name: string) => string | null;

const SUFFIXES = ['.part', '.conv'];

/** Which of the library's cache files `name` (a file name in `_base`) would be, described, or `null`. */
export const cacheNames = (s: ScenarioFile): CacheNames => {
  // A shelve uploads `<instance>-shelved`, or `-shelved-<n>` for the n-th shelve of an instance, and its unshelve caches it.
  const shelves = new Map<string, number>();
  for (const step of s.steps) if (step.op === 'shelve') shelves.set(step.instance, (shelves.get(step.instance) ?? 0) + 1);
  const shelved = [...shelves].flatMap(([instance, n]) => Array.from({ length: n }, (_, i) => (i === 0 ? `${instance}-shelved` : `${instance}-shelved-${i + 1}`)));
  const ids = [...(s.images ?? []).map((i) => i.id), ...s.steps.flatMap((step) => (step.op === 'snapshot' ? [step.image_id] : [])), ...shelved];
  const entries = new Map<string, string>();
  for (const id of ids) {
    const checked = imageId(id);
    if (E.isRight(checked)) entries.set(entryName(checked.right), id);
  }
  const flavors = Object.values(s.flavors ?? {});
  const swaps = new Set(flavors.flatMap((f) => (f.swap === undefined ? [] : [`swap_${f.swap}`])));
  const ephemerals = [...new Set(flavors.flatMap((f) => (f.ephemeral === undefined ? [] : [`ephemeral_${f.ephemeral}_`])))];
  return (name) => {
    const base = SUFFIXES.reduce((n, suffix) => (n.endsWith(suffix) ? n.slice(0, -suffix.length) : n), name);
    const image = entries.get(base);
    if (image !== undefined) return `the cache entry of image ${image}`;
    if (swaps.has(base)) return 'a swap template';
    return ephemerals.some((p) => base.startsWith(p)) ? 'an ephemeral template' : null;
  };
};
