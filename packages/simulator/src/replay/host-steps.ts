import type { HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { reconfigured } from '../scenario/load-scenario.js';
import type { HostConfig } from '../scenario/scenario.js';
import type { StepOf } from '../scenario/steps.js';
import { instanceDisk } from '../world/disk-view.js';
import type { SimWorld } from '../world/sim-world.js';
import { failed, OK, outcomeOf, type Outcome } from './outcome.js';

/** Steps that act on hosts and guests rather than through a driver. */

/** The guest writes content at offset 0 of one of its disks, through the format its VM opened the disk with. */
export const guestWrite = async (world: SimWorld, step: StepOf<'guest_write'>): Promise<Outcome> => {
  const inst = world.instance(step.instance);
  if (inst === undefined) return failed('INSTANCE_NOT_FOUND', `no instance "${step.instance}"`);
  const d = await instanceDisk(world, step.instance, step.disk);
  if (d === null) return failed('DISK_NOT_FOUND', `instance "${step.instance}" has no disk "${step.disk}"`);
  const target = step.target ?? world.scenario.hosts.find((h) => h.name === d.host)?.secrets?.[0] ?? '/etc/shadow';
  const content = step.content === 'benign' ? { kind: 'benign' as const } : { kind: step.content, target };
  const r = await world.site.guestWrite(d.host, d.address, d.format, content);
  return r.ok ? OK : failed('GUEST_WRITE_FAILED', r.message);
};

/** The operator edits a host's storage options (keys given replace the current ones). */
export const reconfigure = (world: SimWorld, step: StepOf<'reconfigure'>, current: Map<string, HostConfig>): Outcome => {
  const r = reconfigured(current.get(step.host) ?? {}, step.config);
  if (E.isLeft(r)) return failed(r.left.code, r.left.message);
  current.set(step.host, r.right.config);
  world.setOptions(step.host, r.right.options, r.right.config.allow_vmdk === true);
  return OK;
};

/** A disk vanishes from its host (operator error, lost host state). */
export const deleteDiskFile = async (world: SimWorld, step: StepOf<'delete_disk_file'>): Promise<Outcome> => {
  if (world.instance(step.instance) === undefined) return failed('INSTANCE_NOT_FOUND', `no instance "${step.instance}"`);
  const d = await instanceDisk(world, step.instance, step.disk);
  if (d === null) return failed('DISK_NOT_FOUND', `instance "${step.instance}" has no disk "${step.disk}"`);
  const driver = await world.drivers(d.host).forBackend(d.backend)();
  if (E.isLeft(driver)) return outcomeOf(driver);
  return outcomeOf(await driver.right.remove(d.address)());
};

/** The instance's host-local `disk.info` is lost, or corrupted. */
export const deleteDiskInfo = async (world: SimWorld, step: StepOf<'delete_disk_info'>): Promise<Outcome> => {
  const inst = world.instance(step.instance);
  if (inst === undefined) return failed('INSTANCE_NOT_FOUND', `no instance "${step.instance}"`);
  const files = world.site.files(inst.host);
  const dir = world.instanceDir(inst.host, inst.id);
  const path = `${dir}/disk.info` as HostPath;
  if (step.corrupt !== true) return outcomeOf(await files.remove(path)());
  // A shelved instance has no directory on its host (shelve removes it): the damage makes one, as a stray write would.
  const made = await files.mkdirp(dir)();
  return outcomeOf(E.isLeft(made) ? made : await files.writeTextAtomic(path, '{"corrupt')());
};

/**
 * One batch of the online data migration: at most `batch` rows in all,
 * taken host by host (in the order the hosts are listed) from those running
 * the metadata driver, each of which derives its own rows from its facts.
 */
export const onlineMigrate = async (world: SimWorld, step: StepOf<'online_migrate'>): Promise<Outcome> => {
  // A resize the classic driver made and that awaits confirm or revert is that driver's: a revert takes the
  // instance back to its old disks, which records derived on the destination would not describe.
  const skip = new Set<string>();
  for (const [name, inst] of world.instances) if (inst.resizedFrom?.by === 'legacy') skip.add(name);
  let left = step.batch ?? 50;
  for (const [host, mode] of world.modes) {
    if (mode !== 'metadata') continue;
    if (left < 1) break;
    const r = await world.fleet.onlineMigration().run(host, left, { skip });
    if (E.isLeft(r)) return outcomeOf(r);
    left -= r.right.done;
    for (const id of r.right.instances) await settleMigrated(world, id);
  }
  return OK;
};

/**
 * An instance of the classic driver the migration gave records is the
 * metadata driver's from now on, as after a first touch: no host still on
 * the classic driver may take it (an evacuation there is refused, not
 * carried out by inference beside records it would leave stale). One whose
 * rows a batch filled only in part keeps the classic driver's view of the
 * disks not yet recorded, until a later batch or a first touch records them.
 */
const settleMigrated = async (world: SimWorld, id: string): Promise<void> => {
  const inst = world.instance(id);
  if (inst === undefined || !inst.legacy) return;
  const rows = await world.repository.listDisks(inst.id)();
  if (E.isLeft(rows)) return;
  inst.legacy = false;
  if (rows.right.every((r) => r.driverInfo !== null)) inst.legacyDisks.clear();
};
