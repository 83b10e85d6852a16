/**
 * Host-driver overhead per disk: the flat driver's create-from-base + resize
 * + inspect + remove through the execa executor (input checks, presence
 * checks, JSON decoding, fp-ts plumbing, execa) against the bare command
 * sequence that run issues, replayed with child_process.execFile, in the same
 * run. The baseline is recorded from the driver itself, so both sides run
 * exactly the same qemu-img processes and only the adapter layer differs.
 * Target: the driver costs at most 10 % more per disk.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Argv, BaseImage, ByteSize, DiskImage, HostPath } from '../../packages/domain/src/index.js';
import { ExecaCommandExecutor } from '../../packages/host/src/execa-command-executor.js';
import { FlatDriver } from '../../packages/host/src/flat-driver.js';
import { NodeHostFiles } from '../../packages/host/src/node-host-files.js';
import type { BenchResult } from './support/bench-result.js';

const TARGET = 1.1;
const ITERATIONS = 60;
const WARMUP = 3;
const MiB = 1024 * 1024;
// The smallest real cloud image (CirrOS) is a 112 MiB disk holding about
// 20 MiB of data; a base any smaller would measure process start-up alone.
const BASE_SIZE = 112 * MiB;
const BASE_DATA = 20 * MiB;
const DISK_SIZE = (1024 * MiB) as ByteSize;
const GROWN_SIZE = (2048 * MiB) as ByteSize;

const execFileP = promisify(execFile);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const unwrap = async <A>(task: () => Promise<{ _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: A }>): Promise<A> => {
  const r = await task();
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
};

/** Measure the flat driver's per-disk overhead over the bare command sequence. */
export default async function hostDriverBenchmark(): Promise<BenchResult> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'dl-bench-host-'));
  try {
    const basePath = `${dir}/base.raw`;
    // Non-zero data: qemu-img skips zero clusters, and the copy is part of the work.
    await fs.writeFile(basePath, Buffer.alloc(BASE_DATA, 'disk-ledger base image '));
    await fs.truncate(basePath, BASE_SIZE);
    const base: BaseImage = { path: basePath as HostPath, format: 'raw' };
    const diskPath = `${dir}/instance/disk`;
    const disk: DiskImage = { location: { backend: 'flat', path: diskPath as HostPath }, format: 'qcow2' };

    const issued: Argv[] = [];
    const driver = new FlatDriver(new ExecaCommandExecutor({ onCommand: (e) => issued.push(e.argv) }), new NodeHostFiles());
    const throughDriver = async (): Promise<void> => {
      await unwrap(driver.createFromBase(disk, base, DISK_SIZE));
      await unwrap(driver.resize(disk, GROWN_SIZE));
      const state = await unwrap(driver.inspect(disk));
      if (!state.exists || state.virtualSize !== GROWN_SIZE) throw new Error(`unexpected state ${JSON.stringify(state)}`);
      await unwrap(driver.remove(disk.location));
    };

    await throughDriver();
    const sequence = [...issued];
    const bare = async (): Promise<void> => {
      await fs.mkdir(`${dir}/instance`, { recursive: true });
      for (const [file, ...args] of sequence) await execFileP(file, args);
      await fs.rm(diskPath, { force: true });
    };

    const times = { bare: [] as number[], driver: [] as number[] };
    const timed = async (label: 'bare' | 'driver', work: () => Promise<void>, keep: boolean): Promise<void> => {
      const t0 = process.hrtime.bigint();
      await work();
      if (keep) times[label].push(Number(process.hrtime.bigint() - t0) / 1e6);
    };
    for (let i = 0; i < WARMUP + ITERATIONS; i += 1) {
      const keep = i >= WARMUP;
      // Alternate which side runs first so drift in the machine falls on both.
      if (i % 2 === 0) {
        await timed('bare', bare, keep);
        await timed('driver', throughDriver, keep);
      } else {
        await timed('driver', throughDriver, keep);
        await timed('bare', bare, keep);
      }
    }

    const baseline = median(times.bare);
    const subject = median(times.driver);
    const ratio = subject / baseline;
    return {
      name: 'host-driver',
      baseline: { label: `bare execFile of the same ${sequence.length} commands + fs.rm`, value: Math.round(baseline * 100) / 100, unit: 'ms/disk' },
      subject: { label: 'FlatDriver createFromBase + resize + inspect + remove (execa)', value: Math.round(subject * 100) / 100, unit: 'ms/disk' },
      ratio,
      target: `subject ≤ ${TARGET} × baseline (overhead ≤ 10 %)`,
      ok: ratio <= TARGET,
      notes: `median of ${ITERATIONS} alternating iterations after ${WARMUP} warm-up; raw base ${BASE_SIZE / MiB} MiB (${BASE_DATA / MiB} MiB data) → qcow2 disk ${DISK_SIZE / MiB} MiB, grown to ${GROWN_SIZE / MiB} MiB; commands: ${sequence.map((a) => `${a[0]} ${a[1] ?? ''}`).join(', ')}`,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
