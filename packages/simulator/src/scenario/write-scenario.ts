import { stringify } from 'yaml';
import type { ScenarioFile } from './scenario-file.js';
import { showSize } from './size.js';
import type { Step } from './steps.js';

const SIZE_KEYS = new Set(['virtual_size', 'root', 'ephemeral', 'swap', 'size']);

/** Sizes back to binary units, so a written scenario reads like a hand-written one. */
const withUnits = (value: unknown, key = ''): unknown => {
  if (typeof value === 'number' && SIZE_KEYS.has(key)) return showSize(value);
  if (Array.isArray(value)) return value.map((v) => withUnits(v));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnits(v, k)]));
  }
  return value;
};

/** A decoded step back in the file's shape: a map with one key, the step kind. */
export const stepToFile = (step: Step): Record<string, unknown> => {
  const { op, ...body } = step;
  return { [op]: body };
};

/**
 * Write a scenario in the format of SCENARIO-FORMAT.md, so that a case a
 * property test found can be saved and replayed with `disk-ledger replay`.
 */
export const writeScenario = (s: ScenarioFile, comment?: string): string => {
  const doc: Record<string, unknown> = { format: 1, name: s.name };
  if (s.description !== undefined) doc['description'] = s.description;
  doc['hosts'] = s.hosts;
  if (s.images !== undefined) doc['images'] = s.images;
  if (s.flavors !== undefined) doc['flavors'] = s.flavors;
  doc['steps'] = s.steps.map(stepToFile);
  if (s.expect !== undefined) doc['expect'] = s.expect;
  if (s.expect_legacy !== undefined) doc['expect_legacy'] = s.expect_legacy;
  const text = stringify(withUnits(doc), { flowCollectionPadding: true, lineWidth: 0 });
  return comment === undefined ? text : `${comment.split('\n').map((l) => `# ${l}`).join('\n')}\n${text}`;
};
