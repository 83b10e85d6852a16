import * as t from 'io-ts';
import { Expectations, Flavor, HostSpec, ImageSpec } from './scenario.js';
import { StepCodec } from './steps.js';
import { freeText, mappingOf, strict } from './strict-codecs.js';

/** A whole scenario file, format 1. */
export const ScenarioFile = strict(
  'Scenario',
  { format: t.literal(1), name: freeText, hosts: t.array(HostSpec), steps: t.array(StepCodec) },
  {
    description: freeText,
    images: t.array(ImageSpec),
    flavors: mappingOf('flavors', Flavor),
    expect: Expectations,
    expect_legacy: Expectations,
  },
);
export type ScenarioFile = t.TypeOf<typeof ScenarioFile>;
