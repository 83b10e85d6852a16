/**
 * `db online-migrate` on a qcow2 host whose nova.conf renames the base-image
 * cache (`[image_cache] subdirectory_name`): a legacy root overlay of its own
 * image's entry there is adopted; told the default instead, it is refused.
 * Real qemu-img, a real SQLite file, the built CLI.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceId } from '@disk-ledger/domain';
import { openDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

let dir = '';
const instances = () => join(dir, 'instances');
const db = () => join(dir, 'ledger.sqlite');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-ledger-cache-dir-'));
  const opened = await openDatabase(db())();
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  const made = await opened.right.repository.createInstance('vm-c' as InstanceId, 'cmp1', ['root'], 'cirros')();
  await opened.right.close();
  if (E.isLeft(made)) throw new Error(made.left.message);
  const cache = join(instances(), '_images');
  const base = join(cache, createHash('sha1').update('cirros').digest('hex'));
  await mkdir(cache, { recursive: true });
  await mkdir(join(instances(), 'vm-c'));
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', base, '64M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'raw', join(instances(), 'vm-c', 'disk'), '64M']);
  await writeFile(join(instances(), 'vm-c', 'disk.info'), JSON.stringify({ [join(instances(), 'vm-c', 'disk')]: 'qcow2' }));
  await writeFile(join(dir, 'nova.conf'), '[libvirt]\nimages_type = qcow2\n[image_cache]\nsubdirectory_name = _images\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const migrate = (...extra: string[]) =>
  runCli(['db', 'online-migrate', '--db', db(), '--host', 'cmp1', '--instances-path', instances(), '--config', join(dir, 'nova.conf'), '--max-count', '10', ...extra]);

describe("disk-ledger db online-migrate with nova's [image_cache] subdirectory_name (built CLI, real qemu-img)", () => {
  it('refuses a subdirectory that is no directory name, and reads nothing', async () => {
    const r = await migrate('--image-cache-subdirectory', '../etc');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('image_cache.subdirectory_name');
  });

  it('refuses the overlay when told the cache is the default _base: its base is then outside the cache', async () => {
    const r = await migrate('--image-cache-subdirectory', '_base');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('LEGACY_BACKING_REFUSED');
  });

  it("adopts the overlay of its own image's entry in the cache nova.conf names", async () => {
    const r = await migrate();
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('migrated 1');
    expect(r.code).toBe(1);
    const census = await runCli(['db', 'census', '--db', db(), '--json']);
    expect((JSON.parse(census.stdout) as { layouts: unknown[] }).layouts).toEqual([{ backend: 'qcow2', format: 'qcow2', provenance: 'derived', disks: 1 }]);
  });
});
