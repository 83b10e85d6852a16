/**
 * An image's refusal names the argument of the call that named the image:
 * found deep down (the image service, the base-image cache, a plan), it
 * would otherwise name wherever it was found, spelt as that place spells it.
 */

/** The codes of errors about one image, which carry its id. */
const IMAGE_CODES: ReadonlySet<string> = new Set(['IMAGE_NOT_FOUND', 'IMAGE_REJECTED', 'IMAGE_TOO_LARGE']);

/** A size the caller gave for the disk made from `image` (a flavor's root): an `IMAGE_TOO_LARGE` of that image names it. */
export interface SizeArgument {
  readonly image: string;
  readonly path: string;
}

/** The {@link SizeArgument} of a root disk of `size` bytes made from `image`; none for 0, which means the image's own declared size. */
export const rootSize = (image: string | null, size: number, path: string): SizeArgument | undefined =>
  image === null || size === 0 ? undefined : { image, path };

/**
 * `e` with `path` set to the argument that named its image: `args` maps an
 * image id to that argument; an `IMAGE_TOO_LARGE` of the image `size` names
 * names that size's argument instead. Any other error, or one about an
 * image `args` does not name, is returned as it is.
 */
export const atImageArgument = <L extends { readonly code: string }>(e: L, args: ReadonlyMap<string, string>, size?: SizeArgument): L => {
  if (!IMAGE_CODES.has(e.code) || !('imageId' in e) || typeof e.imageId !== 'string') return e;
  const arg = args.get(e.imageId);
  if (arg === undefined) return e;
  return { ...e, path: e.code === 'IMAGE_TOO_LARGE' && size?.image === e.imageId ? size.path : arg };
};
