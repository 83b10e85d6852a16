/**
 * What a test asserts about a run on a fake fleet, read from its logs: every
 * qemu-img argv names every format, and no command writes a disk whose
 * record was not durable at that moment (the repository's write log and the
 * fake's command log share one clock: the command count). Test-only.
 */
import { decodeDiskMetadata, type DiskMetadata, type DiskName, type InstanceId } from '@disk-ledger/domain';
import type { CommandRecord } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { unnamedFormats, writeTargetOf, type WriteTarget } from '../../testing/command-scan.js';
import { addressOfRecord, type DiskAddress, type InvariantOptions } from '../../testing/invariants.js';
import type { WriteEvent } from '../../testing/recording-repository.js';
import type { FakeFleet } from './fake-fleet.js';

/** Step tag of commands that set a test up (a legacy instance made the classic way): not checked. */
export const SEED_STEP = 'seed';

/** Every qemu-img argv among `commands` that leaves a format to be guessed, with why. */
export const formatProblems = (commands: readonly CommandRecord[]): readonly string[] =>
  commands.flatMap((c) => unnamedFormats(c.argv).map((why) => `${c.argv.join(' ')}: ${why}`));

const targetKey = (t: WriteTarget): string => (t.kind === 'file' ? t.path : `${t.kind}:${t.location}`);
const addressKey = (a: DiskAddress): string => (a.kind === 'file' ? a.path : a.kind === 'lv' ? `lv:${a.vg}/${a.lv}` : `rbd:${a.pool}/${a.image}`);

// Writes into the host's own cache and into staging files are not instance disks.
const NOT_A_DISK = /\/_base\/|(\.part|\.conv|\.migrate|\.build|\.pinned)$|\/snapshot\.(raw|qcow2)$/;

/** What {@link persistBeforeCreateProblems} holds a run to beyond its default. */
export interface PersistCheck {
  /**
   * Also: a disk that an earlier step (a command's step tag) wrote is
   * written again only while its record is `creating`, or under a record
   * stored in the writing step itself before the write (a grow states its
   * new size first). A write under a `ready` record of an earlier step
   * changes a disk behind a record that describes what was there: a crash
   * part-way leaves a record that is wrong, not one whose disk the next
   * operation makes again. Writes of one step (a volume made, then filled)
   * are one creation. Useful only when the run tags its steps.
   */
  readonly announced?: boolean;
}

/** The record that names a disk location now: its slot, whether it is `creating`, and in which step it was stored. */
interface Owner {
  readonly slot: string;
  readonly creating: boolean;
  readonly step: WriteEvent['step'];
}

/**
 * Persist before create, checked on the logs: for every command that
 * creates, fills, grows or converts into an instance disk, a record naming
 * that disk's location was stored (and not removed since) before the
 * command ran. One line per offending command.
 */
export const persistBeforeCreateProblems = (f: FakeFleet, check: PersistCheck = {}): readonly string[] => {
  const ctx = [...f.contexts.values()][0];
  if (ctx === undefined) return ['no host'];
  const owner = new Map<string, Owner>();
  const current = new Map<string, string>();
  /** The last command that wrote each location. */
  const written = new Map<string, CommandRecord>();
  const setRecord = (instance: InstanceId, disk: DiskName, driverInfo: string | null, step: WriteEvent['step']): void => {
    const slot = `${instance}/${disk}`;
    const before = current.get(slot);
    if (before !== undefined) owner.delete(before);
    current.delete(slot);
    if (driverInfo === null) return;
    const meta = decodeDiskMetadata(driverInfo);
    if (E.isLeft(meta)) return;
    const address = addressOfRecord(ctx, { instance, host: ctx.name, disk, meta: meta.right });
    if (E.isLeft(address)) return;
    const key = addressKey(address.right);
    owner.set(key, { slot, creating: meta.right.state === 'creating', step });
    current.set(slot, key);
  };
  const events = [...f.repository.events];
  const problems: string[] = [];
  let next = 0;
  for (const c of f.cluster.commands()) {
    for (; next < events.length && (events[next]?.afterCommands ?? Infinity) < c.seq; next += 1) {
      const e = events[next];
      if (e === undefined || e.instance === null) continue;
      if (e.op === 'deleteInstance') {
        for (const [slot, key] of current) if (slot.startsWith(`${e.instance}/`)) owner.delete(key);
        continue;
      }
      for (const w of e.writes) setRecord(e.instance, w.disk, w.driverInfo, e.step);
    }
    if (c.step === SEED_STEP || c.outcome === 'unsupported') continue;
    const target = writeTargetOf(c.argv);
    if (target === null) continue;
    const key = targetKey(target);
    if (NOT_A_DISK.test(key)) continue;
    const held = owner.get(key);
    const last = written.get(key);
    written.set(key, c);
    if (held === undefined) problems.push(`command ${c.seq} writes ${key} with no durable record: ${c.argv.join(' ')}`);
    else if (check.announced === true && !held.creating && last !== undefined && last.step !== c.step && held.step !== c.step) {
      problems.push(`command ${c.seq} (step ${String(c.step)}) writes ${key}, last written at step ${String(last.step)}, under the ready record of ${held.slot} stored at step ${String(held.step)}: ${c.argv.join(' ')}`);
    }
  }
  return problems;
};

/** Everything a test usually asserts after an operation: logs sound, invariants hold. One line per problem. */
export const allProblems = async (f: FakeFleet, options?: InvariantOptions): Promise<readonly string[]> => [
  ...persistBeforeCreateProblems(f),
  ...formatProblems(f.cluster.commands()),
  ...(await f.violations(options)),
];

/** A record as a short comparable string: `backend/format size @location state`. */
export const showRecord = (m: DiskMetadata | null | undefined): string =>
  m === null || m === undefined ? '-' : `${m.backend}/${m.format} ${m.size} @${m.location ?? '-'} ${m.state ?? 'ready'}`;

/** The records of an instance, shown by disk. */
export const recordTable = async (f: FakeFleet, instance: InstanceId): Promise<Readonly<Record<string, string>>> =>
  Object.fromEntries([...(await f.records(instance))].map(([disk, m]) => [disk, showRecord(m)]));

/** What one operation did: its result, the records before and after, and the commands it issued. */
export interface Observed<A> {
  readonly result: E.Either<{ readonly code: string; readonly message: string }, A>;
  readonly before: Readonly<Record<string, string>>;
  readonly after: Readonly<Record<string, string>>;
  readonly commands: readonly CommandRecord[];
}

/** Run one operation on `instance` and observe it. */
export const observe = async <A>(f: FakeFleet, instance: InstanceId, op: () => Promise<E.Either<{ readonly code: string; readonly message: string }, A>>): Promise<Observed<A>> => {
  const before = await recordTable(f, instance);
  const mark = f.mark();
  const result = await op();
  return { result, before, after: await recordTable(f, instance), commands: f.commandsSince(mark) };
};

/** The outcome of a result: `ok`, or the error's code (and message, for a failing test's output). */
export const outcome = (r: E.Either<{ readonly code: string; readonly message: string }, unknown>): string => (E.isRight(r) ? 'ok' : `${r.left.code}: ${r.left.message}`);

/** Reads of leading bytes of anything but a download being verified in the base cache: every one is a defect. */
export const diskHeadReads = (f: FakeFleet): readonly string[] =>
  f.headReads.filter((h) => !(h.path.includes('/_base/') && h.path.endsWith('.part'))).map((h) => `${h.host}:${h.path}`);
