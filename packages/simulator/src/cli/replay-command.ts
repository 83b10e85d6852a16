import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { instanceId, type InstanceId } from '@disk-ledger/domain';
import { openDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import type { RunReport } from '../report/run-report.js';
import { renderHuman } from '../report/human.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { replay } from '../replay/replay.js';
import type { StepDriver } from '../replay/step-driver.js';
import type { CountingRepository, World } from '../world/world.js';

/** Options of `disk-ledger replay`. */
export interface ReplayCommandOptions {
  readonly mode: 'metadata' | 'legacy' | 'both';
  readonly host: 'fake' | 'real';
  readonly json: boolean;
  /** A fresh repository per run, and how to let go of it. */
  readonly openRepository: () => Promise<OpenedRepository>;
  readonly legacyDriver: (world: World) => StepDriver;
}

/** A repository for one run. */
export interface OpenedRepository {
  readonly repository: CountingRepository;
  readonly close: () => Promise<void>;
}

/** A run's repository in a SQL database (`--db`), with its round trips counted. */
export const sqlRepository = async (url: string): Promise<OpenedRepository> => {
  const opened = await openDatabase(url)();
  if (E.isLeft(opened)) throw new ReplayDatabaseError(opened.left.message);
  const { repository, roundTrips, close } = opened.right;
  const counting: CountingRepository = Object.assign(repository, { get roundTrips() { return roundTrips.count; } });
  return { repository: counting, close };
};

/** The `--db` database could not be opened. */
export class ReplayDatabaseError extends Error {
  override readonly name = 'ReplayDatabaseError';
}

/** Expand directories (recursively) into their `*.yaml` / `*.yml` files, sorted. */
export const expandFiles = async (paths: readonly string[]): Promise<string[]> => {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (s?.isDirectory() === true) {
      const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (e.isDirectory()) out.push(...(await expandFiles([join(p, e.name)])));
        else if (e.name.endsWith('.yaml') || e.name.endsWith('.yml')) out.push(join(p, e.name));
      }
    } else out.push(p);
  }
  return out;
};

/** The instances a scenario may have left registered. */
const liveInstances = async (repo: CountingRepository, s: Scenario): Promise<InstanceId[]> => {
  const out: InstanceId[] = [];
  for (const name of new Set(s.steps.flatMap((st) => ('instance' in st ? [st.instance] : [])))) {
    const id = instanceId(name);
    if (E.isRight(id) && E.isRight(await repo.getInstance(id.right)())) out.push(id.right);
  }
  return out;
};

/** Replay scenario files; the exit code is 2 for an invalid scenario, 1 for a failed expectation, else 0. */
export const replayCommand = async (paths: readonly string[], o: ReplayCommandOptions, print: (s: string) => void, printErr: (s: string) => void): Promise<number> => {
  if (o.host === 'real') {
    printErr('disk-ledger replay: --host real is not available yet: only the in-memory host (--host fake) replays scenarios in this version');
    return 2;
  }
  const files = await expandFiles(paths);
  if (files.length === 0) {
    printErr('disk-ledger replay: no scenario files given');
    return 2;
  }
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((e: unknown) => e);
    if (typeof text !== 'string') {
      printErr(`${file}: cannot read: ${text instanceof Error ? text.message : String(text)}`);
      return 2;
    }
    const s = loadScenario(text, file);
    if (E.isLeft(s)) {
      printErr(`invalid scenario: ${s.left.message}`);
      return 2;
    }
    scenarios.push(s.right);
  }
  const modes = o.mode === 'both' ? (['metadata', 'legacy'] as const) : ([o.mode] as const);
  let failed = false;
  const json: unknown[] = [];
  for (const s of scenarios) {
    const runs: RunReport[] = [];
    for (const mode of modes) {
      let opened: OpenedRepository;
      try {
        opened = await o.openRepository();
      } catch (e) {
        if (!(e instanceof ReplayDatabaseError)) throw e;
        printErr(`disk-ledger replay: --db: ${e.message}`);
        return 2;
      }
      try {
        runs.push(await replay(s, { mode, repository: opened.repository, legacyDriver: o.legacyDriver }));
        // A shared database outlives the run: its instances are deleted (soft, as nova does) so the next run can reuse their names.
        for (const id of await liveInstances(opened.repository, s)) await opened.repository.deleteInstance(id)();
      } finally {
        await opened.close();
      }
    }
    failed ||= runs.some((r) => !r.ok);
    if (o.json) json.push(o.mode === 'both' ? { scenario: s.name, runs } : runs[0]);
    else print(`${renderHuman(s.file, runs)}\n`);
  }
  if (o.json) print(JSON.stringify(json.length === 1 ? json[0] : json, null, 2));
  else print(`${scenarios.length} scenario(s), ${failed ? 'some expectations FAILED' : 'all expectations hold'}`);
  return failed ? 1 : 0;
};
