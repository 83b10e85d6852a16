/**
 * Fixtures for running the contract on this machine: temp directories,
 * base images written as real bytes, file-backend harnesses, and an LVM
 * volume group on a loop device changed in metadata only.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { hostPath, type BaseFormat, type BaseImage, type ByteSize, type DiskFormat, type HostPath, type VolumeName } from '@disk-ledger/domain';
import { ExecaCommandExecutor } from '../execa-command-executor.js';
import { FlatDriver } from '../flat-driver.js';
import type { FileDriverOptions } from '../file-disk-driver.js';
import { LvmDriver } from '../lvm-driver.js';
import { NodeHostFiles } from '../node-host-files.js';
import { Qcow2Driver } from '../qcow2-driver.js';
import type { DiskDriverHarness } from './disk-driver-contract.js';

const execFileP = promisify(execFile);

/** A fresh directory under the system temp dir, as a checked host path. */
export const tempDir = async (label: string): Promise<HostPath> => {
  const dir = await fs.mkdtemp(join(tmpdir(), `dl-${label}-`));
  const checked = hostPath(dir);
  if (E.isLeft(checked)) throw new Error(`temp dir ${dir} is not a safe host path: ${checked.left.message}`);
  return checked.right;
};

/** Run a command for a fixture (not through the code under test); throws on failure. */
export const sh = async (file: string, args: readonly string[]): Promise<string> =>
  (await execFileP(file, [...args], { env: { ...process.env, LC_ALL: 'C', LVM_SUPPRESS_FD_WARNINGS: '1' } })).stdout;

/** Write a base image: `size` bytes of raw content beginning with `head`, converted to qcow2 when asked. */
export const writeBase = async (dir: HostPath, name: string, format: BaseFormat, size: number, head: Uint8Array): Promise<BaseImage> => {
  const raw = `${dir}/${name}.raw`;
  await fs.writeFile(raw, head);
  await fs.truncate(raw, size);
  if (format === 'raw') return { path: raw as HostPath, format };
  const qcow = `${dir}/${name}.qcow2`;
  await sh('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow]);
  await fs.rm(raw);
  return { path: qcow as HostPath, format };
};

/** A harness for a file backend on real qemu-img in a temp dir. */
export const fileHarness = (backend: 'flat' | 'qcow2', format: DiskFormat, options: FileDriverOptions = {}) => async (): Promise<DiskDriverHarness> => {
  const dir = await tempDir(`${backend}-${format}`);
  await fs.mkdir(`${dir}/instance`);
  await fs.mkdir(`${dir}/base`);
  await fs.mkdir(`${dir}/export`);
  return {
    backend,
    format,
    executor: new ExecaCommandExecutor({ defaultTimeoutMs: 60_000 }),
    files: new NodeHostFiles(),
    makeDriver: (exec, files) => (backend === 'flat' ? new FlatDriver(exec, files, options) : new Qcow2Driver(exec, files, options)),
    location: (name) => ({ backend, path: `${dir}/instance/${name}` as HostPath }),
    makeBase: (name, f, size, head) => writeBase(`${dir}/base` as HostPath, name, f, size, head),
    exportDir: `${dir}/export` as HostPath,
    content: true,
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
};

/** `--config` for metadata-only LVM (no device-mapper here). */
export const LVM_CONF = ['--config', 'global { activation = 0 }'] as const;

/** A volume group on a loop device, for LVM in metadata-only mode. */
export interface LvmFixture {
  readonly vg: VolumeName;
  readonly dir: HostPath;
  teardown(): Promise<void>;
}

/** Whether this machine can host an LVM fixture (root, loop devices, lvm2 tools). */
export const lvmPossible = (): boolean =>
  process.getuid?.() === 0 && existsSync('/dev/loop-control') && ['/usr/sbin/lvcreate', '/usr/sbin/losetup', '/sbin/losetup'].some((p) => existsSync(p));

/**
 * Set up a loop device, a PV and a VG (with `extentMiB`, physical extents of
 * that size instead of vgcreate's 4 MiB); `null` when any step fails (after
 * undoing the others).
 */
export const setUpLvm = async (extentMiB?: number): Promise<LvmFixture | null> => {
  if (!lvmPossible()) return null;
  const dir = await tempDir('lvm');
  const vg = `dlhost${Math.random().toString(36).slice(2, 10)}` as VolumeName;
  const image = `${dir}/pv.img`;
  const undo: (() => Promise<unknown>)[] = [() => fs.rm(dir, { recursive: true, force: true })];
  const teardown = async (): Promise<void> => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  };
  try {
    await fs.writeFile(image, '');
    await fs.truncate(image, 128 * 1024 * 1024);
    const loop = (await sh('losetup', ['-f', '--show', image])).trim();
    undo.push(() => sh('losetup', ['-d', loop]));
    await sh('pvcreate', [...LVM_CONF, loop]);
    undo.push(() => sh('pvremove', [...LVM_CONF, loop]));
    await sh('vgcreate', [...LVM_CONF, ...(extentMiB === undefined ? [] : ['-s', `${extentMiB}m`]), vg, loop]);
    undo.push(() => sh('vgremove', [...LVM_CONF, '-f', vg]));
    return { vg, dir, teardown };
  } catch {
    await teardown();
    return null;
  }
};

/** A harness for the LVM driver in metadata-only mode on a fixture VG (no content: there is no /dev/<vg>/<lv>). */
export const lvmHarness = (fixture: LvmFixture) => async (): Promise<DiskDriverHarness> => {
  await fs.mkdir(`${fixture.dir}/base`, { recursive: true });
  await fs.mkdir(`${fixture.dir}/export`, { recursive: true });
  return {
    backend: 'lvm',
    format: 'raw',
    executor: new ExecaCommandExecutor({ defaultTimeoutMs: 60_000 }),
    files: new NodeHostFiles(),
    makeDriver: (exec, files) => new LvmDriver(exec, files, { metadataOnly: true }),
    location: (name) => ({ backend: 'lvm', vg: fixture.vg, lv: name as VolumeName }),
    makeBase: (name, f, size, head) => writeBase(`${fixture.dir}/base` as HostPath, name, f, size as ByteSize, head),
    exportDir: `${fixture.dir}/export` as HostPath,
    content: false,
    cleanup: async () => undefined,
  };
};
