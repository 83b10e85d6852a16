/**
 * What `--host real` can replay, decided before anything runs. Disks live
 * in files and are handled by the real qemu-img, so only the file backends
 * (flat and qcow2) are supported; a host configured for, or a step asking
 * for, LVM, RBD or ploop makes the scenario unsupported here (exit 2), rather
 * than faked. Host names become directories and secrets become files, so
 * they must be a safe file name and an absolute path.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileName, hostBackend, type Backend } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Scenario } from '../scenario/load-scenario.js';

/** The scenario cannot run on the real host: where, and why. Exit code 2. */
export interface RealUnsupported {
  readonly code: 'REAL_HOST_UNSUPPORTED';
  readonly message: string;
}

type NonFileBackend = Exclude<Backend, 'flat' | 'qcow2'>;

// Why each is not run for real (shared/design/STACK.md): nothing here is faked in its place.
const WHY: Readonly<Record<NonFileBackend, string>> = {
  lvm: 'LVM volumes hold no data without device-mapper, which these machines lack',
  rbd: 'RBD images need a running Ceph cluster',
  ploop: "Debian's ploop tools crash on these machines",
};

const isFileBackend = (b: Backend): b is 'flat' | 'qcow2' => b === 'flat' || b === 'qcow2';

const unsupported = (s: Scenario, where: string, what: string): E.Either<RealUnsupported, never> =>
  E.left({ code: 'REAL_HOST_UNSUPPORTED', message: `${s.file}: ${where}: ${what}` });

const backendUnsupported = (s: Scenario, where: string, backend: NonFileBackend): E.Either<RealUnsupported, never> =>
  unsupported(s, where, `the ${backend} backend is unsupported on --host real (${WHY[backend]}); it runs flat and qcow2 disks only, on real qemu-img`);

/**
 * Why a secret's path cannot become a file under its host's directory, or
 * `null`. Any absolute path of the host will do (`/root/.ssh/id_rsa` too):
 * it is only written and searched for, never handed to a driver.
 */
const secretPathProblem = (path: string): string | null => {
  if (!path.startsWith('/')) return 'is not an absolute path';
  if (path.includes('\0')) return 'contains a NUL byte';
  for (const part of path.slice(1).split('/')) {
    if (part === '' || part === '.' || part === '..') return 'has an empty, "." or ".." component';
    if (Buffer.byteLength(part) > 255) return 'has a component longer than 255 bytes';
  }
  return null;
};

/** Whether the scenario can be replayed with `--host real`; the first obstacle otherwise. */
export const checkRealSupport = (s: Scenario): E.Either<RealUnsupported, void> => {
  for (const [i, h] of s.hosts.entries()) {
    const dir = fileName(h.name);
    if (E.isLeft(dir)) return unsupported(s, `hosts[${i}].name`, `host name ${JSON.stringify(h.name.length > 40 ? `${h.name.slice(0, 40)}…` : h.name)} cannot name a directory on --host real: ${dir.left.message}`);
    const backend = hostBackend(s.hostOptions.get(h.name) ?? unreachable(h.name));
    if (!isFileBackend(backend)) return backendUnsupported(s, `host "${h.name}" (hosts[${i}].config, images_type ${backend})`, backend);
    for (const [j, secret] of (h.secrets ?? []).entries()) {
      const why = secretPathProblem(secret);
      if (why !== null) return unsupported(s, `hosts[${i}].secrets[${j}]`, `${JSON.stringify(secret)} ${why}`);
    }
  }
  for (const [i, step] of s.steps.entries()) {
    if (step.op === 'reconfigure') {
      const type = step.config.images_type;
      if (type === 'lvm' || type === 'rbd' || type === 'ploop') return backendUnsupported(s, `step ${i} (reconfigure host "${step.host}" to images_type ${type})`, type);
    }
    if (step.op === 'convert') {
      const where = `step ${i} (convert ${step.instance}/${step.disk} to ${step.backend}/${step.format})`;
      if (!isFileBackend(step.backend)) return backendUnsupported(s, where, step.backend);
      if (step.format === 'ploop') return backendUnsupported(s, where, 'ploop');
    }
  }
  return E.right(undefined);
};

const unreachable = (host: string): never => {
  throw new Error(`unreachable: options of ${host} were checked when the scenario was loaded`);
};

const execFileP = promisify(execFile);

/** Whether the tools the real host runs itself are installed. */
export const checkRealTools = async (): Promise<E.Either<RealUnsupported, void>> => {
  for (const tool of ['qemu-img', 'qemu-io']) {
    if (!(await installed(tool))) return E.left({ code: 'REAL_HOST_UNSUPPORTED', message: `--host real needs ${tool}, which is not installed (apt-get install -y qemu-utils)` });
  }
  return E.right(undefined);
};

/** Whether `tool` runs here (each of ours prints its version with one of these). */
const installed = async (tool: string): Promise<boolean> => {
  for (const flag of ['--version', '-V']) {
    if (await execFileP(tool, [flag]).then(() => true, () => false)) return true;
  }
  return false;
};

// Asked once per tool and PATH: a replay checks every scenario before it runs any, and each run opens a site again.
const asked = new Map<string, Promise<boolean>>();
const installedHere = (tool: string): Promise<boolean> => {
  const key = `${process.env['PATH'] ?? ''}\0${tool}`;
  let known = asked.get(key);
  if (known === undefined) {
    known = installed(tool);
    asked.set(key, known);
  }
  return known;
};

/** A tool some disks need, what needs it, and the Debian package holding it. */
interface NeededTool {
  readonly tool: string;
  readonly where: string;
  readonly what: string;
  readonly apt: string;
}

/** The tools besides qemu-img that the scenario's disks need: genisoimage for a config drive, mkfs.ext4 for an ephemeral disk, mkswap for swap. */
const toolsNeeded = (s: Scenario): readonly NeededTool[] => {
  const out: NeededTool[] = [];
  const drive = s.steps.findIndex((step) => step.op === 'boot' && step.config_drive === true);
  if (drive >= 0) out.push({ tool: 'genisoimage', where: `step ${drive} (boot with config_drive: true)`, what: 'config drives', apt: 'genisoimage' });
  // Only the flavors some step boots or resizes with make disks.
  const used = new Set(s.steps.flatMap((step) => ('flavor' in step && typeof step.flavor === 'string' ? [step.flavor] : [])));
  const flavors = Object.entries(s.flavors ?? {}).filter(([name]) => used.has(name));
  const eph = flavors.find(([, f]) => f.ephemeral !== undefined && f.ephemeral !== 0);
  // nova formats an ephemeral disk ext4 unless told otherwise (default_ephemeral_format), as the templates do, with `mkfs -t ext4`.
  if (eph !== undefined) {
    out.push({ tool: 'mkfs', where: `flavors.${eph[0]}.ephemeral`, what: 'ephemeral disks', apt: 'util-linux' });
    out.push({ tool: 'mkfs.ext4', where: `flavors.${eph[0]}.ephemeral`, what: 'ephemeral disks', apt: 'e2fsprogs' });
  }
  const swap = flavors.find(([, f]) => f.swap !== undefined && f.swap !== 0);
  if (swap !== undefined) out.push({ tool: 'mkswap', where: `flavors.${swap[0]}.swap`, what: 'swap disks', apt: 'util-linux' });
  return out;
};

/**
 * Whether the tools the scenario's disks need besides qemu-img run here
 * (each asked once per process); a disk whose tool is
 * missing makes the scenario unsupported, as a backend is, never a step that
 * fails part-way.
 */
export const checkScenarioTools = async (s: Scenario): Promise<E.Either<RealUnsupported, void>> => {
  for (const need of toolsNeeded(s)) {
    if (!(await installedHere(need.tool))) return unsupported(s, need.where, `${need.what} need ${need.tool} on --host real, which is not installed here (apt-get install -y ${need.apt})`);
  }
  return E.right(undefined);
};
