import type { LeftBehind } from '@disk-ledger/core';
import type { InstanceId } from '@disk-ledger/domain';
import type { StepOf } from '../scenario/steps.js';
import type { Outcome } from './outcome.js';

/** The instance operations a driver (metadata or legacy) carries out for a replay. */
export interface StepDriver {
  boot(step: StepOf<'boot'>): Promise<Outcome>;
  reboot(step: StepOf<'reboot'>): Promise<Outcome>;
  resize(step: StepOf<'resize'>): Promise<Outcome>;
  confirmResize(step: StepOf<'confirm_resize'>): Promise<Outcome>;
  revertResize(step: StepOf<'revert_resize'>): Promise<Outcome>;
  liveMigrate(step: StepOf<'live_migrate'>): Promise<Outcome>;
  evacuate(step: StepOf<'evacuate'>): Promise<Outcome>;
  rebuild(step: StepOf<'rebuild'>): Promise<Outcome>;
  snapshot(step: StepOf<'snapshot'>): Promise<Outcome>;
  rescue(step: StepOf<'rescue'>): Promise<Outcome>;
  unrescue(step: StepOf<'unrescue'>): Promise<Outcome>;
  shelve(step: StepOf<'shelve'>): Promise<Outcome>;
  unshelve(step: StepOf<'unshelve'>): Promise<Outcome>;
  convert(step: StepOf<'convert'>): Promise<Outcome>;
  delete(step: StepOf<'delete'>): Promise<Outcome>;
  /**
   * What hosts do when they come back, before the next step: finish the
   * clean-ups a crash cut short (an evacuated source removing what it still
   * holds of the instance, as nova's compute does at every start).
   */
  hostsBack?(): Promise<void>;
  /** The run is over: crashed hosts come back and bring the moves a crash cut short to rest, as they would at their next start. */
  settleAll?(): Promise<void>;
  /** What evacuations left on their sources that those hosts have not removed yet. */
  pendingLeftBehind?(): readonly PendingLeftBehind[];
}

/** What an evacuation left on its source host, waiting for that host to remove it. */
export interface PendingLeftBehind {
  readonly instance: InstanceId;
  readonly left: LeftBehind;
}
