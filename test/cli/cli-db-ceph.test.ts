/**
 * `db online-migrate` and `disk supply-layout` on a legacy rbd host of a real
 * Ceph cluster, reaching it as nova.conf says (`[libvirt] rbd_user`,
 * `images_rbd_ceph_conf`) while the environment's CEPH_CONF names no file:
 * only the client the commands pass to `rbd` can find the cluster.
 */
import 'reflect-metadata';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceId } from '@disk-ledger/domain';
import { openDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithCeph, rbdTool, removeImages, runPrefix } from '../../packages/host/src/testing/real-ceph.js';
import { runCli } from './run-cli.js';

describeWithCeph('disk-ledger db online-migrate on a legacy rbd host (built CLI, real Ceph)', (cluster) => {
  const prefix = runPrefix('cli').replace(/-$/, '');
  const vm = `${prefix}-vm`;
  let dir = '';
  let db = '';
  const env = { ...process.env, CEPH_CONF: '/nonexistent/ceph.conf' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'disk-ledger-ceph-cli-'));
    db = join(dir, 'ledger.sqlite');
    await mkdir(join(dir, 'instances'));
    const opened = await openDatabase(db)();
    if (E.isLeft(opened)) throw new Error(opened.left.message);
    const made = await opened.right.repository.createInstance(vm as InstanceId, 'cmp1', ['root', 'swap'])();
    await opened.right.close();
    if (E.isLeft(made)) throw new Error(made.left.message);
    // What nova's classic rbd backend left: <pool>/<instance>_disk and _disk.swap, no disk.info entry for them.
    await rbdTool(['create', '--size', `${64 * 2 ** 20}B`, `${cluster.pool}/${vm}_disk`]);
    await rbdTool(['create', '--size', `${16 * 2 ** 20}B`, `${cluster.pool}/${vm}_disk.swap`]);
    await writeFile(join(dir, 'nova.conf'), `[libvirt]\nimages_type = rbd\nimages_rbd_pool = ${cluster.pool}\nrbd_user = admin\nimages_rbd_ceph_conf = ${cluster.conf ?? '/etc/ceph/ceph.conf'}\n`);
  }, 60_000);
  afterAll(async () => {
    await removeImages(cluster.pool, prefix);
    await rm(dir, { recursive: true, force: true });
  });

  const migrate = (...extra: string[]) =>
    runCli(['db', 'online-migrate', '--db', db, '--host', 'cmp1', '--instances-path', join(dir, 'instances'), '--config', join(dir, 'nova.conf'), ...extra], 120_000, env);

  it('refuses a client id that is no Ceph client id, naming the option, and reads nothing', async () => {
    const r = await migrate('--rbd-user', 'a:conf=/etc/shadow');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rbd_user');
  });

  it('cannot reach the cluster when the configuration names a missing ceph.conf, and writes nothing', async () => {
    const r = await migrate('--images-rbd-ceph-conf', '/nonexistent/other.conf');
    expect(r.stdout).toContain('not derivable 2');
    expect(r.stdout).toContain('global_init: unable to open config file from search list /nonexistent/other.conf');
    const census = await runCli(['db', 'census', '--db', db, '--json'], 60_000, env);
    expect((JSON.parse(census.stdout) as { unpopulated: number }).unpopulated).toBe(2);
  }, 120_000);

  it("derives both records through nova.conf's client, sized by the cluster", async () => {
    const r = await migrate();
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('migrated 2');
    const census = await runCli(['db', 'census', '--db', db, '--json'], 60_000, env);
    const c = JSON.parse(census.stdout) as { unpopulated: number; layouts: unknown[] };
    expect(c.unpopulated).toBe(0);
    expect(c.layouts).toEqual([{ backend: 'rbd', format: 'raw', provenance: 'derived', disks: 2 }]);
  }, 120_000);
});
