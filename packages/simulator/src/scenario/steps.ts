import { DISK_FORMATS } from '@disk-ledger/domain';
import * as t from 'io-ts';
import { BackendName, ContentKind, HostConfig } from './scenario.js';
import { describeValue, isMapping, oneOf, strict, text } from './strict-codecs.js';

/** One codec per step kind of the scenario format; the key is the step's name. */
export const STEP_CODECS = {
  boot: strict('boot', { instance: text, host: text, flavor: text }, { image: text, volume: t.boolean, config_drive: t.boolean, legacy: t.boolean }),
  guest_write: strict('guest_write', { instance: text, disk: text, content: ContentKind }, { target: text }),
  reconfigure: strict('reconfigure', { host: text, config: HostConfig }, {}),
  reboot: strict('reboot', { instance: text }, { hard: t.boolean }),
  delete_disk_file: strict('delete_disk_file', { instance: text, disk: text }, {}),
  delete_disk_info: strict('delete_disk_info', { instance: text }, { corrupt: t.boolean }),
  resize: strict('resize', { instance: text, to: text }, { flavor: text, confirm: t.boolean }),
  confirm_resize: strict('confirm_resize', { instance: text }, {}),
  revert_resize: strict('revert_resize', { instance: text }, {}),
  live_migrate: strict('live_migrate', { instance: text, to: text }, { shared_storage: t.boolean }),
  evacuate: strict('evacuate', { instance: text, to: text }, {}),
  rebuild: strict('rebuild', { instance: text, image: text }, {}),
  snapshot: strict('snapshot', { instance: text, image_id: text }, {}),
  rescue: strict('rescue', { instance: text }, { image: text }),
  unrescue: strict('unrescue', { instance: text }, {}),
  shelve: strict('shelve', { instance: text }, {}),
  unshelve: strict('unshelve', { instance: text, host: text }, {}),
  convert: strict('convert', { instance: text, disk: text, backend: BackendName, format: oneOf('format', DISK_FORMATS) }, {}),
  upgrade: strict('upgrade', { host: text }, {}),
  online_migrate: strict('online_migrate', {}, { batch: t.number }),
  crash: strict('crash', { host: text, during: t.number }, {}),
  delete: strict('delete', { instance: text }, {}),
} as const;

export type StepOp = keyof typeof STEP_CODECS;
export const STEP_OPS = Object.keys(STEP_CODECS) as StepOp[];

/** A decoded step: its kind in `op`, its keys beside it. */
export type Step = { [K in StepOp]: { readonly op: K } & t.TypeOf<(typeof STEP_CODECS)[K]> }[StepOp];
export type StepOf<K extends StepOp> = Extract<Step, { op: K }>;

const isOp = (k: string): k is StepOp => Object.prototype.hasOwnProperty.call(STEP_CODECS, k);

/** A step is a map with exactly one key, the step's kind. */
export const StepCodec = new t.Type<Step, unknown, unknown>(
  'Step',
  (u): u is Step => typeof u === 'object' && u !== null && 'op' in u,
  (u, c) => {
    if (!isMapping(u)) return t.failure(u, c, `a step is a map with one key, the step kind; got ${describeValue(u)}`);
    const keys = Object.keys(u);
    if (keys.length !== 1) return t.failure(u, c, `a step has exactly one key (the step kind), got ${keys.length === 0 ? 'none' : keys.join(', ')}`);
    const op = keys[0] ?? '';
    if (!isOp(op)) return t.failure(u, [...c, { key: op, type: t.never, actual: u }], `unknown key "${op}": not a step kind (${STEP_OPS.join(', ')})`);
    const body: unknown = (u as Record<string, unknown>)[op];
    const decoded = STEP_CODECS[op].validate(body ?? {}, [...c, { key: op, type: STEP_CODECS[op], actual: body }]);
    if (decoded._tag === 'Left') return decoded;
    return t.success({ op, ...decoded.right } as Step);
  },
  (s) => s,
);
