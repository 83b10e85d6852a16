import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceId } from '@disk-ledger/domain';
import { openDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir = '';
let db = '';
const instances = () => join(dir, 'instances');

/** A legacy host: two instances made by the classic driver, one with disk.info, one without. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-ledger-db-'));
  db = join(dir, 'ledger.sqlite');
  const opened = await openDatabase(db)();
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  const repo = opened.right.repository;
  for (const id of ['vm-a', 'vm-b']) {
    const r = await repo.createInstance(id as InstanceId, 'cmp1', ['root', 'swap'])();
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  await opened.right.close();
  for (const id of ['vm-a', 'vm-b']) {
    const d = join(instances(), id);
    await mkdir(d, { recursive: true });
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(d, 'disk'), '64M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(d, 'disk.swap'), '16M']);
  }
  await writeFile(join(instances(), 'vm-a', 'disk.info'), JSON.stringify({ [join(instances(), 'vm-a', 'disk')]: 'raw', [join(instances(), 'vm-a', 'disk.swap')]: 'raw' }));
  await writeFile(join(dir, 'nova.conf'), '[DEFAULT]\nuse_cow_images = False\n[libvirt]\nimages_type = raw\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Make a directory unwritable: root writes through modes, so for root it is made immutable. */
const lockDir = (d: string): void => {
  if (process.getuid?.() === 0) execFileSync('chattr', ['+i', d]);
  else chmodSync(d, 0o555);
};
const unlockDir = (d: string): void => {
  if (process.getuid?.() === 0) execFileSync('chattr', ['-i', d]);
  else chmodSync(d, 0o755);
};

const migrate = (...extra: string[]) =>
  runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp1', '--instances-path', instances(), '--config', join(dir, 'nova.conf'), ...extra]);

describe('disk-ledger db (built CLI, child process, SQLite file)', () => {
  it('changes no schema but with upgrade: census and online-migrate refuse a database that is missing or not upgraded', async () => {
    const missing = join(dir, 'missing.sqlite');
    const census = await runCli(['db', 'census', '--db', missing]);
    expect(census.code).toBe(2);
    expect(census.stderr).toContain('disk-ledger db census: ');
    expect(census.stderr).toContain('no such database file');
    expect(existsSync(missing)).toBe(false);
    // With --json, stdout carries the refusal too, as replay --json prints it.
    const asJson = await runCli(['db', 'census', '--db', missing, '--json']);
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ error: { code: 'REPOSITORY_FAILED', message: expect.stringContaining('no such database file') } });
    const bare = join(dir, 'bare.sqlite');
    await writeFile(bare, ''); // an empty file is an empty SQLite database
    const migrating = await runCli(['db', 'online-migrate', '--db', bare, '--host', 'cmp1', '--instances-path', instances(), '--config', join(dir, 'nova.conf')]);
    expect(migrating.code).toBe(2);
    expect(migrating.stderr).toContain('run `db upgrade` first');
    expect((await stat(bare)).size).toBe(0);
  });

  it('upgrade is idempotent', async () => {
    const r = await runCli(['db', 'upgrade', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('schema up to date');
  });

  it('refuses an --instances-path that is not a directory, before touching the database', async () => {
    const r = await runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp1', '--instances-path', join(dir, 'no-such-dir'), '--config', join(dir, 'nova.conf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a directory on this host');
  });

  it("refuses to derive without the host's options, or with a flag that leaves its backend to nova's defaults, before touching the database", async () => {
    for (const flags of [[], ['--use-cow-images', 'false']]) {
      const r = await runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp1', '--instances-path', instances(), ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--config nova.conf');
    }
    const census = await runCli(['db', 'census', '--db', db, '--json']);
    expect(JSON.parse(census.stdout)).toMatchObject({ unpopulated: 4 });
  });

  it('refuses a SQLite file it cannot write before changing anything, and still reads it for a census', async () => {
    const copy = join(dir, 'readonly-dir');
    await mkdir(copy, { recursive: true });
    const ro = join(copy, 'ro.sqlite');
    await copyFile(db, ro);
    // The directory is where SQLite writes its journal: a file there that cannot be written is as read-only as the file itself.
    lockDir(copy);
    try {
      const r = await runCli(['db', 'online-migrate', '--db', ro, '--host', 'cmp1', '--instances-path', instances(), '--config', join(dir, 'nova.conf')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('cannot be written');
      expect((await runCli(['db', 'census', '--db', ro])).code).toBe(0);
    } finally {
      unlockDir(copy);
    }
  });

  it('refuses an empty --host, and says so when a host has nothing to migrate, so a typo is not read as done', async () => {
    for (const host of ['', ' cmp1']) {
      const r = await runCli(['db', 'online-migrate', '--db', db, '--host', host, '--instances-path', instances(), '--config', join(dir, 'nova.conf')]);
      expect(r.code, JSON.stringify(host)).toBe(2);
      expect(r.stderr).toContain('is not a host name');
    }
    const r = await runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp9', '--instances-path', instances(), '--config', join(dir, 'nova.conf')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no row of a live instance on host cmp9 lacks driver_info');
    const one = await runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp9', '--instances-path', instances(), '--config', join(dir, 'nova.conf'), '--max-count', '5']);
    expect(one.code).toBe(0);
    expect(one.stderr).toContain('no row of a live instance on host cmp9 lacks driver_info');
  });

  it('refuses a bad --max-count with 127', async () => {
    expect((await migrate('--max-count', '0')).code).toBe(127);
    expect((await migrate('--max-count', 'x')).code).toBe(127);
  });

  it('migrates in batches: 1 while rows were migrated, then 2 for the row it cannot derive, listed with its reason', async () => {
    const first = await migrate('--max-count', '1');
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toContain('migrated 1');
    const rest = await migrate();
    expect(rest.code).toBe(2);
    expect(rest.stdout).toContain('LEGACY_FACTS_MISSING');
    expect(rest.stdout).toMatch(/libvirt_disk_metadata\s+1\s+2/);
  });

  it('refuses an --instances-path that is not a directory before opening the database, naming it as given', async () => {
    for (const [path, said] of [[join(dir, 'missing'), `${join(dir, 'missing')} is not a directory`], ['/', 'invalid host path "/"']] as const) {
      const r = await runCli(['disk', 'supply-layout', '--db', db, '--host', 'cmp1', '--instances-path', path, '--instance', 'vm-b', '--disk', 'root', '--backend', 'flat', '--format', 'raw']);
      expect(r.code, path).toBe(2);
      expect(r.stderr).toContain(said);
    }
  });

  it('names the --backend or --format it does not know', async () => {
    const supply = (backend: string, format: string) =>
      runCli(['disk', 'supply-layout', '--db', db, '--host', 'cmp1', '--instances-path', instances(), '--instance', 'vm-b', '--disk', 'root', '--backend', backend, '--format', format]);
    const nfs = await supply('nfs', 'raw');
    expect([nfs.code, nfs.stderr]).toEqual([2, expect.stringContaining('--backend "nfs" is not a backend (flat, qcow2, lvm, rbd, ploop)')]);
    const vmdk = await supply('flat', 'vmdk');
    expect([vmdk.code, vmdk.stderr]).toEqual([2, expect.stringContaining('--format "vmdk" is not a disk format (raw, qcow2, ploop)')]);
  });

  it('lets an operator supply the layout the facts could not give, then nothing is left', async () => {
    for (const disk of ['root', 'swap']) {
      const r = await runCli(['disk', 'supply-layout', '--db', db, '--host', 'cmp1', '--instances-path', instances(), '--instance', 'vm-b', '--disk', disk, '--backend', 'flat', '--format', 'raw']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('"provenance":"operator"');
    }
    expect((await migrate()).code).toBe(0);
  });

  it('refuses a layout for a disk that has a record, on another host than the instance\'s, or for a volume without its place', async () => {
    const supply = (...extra: string[]) => runCli(['disk', 'supply-layout', '--db', db, '--instances-path', instances(), '--instance', 'vm-b', '--disk', 'root', ...extra]);
    const again = await supply('--host', 'cmp1', '--backend', 'qcow2', '--format', 'qcow2');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('RECORD_EXISTS');
    const elsewhere = await supply('--host', 'cmp2', '--backend', 'flat', '--format', 'raw');
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain('places vm-b on cmp1, not on --host cmp2');
    const volume = await supply('--host', 'cmp1', '--backend', 'lvm', '--format', 'raw');
    expect(volume.code).toBe(2);
    expect(volume.stderr).toContain('--backend lvm needs --location <vg>/<lv>');
    const swapImage = await runCli(['disk', 'supply-layout', '--db', db, '--instances-path', instances(), '--instance', 'vm-b', '--disk', 'swap', '--host', 'cmp1', '--backend', 'flat', '--format', 'raw', '--image', 'cirros']);
    expect(swapImage.code).toBe(2);
    expect(swapImage.stderr).toContain("--image names a root overlay's image; --disk is swap");
    const badImage = await supply('--host', 'cmp1', '--backend', 'qcow2', '--format', 'qcow2', '--image', '../etc');
    expect(badImage.code).toBe(2);
    expect(badImage.stderr).toContain('--image: ');
  });

  it('census counts layouts by provenance and the upgrade progress', async () => {
    const r = await runCli(['db', 'census', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const census = JSON.parse(r.stdout) as { unpopulated: number; layouts: { backend: string; format: string; provenance: string; disks: number }[] };
    expect(census.unpopulated).toBe(0);
    expect(census.layouts).toEqual([
      { backend: 'flat', format: 'raw', provenance: 'derived', disks: 2 },
      { backend: 'flat', format: 'raw', provenance: 'operator', disks: 2 },
    ]);
  });

  it('census counts a record that does not decode as unreadable, not as upgraded', async () => {
    const copy = join(dir, 'unreadable.sqlite');
    await copyFile(db, copy);
    const opened = await openDatabase(copy)();
    if (E.isLeft(opened)) throw new Error(opened.left.message);
    const saved = await opened.right.repository.saveRecords('vm-b' as InstanceId, [{ disk: 'swap', driverInfo: 'not a record' }])();
    await opened.right.close();
    expect(E.isRight(saved)).toBe(true);
    const r = await runCli(['db', 'census', '--db', copy]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('instances 2, records 3, unpopulated 0, unreadable 1');
    expect(r.stdout).toContain('upgrade progress: 75%');
  });

  it("reads a host's Ceph client only when it names a pool: a raw host's odd rbd_user (nova's volumes use it too) stops nothing", async () => {
    const conf = join(dir, 'nova-rbd.conf');
    await writeFile(conf, '[DEFAULT]\nuse_cow_images = False\n[libvirt]\nimages_type = raw\nrbd_user = volumes user\nimages_rbd_ceph_conf = ceph.conf\n');
    const raw = await runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp1', '--instances-path', instances(), '--config', conf]);
    expect(raw.stderr).not.toContain('rbd_user');
    expect(raw.code).toBe(0);
    const pooled = await runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp1', '--instances-path', instances(), '--config', conf, '--images-rbd-pool', 'vms']);
    expect(pooled.code).toBe(2);
    expect(pooled.stderr).toContain('invalid rbd_user "volumes user"');
  });
});
