/**
 * The scenario's catalogue images as real files. A hostile image is the
 * real bytes of its kind (the domain's builders) pointing at a real file, so
 * whatever follows it really reads that file; a raw-like image is padded
 * (sparsely) to its virtual size. A benign image is a genuine image of its
 * declared format whose guest data begins with `image:<id>`.
 */
import { truncate, writeFile } from 'node:fs/promises';
import { benignBytes, hostileBytes, qcow2Header, vmdkSparseImage, type ContentKind, type ImageFormat } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { qemuImageFormat } from '@disk-ledger/host';
import type { ObserverResult, QemuObserver } from './qemu-observer.js';

/** What a catalogue image is made of. */
export interface ImageRecipe {
  readonly id: string;
  readonly diskFormat: ImageFormat;
  readonly virtualSize: number;
  readonly content: ContentKind;
  /** For a hostile kind: the real file it points at. */
  readonly target: string | null;
}

// Declared formats whose files are the guest bytes as they are.
const RAW_LIKE: readonly ImageFormat[] = ['raw', 'iso', 'ami', 'ari', 'aki'];

/** Write the image into `file` (which must not exist yet). */
export const writeImageFile = async (recipe: ImageRecipe, file: string, observer: QemuObserver): Promise<ObserverResult<void>> => {
  const { diskFormat, virtualSize } = recipe;
  const rawLike = RAW_LIKE.includes(diskFormat);
  if (recipe.content !== 'benign') {
    if (recipe.target === null) throw new Error(`unreachable: hostile image ${recipe.id} has no target`);
    const bytes = hostileBytes(recipe.content, recipe.target, virtualSize);
    await writeFile(file, bytes);
    if (rawLike) await truncate(file, Math.max(virtualSize, bytes.length));
    return E.right(undefined);
  }
  const data = benignBytes(`image:${recipe.id}`);
  if (rawLike) {
    await writeFile(file, data);
    await truncate(file, Math.max(virtualSize, data.length));
    return E.right(undefined);
  }
  switch (diskFormat) {
    case 'qcow2':
      await writeFile(file, qcow2Header({ virtualSize }));
      break;
    case 'vmdk':
      await writeFile(file, vmdkSparseImage({ virtualSize }));
      break;
    default: {
      // No builder for these: a genuine empty image made by qemu-img itself.
      const made = await observer.create(file, qemuImageFormat(diskFormat), virtualSize);
      if (E.isLeft(made)) return made;
    }
  }
  return observer.writeAtZero(file, qemuImageFormat(diskFormat), data);
};
