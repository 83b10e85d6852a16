/**
 * The state every part of the fake shares: hosts, RBD pools, the image
 * catalogue, id counters, the step tag, the logs and the pending faults.
 * Deterministic by construction: ids come from counters, nothing reads a
 * clock or a random source.
 */
import type { Argv } from '@disk-ledger/domain';
import { parseSecretMarker } from '../content/markers.js';
import { CommandLog, type CommandLogMode } from './command-log.js';
import type { FakeHost } from './fake-host.js';
import { FaultQueue, HostDown } from './faults.js';
import { ImageCatalogue } from './image-catalogue.js';
import type { FakeRbdPool } from './rbd-pool.js';
import type { CommandRecord, LeakRecord, LeakVia, ProbeRecord, StepTag } from './records.js';

/** Options of the shared state. */
export interface ClusterStateOptions {
  /** Which command records to keep (default: all). */
  readonly commandLog?: CommandLogMode;
}

/** The fake cluster's shared state. */
export class ClusterState {
  readonly hosts = new Map<string, FakeHost>();
  readonly pools = new Map<string, FakeRbdPool>();
  readonly images = new ImageCatalogue();
  readonly faults = new FaultQueue();
  /** The tag every record made from now on carries. */
  step: StepTag = null;

  private readonly commandLog: CommandLog;
  private readonly probeLog: ProbeRecord[] = [];
  private readonly leakLog: LeakRecord[] = [];
  private readonly leakKeys = new Set<string>();
  private counter = 0;

  constructor(options: ClusterStateOptions = {}) {
    this.commandLog = new CommandLog(options.commandLog ?? 'all');
  }

  /** A fresh number, from 1. */
  nextId(): number {
    this.counter += 1;
    return this.counter;
  }

  /** The host named `name`; an unknown name is a broken invariant of the caller. */
  host(name: string): FakeHost {
    const h = this.hosts.get(name);
    if (h === undefined) throw new Error(`the fake cluster has no host ${JSON.stringify(name)}`);
    return h;
  }

  /** The host, checked to be up. */
  liveHost(name: string): FakeHost {
    const h = this.host(name);
    if (h.down) throw new HostDown(name);
    return h;
  }

  /** The pool `name` as `host` sees it: only pools the host's configuration names. */
  poolFor(host: FakeHost, name: string): FakeRbdPool | undefined {
    return host.rbdPools.has(name) ? this.pools.get(name) : undefined;
  }

  // ---- logs

  get nextCommandSeq(): number {
    return this.commandLog.nextSeq;
  }

  recordCommand(record: CommandRecord): void {
    this.commandLog.add(record);
  }

  recordProbe(record: ProbeRecord): void {
    this.probeLog.push(record);
  }

  /** Record a leak; with `onceKey`, only the first leak with that key is kept. */
  recordLeak(record: LeakRecord, onceKey?: string): void {
    if (onceKey !== undefined) {
      if (this.leakKeys.has(onceKey)) return;
      this.leakKeys.add(onceKey);
    }
    this.leakLog.push(record);
  }

  /**
   * Record each secret marker in `secrets` as a leak into `into`. With `once`,
   * a secret already recorded into the same place is not recorded again
   * (observations such as a guest view may be repeated).
   */
  recordSecretLeaks(host: string, secrets: readonly string[], into: string, via: LeakVia, argv: Argv | null, once = false): void {
    for (const marker of secrets) {
      const secret = parseSecretMarker(marker);
      this.recordLeak(
        { host, step: this.step, argv, secret: secret?.path ?? marker, secretHost: secret?.host ?? '', marker, into, via },
        once ? `${marker}\u0000${into}` : undefined,
      );
    }
  }

  get commandCount(): number {
    return this.commandLog.count;
  }

  commands(): readonly CommandRecord[] {
    return this.commandLog.records();
  }

  probes(): readonly ProbeRecord[] {
    return this.probeLog;
  }

  leaks(): readonly LeakRecord[] {
    return this.leakLog;
  }
}
