import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { instanceId, type InstanceId } from '@disk-ledger/domain';
import { openDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import type { RunReport } from '../report/run-report.js';
import { renderHuman } from '../report/human.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { RealSite } from '../real/real-site.js';
import { checkRealSupport, checkRealTools, checkScenarioTools } from '../real/real-support.js';
import { replay } from '../replay/replay.js';
import type { StepDriver } from '../replay/step-driver.js';
import type { CountingRepository, SimWorld } from '../world/sim-world.js';
import type { Site } from '../world/site.js';

/** Options of `disk-ledger replay`. */
export interface ReplayCommandOptions {
  readonly mode: 'metadata' | 'legacy' | 'both';
  /** Where disks live: the in-memory host, or real files and qemu-img in a temporary directory. */
  readonly host: 'fake' | 'real';
  readonly json: boolean;
  /** A fresh repository per run, and how to let go of it. */
  readonly openRepository: () => Promise<OpenedRepository>;
  readonly legacyDriver: (world: SimWorld) => StepDriver;
  /** Soft-delete, before replaying, the live instances the scenarios name (a replay stopped part-way leaves them). */
  readonly clearInstances?: boolean;
}

/** A repository for one run. */
export interface OpenedRepository {
  readonly repository: CountingRepository;
  readonly close: () => Promise<void>;
}

/**
 * A run's repository in a SQL database (`--db`), with its round trips
 * counted. A database without any of the tables gets the schema; one that
 * has some must be up to date already (`db upgrade` alone alters a database).
 */
export const sqlRepository = async (url: string): Promise<OpenedRepository> => {
  const opened = await openDatabase(url, { migrate: 'fresh' })();
  if (E.isLeft(opened)) throw new ReplayDatabaseError(opened.left.message);
  const { repository, roundTrips, close } = opened.right;
  // The scenario's round trips: those of opening (the schema migration) are not its own.
  const opening = roundTrips.count;
  const counting: CountingRepository = Object.defineProperty(repository as typeof repository & { readonly roundTrips: number }, 'roundTrips', {
    get: () => roundTrips.count - opening,
  });
  return { repository: counting, close };
};

/** The `--db` database could not be opened. */
export class ReplayDatabaseError extends Error {
  override readonly name = 'ReplayDatabaseError';
}

/**
 * Expand directories (recursively, through links to directories) into
 * their `*.yaml` / `*.yml` files (in any case, hidden ones left out), sorted.
 * Each directory and each file is taken once however it is reached (named
 * twice, through a link, or inside a directory also named).
 */
export const expandFiles = async (paths: readonly string[], seen: Set<string> = new Set()): Promise<string[]> => {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (s?.isDirectory() === true) {
      // A link back up the tree would otherwise be followed for ever.
      const real = await realpath(p);
      if (seen.has(real)) continue;
      seen.add(real);
      const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        // Hidden entries (an editor's `.x.yaml.swp`, `.git`) are not scenarios, as a shell's glob would not list them.
        if (e.name.startsWith('.')) continue;
        const path = join(p, e.name);
        const dir = e.isDirectory() || (e.isSymbolicLink() && (await stat(path).catch(() => null))?.isDirectory() === true);
        if (dir) out.push(...(await expandFiles([path], seen)));
        else if (/\.ya?ml$/i.test(e.name) && (await firstTime(path, seen))) out.push(path);
      }
    } else if (await firstTime(p, seen)) out.push(p);
  }
  return out;
};

/** Whether the file at `path` is met for the first time (a missing one is known by the name given, and reported as it is). */
const firstTime = async (path: string, seen: Set<string>): Promise<boolean> => {
  const real = await realpath(path).catch(() => path);
  if (seen.has(real)) return false;
  seen.add(real);
  return true;
};

/** Why the database cannot take the replay: a scenario's instances are live there, or one could not be soft-deleted. */
type Clash =
  | { readonly kind: 'live'; readonly scenario: Scenario; readonly live: readonly InstanceId[] }
  | { readonly kind: 'not-cleared'; readonly instance: InstanceId; readonly message: string; readonly cleared: readonly InstanceId[] };

/**
 * The first scenario naming an instance the database already holds live,
 * with those instances. A replay registers, changes and at its end deletes
 * the instances it names, so it must never meet one it did not make. With
 * `clear`, every such instance is soft-deleted instead (as nova deletes),
 * once all are known; one that cannot be stops the replay with its reason.
 */
const clash = async (open: () => Promise<OpenedRepository>, scenarios: readonly Scenario[], clear: boolean): Promise<Clash | null> => {
  const opened = await open();
  try {
    const toClear: InstanceId[] = [];
    for (const scenario of scenarios) {
      const live = await liveInstances(opened.repository, scenario);
      if (live.length === 0) continue;
      if (!clear) return { kind: 'live', scenario, live };
      toClear.push(...live.filter((id) => !toClear.includes(id)));
    }
    const cleared: InstanceId[] = [];
    for (const id of toClear) {
      const r = await opened.repository.deleteInstance(id)();
      if (E.isLeft(r)) return { kind: 'not-cleared', instance: id, message: r.left.message, cleared };
      cleared.push(id);
    }
    return null;
  } finally {
    await opened.close();
  }
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

/**
 * Why `--host real` cannot replay these scenarios, or `null`. Checked before
 * anything runs, so that a scenario needing lvm, rbd or ploop is refused,
 * never faked and never half-replayed. The first refused file is said in
 * full and the others by name, so one run tells which files to leave out.
 */
const realHostRefusal = async (scenarios: readonly Scenario[]): Promise<{ readonly message: string; readonly file?: string; readonly files?: readonly string[] } | null> => {
  const refused: { readonly message: string; readonly file: string }[] = [];
  for (const s of scenarios) {
    const r = checkRealSupport(s);
    const t = E.isLeft(r) ? r : await checkScenarioTools(s);
    if (E.isLeft(t)) refused.push({ message: t.left.message, file: s.file });
  }
  const [first, ...others] = refused;
  if (first !== undefined) {
    if (others.length === 0) return first;
    return { ...first, message: `${first.message}; also unsupported there: ${others.map((o) => o.file).join(', ')}`, files: refused.map((r) => r.file) };
  }
  const qemu = await checkRealTools();
  return E.isLeft(qemu) ? { message: qemu.left.message } : null;
};

/** A real site for a scenario already checked to be supported; failing now (an unusable temporary directory) is the machine's fault. */
const openRealSite = async (s: Scenario): Promise<Site> => {
  const site = await RealSite.open(s);
  if (E.isLeft(site)) throw new ReplayHostError(site.left.message);
  return site.right;
};

/** The real host could not be set up for a run. */
export class ReplayHostError extends Error {
  override readonly name = 'ReplayHostError';
}

/** Replay scenario files; the exit code is 2 for an invalid scenario, 1 for a failed expectation, else 0. */
export const replayCommand = async (paths: readonly string[], o: ReplayCommandOptions, print: (s: string) => void, printErr: (s: string) => void): Promise<number> => {
  // Exit 2 says why on stderr; with --json, stdout carries the same as an object, in place of the report there is none of.
  const refuse = (message: string, error: { readonly code: string; readonly file?: string; readonly files?: readonly string[]; readonly path?: string }): number => {
    printErr(message);
    if (o.json) print(JSON.stringify({ error: { ...error, message } }, null, 2));
    return 2;
  };
  const files = await expandFiles(paths);
  if (files.length === 0) return refuse(`disk-ledger replay: no scenario files (*.yaml, *.yml) in ${paths.join(', ')}`, { code: 'NO_SCENARIOS' });
  const scenarios: Scenario[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((e: unknown) => e);
    if (typeof text !== 'string') return refuse(`${file}: cannot read: ${text instanceof Error ? text.message : String(text)}`, { code: 'SCENARIO_UNREADABLE', file });
    const s = loadScenario(text, file);
    if (E.isLeft(s)) return refuse(`invalid scenario: ${s.left.message}`, { code: s.left.code, file: s.left.file, path: s.left.path });
    scenarios.push(s.right);
  }
  const refused = o.host === 'real' ? await realHostRefusal(scenarios) : null;
  if (refused !== null) {
    const { message, ...where } = refused;
    return refuse(`disk-ledger replay --host real: ${message}`, { code: 'HOST_UNSUPPORTED', ...where });
  }
  let clashing: Awaited<ReturnType<typeof clash>>;
  try {
    clashing = await clash(o.openRepository, scenarios, o.clearInstances === true);
  } catch (e) {
    if (!(e instanceof ReplayDatabaseError)) throw e;
    return refuse(`disk-ledger replay: --db: ${e.message}`, { code: 'DATABASE_UNUSABLE' });
  }
  if (clashing?.kind === 'not-cleared') {
    const before = clashing.cleared.length === 0 ? '' : `; soft-deleted before it: ${clashing.cleared.join(', ')}`;
    return refuse(`disk-ledger replay: --clear-instances: could not soft-delete ${clashing.instance}: ${clashing.message}${before}`, { code: 'DATABASE_UNUSABLE' });
  }
  if (clashing?.kind === 'live') {
    return refuse(
      `disk-ledger replay: --db: the database already holds live instance(s) ${clashing.live.join(', ')}, which ${clashing.scenario.file} names; ` +
        'a replay creates, changes and deletes the instances it names, so it needs a database where they do not exist ' +
        '(if a replay stopped part-way left them, --clear-instances soft-deletes them first; on a nova database, a name once deleted cannot be booted again)',
      { code: 'DATABASE_IN_USE', file: clashing.scenario.file },
    );
  }
  const site = o.host === 'real' ? openRealSite : undefined;
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
        return refuse(`disk-ledger replay: --db: ${e.message}`, { code: 'DATABASE_UNUSABLE' });
      }
      try {
        runs.push(await replay(s, { mode, repository: opened.repository, legacyDriver: o.legacyDriver, ...(site === undefined ? {} : { site }) }));
        // A shared database outlives the run: its instances are deleted (soft, as nova does) so the next run can reuse their names.
        for (const id of await liveInstances(opened.repository, s)) await opened.repository.deleteInstance(id)();
      } catch (e) {
        if (!(e instanceof ReplayHostError)) throw e;
        return refuse(`disk-ledger replay --host real: ${e.message}`, { code: 'HOST_UNSUPPORTED', file: s.file });
      } finally {
        await opened.close();
      }
    }
    failed ||= runs.some((r) => !r.ok);
    // The file tells apart two scenarios of one name in an array of reports.
    if (o.json) json.push(o.mode === 'both' ? { scenario: s.name, file: s.file, runs } : { ...runs[0], file: s.file });
    else print(`${renderHuman(s.file, runs)}\n`);
  }
  if (o.json) print(JSON.stringify(json.length === 1 ? json[0] : json, null, 2));
  else print(`${scenarios.length} scenario(s), ${failed ? 'some expectations FAILED' : 'all expectations hold'}`);
  return failed ? 1 : 0;
};
