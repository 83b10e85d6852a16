import { DISK_FORMATS } from '@disk-ledger/domain';
import * as t from 'io-ts';
import { BackendName, ContentKind, HostConfig } from './scenario.js';
import { describeValue, isMapping, oneOf, strict } from './strict-codecs.js';

/** One codec per step kind of the scenario format; the key is the step's name. */
export const STEP_CODECS = {
  boot: strict('boot', { instance: t.string, host: t.string, flavor: t.string }, { image: t.string, volume: t.boolean, config_drive: t.boolean, legacy: t.boolean }),
  guest_write: strict('guest_write', { instance: t.string, disk: t.string, content: ContentKind }, { target: t.string }),
  reconfigure: strict('reconfigure', { host: t.string, config: HostConfig }, {}),
  reboot: strict('reboot', { instance: t.string }, { hard: t.boolean }),
  delete_disk_file: strict('delete_disk_file', { instance: t.string, disk: t.string }, {}),
  delete_disk_info: strict('delete_disk_info', { instance: t.string }, { corrupt: t.boolean }),
  resize: strict('resize', { instance: t.string, to: t.string }, { flavor: t.string, confirm: t.boolean }),
  confirm_resize: strict('confirm_resize', { instance: t.string }, {}),
  revert_resize: strict('revert_resize', { instance: t.string }, {}),
  live_migrate: strict('live_migrate', { instance: t.string, to: t.string }, { shared_storage: t.boolean }),
  evacuate: strict('evacuate', { instance: t.string, to: t.string }, {}),
  rebuild: strict('rebuild', { instance: t.string, image: t.string }, {}),
  snapshot: strict('snapshot', { instance: t.string, image_id: t.string }, {}),
  rescue: strict('rescue', { instance: t.string }, { image: t.string }),
  unrescue: strict('unrescue', { instance: t.string }, {}),
  shelve: strict('shelve', { instance: t.string }, {}),
  unshelve: strict('unshelve', { instance: t.string, host: t.string }, {}),
  convert: strict('convert', { instance: t.string, disk: t.string, backend: BackendName, format: oneOf('format', DISK_FORMATS) }, {}),
  upgrade: strict('upgrade', { host: t.string }, {}),
  online_migrate: strict('online_migrate', {}, { batch: t.number }),
  crash: strict('crash', { host: t.string, during: t.number }, {}),
  delete: strict('delete', { instance: t.string }, {}),
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
