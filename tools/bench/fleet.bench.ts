/**
 * Fleet replay throughput and scaling: the same generated fleet (100 hosts,
 * up to 10,000 instances, seed 1) replayed for E = 20,000 events and for
 * 10 × E = 200,000 events, each in a fresh child process (so each size has
 * its own heap and its own peak RSS), from the sources. The fleet's cells
 * run side by side on worker threads, as `disk-ledger fleet` runs them.
 *
 * The targets are for 1,000,000 events over 100,000 instances: at
 * most 60 s, peak RSS at most 2 GiB, and 10 × the events costing at most
 * 12 × the time. These sizes are a tenth of that fleet and a fifth of those
 * events, so that both runs finish in a couple of minutes; the 1M time is
 * estimated from the larger run's rate (an underestimate if the fleet being
 * ten times larger makes events dearer: the notes say which costs grow with
 * the fleet). `FLEET_BENCH_FULL=1` adds a real run at the target size.
 *
 * The ratio is time(10 × E) / time(E); the result is ok when it is at most
 * 12, the estimated (or measured) 1M time at most 60 s, and every peak RSS
 * at most 2 GiB.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultCells } from '../../packages/simulator/src/fleet/cells.js';
import type { BenchResult } from './support/bench-result.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const CHILD_FLAG = '--fleet-bench-child';

const FLEET = { hosts: 100, instances: 10_000, seed: 1, mode: 'metadata' } as const;
const SMALL = 20_000;
const TARGET = { events: 1_000_000, instances: 100_000, seconds: 60, rssBytes: 2 * 1024 ** 3, scaling: 12 } as const;

/** What one child run reports. */
interface SizeResult {
  readonly events: number;
  readonly instances: number;
  readonly loopMs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly eventsPerSec: number;
  readonly peakRssBytes: number;
}

const isSizeResult = (u: unknown): u is SizeResult =>
  typeof u === 'object' && u !== null && ['events', 'loopMs', 'eventsPerSec', 'peakRssBytes'].every((k) => typeof (u as Record<string, unknown>)[k] === 'number');

// ---- the child: one run, one JSON line

const child = async (events: number, instances: number): Promise<void> => {
  await import('reflect-metadata');
  const { runFleet } = await import('../../packages/simulator/src/fleet/fleet-run.js');
  const { LegacyDriver } = await import('../../packages/simulator/src/legacy/legacy-driver.js');
  const { threadCells } = await import('../../packages/simulator/src/cli/thread-cells.js');
  const cpu0 = process.cpuUsage();
  // As the CLI runs it: the fleet's cells side by side, one thread per cell up to one per core.
  const s = await runFleet({ ...FLEET, instances, events }, { legacyDriver: (w) => new LegacyDriver(w), cells: threadCells(availableParallelism(), new URL('./support/fleet-worker-from-source.mjs', import.meta.url)) });
  const cpu = process.cpuUsage(cpu0);
  const result: SizeResult = {
    events, instances, loopMs: s.timing.loopMs, wallMs: s.timing.wallMs, cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    eventsPerSec: s.timing.eventsPerSec, peakRssBytes: s.timing.peakRssBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

// ---- the parent

/** Run one size in a child process, from the sources (the workspace's source condition, tsx with the base tsconfig for decorators). */
const runSize = (events: number, instances: number): Promise<SizeResult> =>
  new Promise((resolve, reject) => {
    const args = ['--conditions=@disk-ledger/source', '--import', 'tsx', SELF, CHILD_FLAG, String(events), String(instances)];
    const env = { ...process.env, TSX_TSCONFIG_PATH: `${ROOT}tsconfig.base.json` };
    execFile(process.execPath, args, { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`fleet bench child (${events} events) failed: ${error.message}\n${stderr}`));
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      const parsed: unknown = JSON.parse(last);
      if (isSizeResult(parsed)) resolve(parsed);
      else reject(new Error(`fleet bench child printed ${last}`));
    });
  });

const mib = (b: number): string => `${Math.round(b / 1024 ** 2)} MiB`;
const rate = (r: SizeResult): string => `${r.eventsPerSec.toLocaleString('en-US')} events/s (${(r.loopMs / 1000).toFixed(1)} s, cpu ${(r.cpuMs / 1000).toFixed(1)} s, peak RSS ${mib(r.peakRssBytes)})`;

/** Measure E and 10 × E on the same fleet, in one run. */
export default async function fleetBenchmark(): Promise<BenchResult> {
  const small = await runSize(SMALL, FLEET.instances);
  const large = await runSize(SMALL * 10, FLEET.instances);
  const full = process.env['FLEET_BENCH_FULL'] === '1' ? await runSize(TARGET.events, TARGET.instances) : null;
  const ratio = large.loopMs / small.loopMs;
  const estimatedSeconds = (TARGET.events / large.eventsPerSec);
  const millionSeconds = full === null ? estimatedSeconds : full.loopMs / 1000;
  const peak = Math.max(small.peakRssBytes, large.peakRssBytes, full?.peakRssBytes ?? 0);
  const ok = ratio <= TARGET.scaling && millionSeconds <= TARGET.seconds && peak <= TARGET.rssBytes;
  const notes = [
    `fleet: ${FLEET.hosts} hosts in ${defaultCells(FLEET.hosts)} cells on up to ${availableParallelism()} threads, up to ${FLEET.instances.toLocaleString('en-US')} instances, seed ${FLEET.seed}, ${FLEET.mode} mode, classic driver on the hosts not yet upgraded`,
    `E: ${rate(small)}`,
    `10×E: ${rate(large)}`,
    full === null
      ? `1M events over 100,000 instances: estimated ${estimatedSeconds.toFixed(0)} s at the 10×E rate (target ≤ ${TARGET.seconds} s; FLEET_BENCH_FULL=1 measures it)`
      : `1M events over 100,000 instances: ${rate(full)} (target ≤ ${TARGET.seconds} s)`,
    `peak RSS ≤ 2 GiB: ${peak <= TARGET.rssBytes ? 'met' : 'NOT met'} (${mib(peak)})`,
  ].join('; ');
  return {
    name: 'fleet',
    baseline: { label: `fleet replay, ${SMALL.toLocaleString('en-US')} events`, opsPerSec: small.eventsPerSec },
    subject: { label: `fleet replay, ${(SMALL * 10).toLocaleString('en-US')} events (same fleet)`, opsPerSec: large.eventsPerSec },
    ratio,
    target: `time(10×E) ≤ ${TARGET.scaling} × time(E); 1M events ≤ ${TARGET.seconds} s; peak RSS ≤ 2 GiB`,
    ok,
    notes,
  };
}

if (process.argv.includes(CHILD_FLAG)) {
  const [events, instances] = process.argv.slice(process.argv.indexOf(CHILD_FLAG) + 1).map(Number);
  await child(events ?? SMALL, instances ?? FLEET.instances);
}
