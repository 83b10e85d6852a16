/**
 * A legacy disk that is a symbolic link or a hard link (planted by someone
 * with write access to the host) would have qemu-img open whatever it
 * names, and a copy of it carry those bytes: a host file, or another
 * instance's disk. Neither online migration nor an operator's layout adopts
 * one.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
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
const census = async (): Promise<{ unpopulated: number }> => JSON.parse((await runCli(['db', 'census', '--db', db, '--json'])).stdout) as { unpopulated: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-ledger-link-'));
  db = join(dir, 'ledger.sqlite');
  const opened = await openDatabase(db)();
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  await mkdir(instances(), { recursive: true });
  for (const id of ['vm-l', 'vm-d', 'vm-h']) {
    const made = await opened.right.repository.createInstance(id as InstanceId, 'cmp1', ['root'])();
    if (E.isLeft(made)) throw new Error(made.left.message);
  }
  await opened.right.close();
  // vm-d's directory is a link to one outside the instances path, whose disk is a regular file.
  const outside = join(dir, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'disk'), Buffer.alloc(1536));
  await symlink(outside, join(instances(), 'vm-d'));
  await writeFile(join(outside, 'disk.info'), JSON.stringify({ [join(instances(), 'vm-d', 'disk')]: 'raw' }));
  const d = join(instances(), 'vm-l');
  await mkdir(d, { recursive: true });
  await writeFile(join(dir, 'secret'), 'SECRET-MARKER\n'.repeat(100));
  await symlink(join(dir, 'secret'), join(d, 'disk'));
  await writeFile(join(d, 'disk.info'), JSON.stringify({ [join(d, 'disk')]: 'raw' }));
  // vm-h's disk is the secret under a second name.
  const h = join(instances(), 'vm-h');
  await mkdir(h);
  await link(join(dir, 'secret'), join(h, 'disk'));
  await writeFile(join(h, 'disk.info'), JSON.stringify({ [join(h, 'disk')]: 'raw' }));
  await writeFile(join(dir, 'nova.conf'), '[DEFAULT]\nuse_cow_images = False\n[libvirt]\nimages_type = raw\n');
  // qemu-img itself would follow the link and open the secret as a raw disk.
  expect(JSON.parse(execFileSync('qemu-img', ['info', '-f', 'raw', '--output=json', join(d, 'disk')], { encoding: 'utf8' }))['virtual-size']).toBe(1536);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a legacy disk that is a symbolic or a hard link (built CLI, child process, SQLite file)', () => {
  it('is reported by online-migrate, not migrated', async () => {
    const r = await runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp1', '--instances-path', instances(), '--config', join(dir, 'nova.conf')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain('DISK_NOT_REGULAR_FILE');
    expect(r.stdout).toContain('symbolic link');
    expect(r.stdout).toMatch(/vm-d[^\n]*instance directory[^\n]*symbolic link/);
    expect(r.stdout).toMatch(/vm-h[^\n]*hard links/);
    expect((await census()).unpopulated).toBe(3);
  });

  it('is refused as an operator layout, recording nothing', async () => {
    for (const vm of ['vm-l', 'vm-h']) {
      const r = await runCli(['disk', 'supply-layout', '--db', db, '--host', 'cmp1', '--instances-path', instances(), '--instance', vm, '--disk', 'root', '--backend', 'flat', '--format', 'raw']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('DISK_NOT_REGULAR_FILE');
    }
    expect((await census()).unpopulated).toBe(3);
  });
});
