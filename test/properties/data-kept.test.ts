import 'reflect-metadata';
import type { DiskName } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../packages/simulator/src/scenario/steps.js';
import { DataKept, type GuestData, type StepFacts } from './data-kept.js';
import { load, replayChecked } from './generated-replay.js';
import { layoutChanges, type Layouts } from './invariants.js';

const scenario = (steps: object[]) =>
  load({
    format: 1,
    name: 'kept',
    hosts: [{ name: 'h0', config: { images_type: 'qcow2' } }, { name: 'h1', config: { images_type: 'raw' } }],
    images: [{ id: 'img', disk_format: 'qcow2', virtual_size: '1GiB' }],
    flavors: { small: { root: '1GiB', ephemeral: '512MiB', swap: '256MiB' }, large: { root: '2GiB', ephemeral: '512MiB', swap: '256MiB' } },
    steps,
  });

const boot = { boot: { instance: 'vm0', host: 'h0', image: 'img', flavor: 'small' } };
const write = (disk: string) => ({ guest_write: { instance: 'vm0', disk, content: 'benign' } });

const view = (disks: Record<string, string[]>): GuestData => new Map([['vm0', new Map(Object.entries(disks) as [DiskName, string[]][])]]);
const facts = (over: Partial<StepFacts> = {}): StepFacts => ({ exempt: new Set(), reached: true, classic: false, live: new Set(['vm0']), ...over });
const reboot: Step = { op: 'reboot', instance: 'vm0', hard: true };

describe('invariant 6, nothing lost', () => {
  it('reports a guest write that a step lost, naming the instance, disk, marker and step', () => {
    const kept = new DataKept();
    expect(kept.check(0, reboot, view({ root: ['guest:1'], ephemeral0: ['guest:2'] }), facts())).toEqual([]);
    const broken = kept.check(1, reboot, view({ root: ['guest:1'], ephemeral0: [] }), facts());
    expect(broken).toEqual([{ invariant: '6 nothing lost', detail: 'vm0/ephemeral0 lost 1 guest write(s) (guest:2) at step 1 (reboot)' }]);
  });

  it('reports a followed disk that can no longer be opened', () => {
    const kept = new DataKept();
    kept.check(0, reboot, view({ root: ['guest:1'] }), facts());
    expect(kept.check(1, reboot, view({}), facts())[0]?.detail).toMatch(/vm0\/root lost 1 guest write\(s\).*cannot be opened/);
  });

  it('lets a rebuild drop the root only, and waits while the instance is exempt', () => {
    const kept = new DataKept();
    kept.check(0, reboot, view({ root: ['guest:1'], ephemeral0: ['guest:2'] }), facts());
    const rebuild: Step = { op: 'rebuild', instance: 'vm0', image: 'img' };
    expect(kept.check(1, rebuild, view({ root: [], ephemeral0: [] }), facts())).toHaveLength(1);
    const k2 = new DataKept();
    k2.check(0, reboot, view({ ephemeral0: ['guest:2'] }), facts());
    expect(k2.check(1, reboot, view({ ephemeral0: [] }), facts({ exempt: new Set(['vm0']) }))).toEqual([]);
    expect(k2.check(2, reboot, view({ ephemeral0: [] }), facts())).toHaveLength(1);
  });

  it('lets a revert drop what was written while the resize waited, even after a confirm that failed', () => {
    const kept = new DataKept();
    const resize: Step = { op: 'resize', instance: 'vm0', to: 'h1', confirm: false };
    kept.check(0, reboot, view({ root: ['guest:1'] }), facts());
    kept.check(1, resize, view({ root: ['guest:1'] }), facts());
    // The confirm failed: the resize still waits, and a revert still goes back to it.
    kept.check(2, { op: 'confirm_resize', instance: 'vm0' }, view({ root: ['guest:1'] }), facts({ reached: false }));
    kept.check(3, reboot, view({ root: ['guest:1', 'guest:2'] }), facts());
    expect(kept.check(4, { op: 'revert_resize', instance: 'vm0' }, view({ root: ['guest:1'] }), facts())).toEqual([]);
    // Once a confirm went through, nothing is waiting: the same loss is reported.
    const confirmed = new DataKept();
    confirmed.check(0, reboot, view({ root: ['guest:1'] }), facts());
    confirmed.check(1, resize, view({ root: ['guest:1'] }), facts());
    confirmed.check(2, { op: 'confirm_resize', instance: 'vm0' }, view({ root: ['guest:1'] }), facts());
    confirmed.check(3, reboot, view({ root: ['guest:1', 'guest:2'] }), facts());
    expect(confirmed.check(4, { op: 'revert_resize', instance: 'vm0' }, view({ root: ['guest:1'] }), facts())).toHaveLength(1);
  });

  it('lets a rebuild that failed once its new record was durable re-image the root at the next operation', async () => {
    const steps = [boot, write('root'), { rebuild: { instance: 'vm0', image: 'img' } }, write('root'), { reboot: { instance: 'vm0', hard: true } }];
    // The rebuild's first command fails after its record is written: the reboot finishes it, and both writes go.
    expect(await replayChecked(scenario(steps), undefined, [{ kind: 'command', at: 2 }])).toBe(null);
  });

  it('holds through a replay of moves, a conversion, a rebuild, a shelve and a revert', async () => {
    const steps = [
      boot, write('root'), write('ephemeral0'),
      { resize: { instance: 'vm0', to: 'h1', flavor: 'large' } },
      { convert: { instance: 'vm0', disk: 'ephemeral0', backend: 'qcow2', format: 'qcow2' } },
      { live_migrate: { instance: 'vm0', to: 'h0' } },
      { rebuild: { instance: 'vm0', image: 'img' } },
      write('root'),
      { shelve: { instance: 'vm0' } },
      { unshelve: { instance: 'vm0', host: 'h1' } },
    ];
    expect(await replayChecked(scenario(steps))).toBe(null);
    // A revert goes back to the disks as they were when the resize began: a write made while it waited is gone by design.
    const reverted = [boot, write('root'), { resize: { instance: 'vm0', to: 'h1', confirm: false } }, write('root'), { revert_resize: { instance: 'vm0' } }, { reboot: { instance: 'vm0', hard: true } }];
    expect(await replayChecked(scenario(reverted))).toBe(null);
  });
});

describe('invariant 4, records survive option changes', () => {
  const layouts = (root: string, moving: string[] = []): Layouts => ({ byDisk: new Map([['vm0/root', root]]), moving: new Set(moving) });
  const reconfigure: Step = { op: 'reconfigure', host: 'h0', config: {} };

  it('reports a record whose layout a step that neither moves nor converts its instance changed', () => {
    expect(layoutChanges(layouts('["flat","raw",null,1]'), layouts('["qcow2","qcow2",null,1]'), reconfigure, false)).toEqual([
      { invariant: '4 records survive option changes', detail: 'reconfigure rewrote vm0/root from ["flat","raw",null,1] to ["qcow2","qcow2",null,1]' },
    ]);
    expect(layoutChanges(layouts('a'), layouts('b'), reboot, false)).toHaveLength(1);
  });

  it('lets a move of the instance, or a change a crash cut short, rewrite its records', () => {
    const resize: Step = { op: 'resize', instance: 'vm0', to: 'h1' };
    expect(layoutChanges(layouts('a'), layouts('b'), resize, false)).toEqual([]);
    expect(layoutChanges(layouts('a', ['vm0']), layouts('b'), reboot, false)).toEqual([]);
  });
});
