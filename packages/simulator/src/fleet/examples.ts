/**
 * The first probes and leaks of a fleet run, kept apart by who caused them
 * (the driver under test, or the classic driver on hosts not yet upgraded),
 * so a report can show what happened without keeping every record.
 */
import type { LeakRecord, ProbeRecord } from '@disk-ledger/fake';
import { probeArgv, type LeakReport, type ProbeReport } from '../report/run-report.js';

/** The first probes and leaks of one bucket. */
export interface ExampleList {
  readonly probes: readonly ProbeReport[];
  readonly leaks: readonly LeakReport[];
}

const LIMIT = 10;

interface Bucket {
  readonly probes: ProbeReport[];
  readonly leaks: LeakReport[];
}

const probeReport = (p: ProbeRecord): ProbeReport => ({ step: typeof p.step === 'number' ? p.step : null, argv: probeArgv(p.argv, p.image), host: p.host, image: p.image });
const leakReport = (l: LeakRecord): LeakReport => ({ step: typeof l.step === 'number' ? l.step : null, secret: l.secret, into: l.into, host: l.secretHost, via: l.via });

/** Collects up to ten probes and ten leaks per bucket. */
export class Examples {
  private readonly lists: Record<'ours' | 'classic', Bucket> = { ours: { probes: [], leaks: [] }, classic: { probes: [], leaks: [] } };

  /** Keep the records from `probesFrom` and `leaksFrom` on (those one step added) while the bucket has room. */
  add(bucket: 'ours' | 'classic', probes: readonly ProbeRecord[], probesFrom: number, leaks: readonly LeakRecord[], leaksFrom: number): void {
    const list = this.lists[bucket];
    for (let i = probesFrom; i < probes.length && list.probes.length < LIMIT; i += 1) {
      const p = probes[i];
      if (p !== undefined) list.probes.push(probeReport(p));
    }
    for (let i = leaksFrom; i < leaks.length && list.leaks.length < LIMIT; i += 1) {
      const l = leaks[i];
      if (l !== undefined) list.leaks.push(leakReport(l));
    }
  }

  /** Those counted in the run's `probes` and `leaks`, and those of the classic driver counted apart. */
  summary(): { readonly probes: readonly ProbeReport[]; readonly leaks: readonly LeakReport[]; readonly classic: ExampleList } {
    return { ...this.lists.ours, classic: this.lists.classic };
  }
}
