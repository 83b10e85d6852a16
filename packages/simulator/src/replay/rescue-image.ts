/**
 * The image a rescue boots from: the step's, else the image the instance
 * was built from, as nova's rescue defaults to it. An instance booted from
 * a volume has none, and nova refuses to rescue it without one.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { StepOf } from '../scenario/steps.js';
import type { SimInstance } from '../world/sim-instance.js';

/** The rescue image of `step` for `inst`, or the refusal nova's API answers. */
export const rescueImage = (step: StepOf<'rescue'>, inst: SimInstance): E.Either<{ readonly code: string; readonly message: string }, string> => {
  const image = step.image ?? inst.image;
  return image === null
    ? E.left({ code: 'INSTANCE_NOT_RESCUABLE', message: `instance ${inst.id} was booted from a volume and has no image to rescue from: name one (rescue: { image })` })
    : E.right(image);
};
