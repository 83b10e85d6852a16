/**
 * An image's refusal names the argument of the call that named the image:
 * found deep down (the image service, the base-image cache, a plan), it
 * would otherwise name wherever it was found, spelt as that place spells it.
 */

/** The codes of errors about one image, which carry its id. */
const IMAGE_CODES: ReadonlySet<string> = new Set(['IMAGE_NOT_FOUND', 'IMAGE_REJECTED', 'IMAGE_TOO_LARGE']);

/**
 * `e` with `path` set to the argument that named its image: `args` maps an
 * image id to that argument; `tooLarge`, when given, is the argument whose
 * size an `IMAGE_TOO_LARGE` exceeded instead (a flavor's root). Any other
 * error, or one about an image `args` does not name, is returned as it is.
 */
export const atImageArgument = <L extends { readonly code: string }>(e: L, args: ReadonlyMap<string, string>, tooLarge?: string): L => {
  if (!IMAGE_CODES.has(e.code) || !('imageId' in e) || typeof e.imageId !== 'string') return e;
  const arg = args.get(e.imageId);
  if (arg === undefined) return e;
  return { ...e, path: e.code === 'IMAGE_TOO_LARGE' && tooLarge !== undefined ? tooLarge : arg };
};
