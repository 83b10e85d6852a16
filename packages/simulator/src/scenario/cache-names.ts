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
import { shelvedImageId, templateName } from '@disk-ledger/core';
import { imageId, type InstanceId } from '@disk-ledger/domain';
import { entryName } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';
import type { ScenarioFile } from './scenario-file.js';

/** What made a cache file, by the file's name. */
export type CacheNames = (name: string) => string | null;

const SUFFIXES = ['.part', '.conv'];

/** Which of the library's cache files `name` (a file name in `_base`) would be, described, or `null`. */
export const cacheNames = (s: ScenarioFile): CacheNames => {
  const entries = new Map<string, string>();
  for (const id of [...(s.images ?? []).map((i) => i.id), ...s.steps.flatMap((step) => (step.op === 'snapshot' ? [step.image_id] : []))]) {
    const checked = imageId(id);
    if (E.isRight(checked)) entries.set(entryName(checked.right), id);
  }
  // The n-th shelve of an instance uploads the image of its n-th generation, which its unshelve caches.
  const shelves = new Map<string, number>();
  for (const step of s.steps) if (step.op === 'shelve') shelves.set(step.instance, (shelves.get(step.instance) ?? 0) + 1);
  for (const [instance, n] of shelves) {
    for (let generation = 1; generation <= n; generation += 1) {
      const id = shelvedImageId(instance as InstanceId, generation);
      if (E.isRight(id)) entries.set(entryName(id.right), id.right);
    }
  }
  const flavors = Object.values(s.flavors ?? {});
  const swaps = new Set(flavors.flatMap((f) => (f.swap === undefined ? [] : [templateName({ kind: 'swap' }, f.swap)])));
  // An ephemeral template's name is its size, then the file system and label its host's options choose: any of them.
  const ephemerals = [...new Set(flavors.flatMap((f) => (f.ephemeral === undefined ? [] : [`ephemeral_${f.ephemeral}_`])))];
  return (name) => {
    const base = SUFFIXES.reduce((n, suffix) => (n.endsWith(suffix) ? n.slice(0, -suffix.length) : n), name);
    const image = entries.get(base);
    if (image !== undefined) return `the cache entry of image ${image}`;
    if (swaps.has(base)) return 'a swap template';
    return ephemerals.some((p) => base.startsWith(p)) ? 'an ephemeral template' : null;
  };
};
