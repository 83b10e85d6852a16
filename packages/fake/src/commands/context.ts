/**
 * What an emulated program runs with: the cluster state, the host it runs
 * on, its argv, and a trace of the format probes, the references it followed
 * and the leaks it caused. The executor turns the trace into probe and leak
 * records once the program has run.
 */
import type { Argv } from '@disk-ledger/domain';
import type { ProbedFormat } from '../content/data.js';
import { parseSecretMarker } from '../content/markers.js';
import type { ClusterState } from '../state/cluster-state.js';
import type { FakeHost } from '../state/fake-host.js';
import type { LeakVia } from '../state/records.js';

/** A format decided from content. */
export interface ProbeHit {
  readonly image: string;
  readonly detected: ProbedFormat;
}

/** A backing file, data file or extent that was opened, with the secret markers it contributed. */
export interface FollowHit {
  readonly ref: string;
  readonly via: 'backing' | 'data-file' | 'extent';
  readonly secrets: readonly string[];
}

/** A secret copied somewhere. */
export interface LeakHit {
  readonly marker: string;
  readonly via: LeakVia;
  readonly into: string;
}

/** Everything a program noticed on the way. */
export interface Trace {
  readonly probes: ProbeHit[];
  readonly follows: FollowHit[];
  readonly leaks: LeakHit[];
}

/** The context of one command. */
export interface CommandContext {
  readonly state: ClusterState;
  readonly host: FakeHost;
  readonly argv: Argv;
  readonly trace: Trace;
}

/** An empty trace. */
export const newTrace = (): Trace => ({ probes: [], follows: [], leaks: [] });

/** Whether following `f` read the secret of `marker` from the secret file itself, rather than from a disk that held a copy. */
export const readAfresh = (f: FollowHit, marker: string): boolean => parseSecretMarker(marker)?.path === f.ref;

/**
 * Turn the secrets of every followed reference into leaks into `into` (one
 * per secret marker): by the kind of reference when the secret file itself
 * was read, as `chain` when a base or data file held a copy of it.
 */
export const leakFollowed = (trace: Trace, into: string): void => {
  const seen = new Set<string>();
  for (const f of trace.follows) {
    for (const marker of f.secrets) {
      if (seen.has(marker)) continue;
      seen.add(marker);
      trace.leaks.push({ marker, via: readAfresh(f, marker) ? f.via : 'chain', into });
    }
  }
};
