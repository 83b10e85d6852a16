/**
 * The DiskDriver contract for rbd on a real Ceph cluster (`rbd` and
 * qemu-img's rbd driver), plus what only the real tools show: how they
 * fail. Runs when a cluster is configured (DISK_LEDGER_RBD_POOL and
 * CEPH_CONF, or `bash tools/ceph/start.sh`); see testing/real-ceph.ts.
 */
import * as fs from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { ByteSize, DiskImage, HostPath, VolumeName } from '@disk-ledger/domain';
import { ExecaCommandExecutor } from './execa-command-executor.js';
import { NodeHostFiles } from './node-host-files.js';
import * as E from 'fp-ts/lib/Either.js';
import { rbdClient } from './qemu-path.js';
import { RbdDriver } from './rbd-driver.js';
import { describeDiskDriverContract } from './testing/disk-driver-contract.js';
import { EnvExecutor } from './testing/env-executor.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { describeWithCeph, imagesWith, rbdHarness, rbdTool, removeImages, runPrefix } from './testing/real-ceph.js';
import { RecordingExecutor } from './testing/recording-executor.js';
import { tempDir, writeBase } from './testing/real-host.js';

const MiB = 1024 * 1024;

describeWithCeph('RbdDriver on a real Ceph cluster', (cluster) => {
  describeDiskDriverContract(`rbd on a real Ceph cluster (pool ${cluster.pool})`, rbdHarness(cluster));
  // As nova runs the tools: the client named in every argv (rbd --id/--conf, qemu's rbd:…:id=…:conf=…), whatever CEPH_CONF says.
  if (cluster.conf !== undefined) {
    describeDiskDriverContract(
      `rbd on a real Ceph cluster as client.admin with ${cluster.conf} named in each argv, CEPH_CONF naming no file`,
      rbdHarness(cluster, E.getOrElseW((e: { readonly message: string }) => { throw new Error(e.message); })(rbdClient({ user: 'admin', cephConf: cluster.conf }))),
    );
  }

  describe('where only the real tools tell', () => {
    const prefix = runPrefix('rbd');
    const exec = new RecordingExecutor(new ExecaCommandExecutor({ defaultTimeoutMs: 60_000 }));
    const files = new NodeHostFiles();
    const driver = new RbdDriver(exec, files);
    const image = (name: string, pool: VolumeName = cluster.pool): DiskImage => ({
      location: { backend: 'rbd', pool, image: `${prefix}${name}` as VolumeName },
      format: 'raw',
    });

    afterAll(async () => {
      await removeImages(cluster.pool, prefix);
      expect(await imagesWith(cluster.pool, prefix)).toEqual([]);
    });

    it('imports a raw base with rbd import (progress on stderr, exit 0) as a format 2 image, byte for byte', async () => {
      const dir = await tempDir('rbd-import');
      try {
        const head = new TextEncoder().encode('imported byte for byte');
        const base = await writeBase(dir, 'base', 'raw', 4 * MiB, head);
        const disk = image('import');
        exec.clear();
        await expectRight(driver.createFromBase(disk, base, (8 * MiB) as ByteSize));
        expect(exec.argvs.map((a) => `${a[0]} ${a[1] ?? ''}`)).toEqual(['qemu-img info', 'rbd info', 'rbd import', 'rbd resize']);
        const location = `${cluster.pool}/${prefix}import`;
        expect(JSON.parse(await rbdTool(['info', '--format', 'json', location]))).toMatchObject({ name: `${prefix}import`, size: 8 * MiB, format: 2 });
        const out = `${dir}/out.raw` as HostPath;
        await expectRight(driver.exportTo(disk, out, 'raw'));
        expect([...(await expectRight(files.readHead(out, head.length)))]).toEqual([...head]);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    it('reads an image in a pool that does not exist as absent, and removes it as a no-op', async () => {
      const disk = image('nowhere', 'dl-no-such-pool' as VolumeName);
      expect(await expectRight(driver.inspect(disk))).toEqual({ exists: false });
      await expectRight(driver.remove(disk.location));
    });

    describe('when the client cannot read its ceph.conf (rbd exits 2, "No such file or directory")', () => {
      const lost = new RbdDriver(new EnvExecutor(new ExecaCommandExecutor({ defaultTimeoutMs: 60_000 }), ['CEPH_CONF=/nonexistent/ceph.conf']), files);

      it('reports the failure instead of calling an existing image absent, and removes nothing', async () => {
        const disk = image('unreachable');
        await expectRight(driver.createBlank(disk, (4 * MiB) as ByteSize));
        const failed = await expectLeft(lost.inspect(disk), 'COMMAND_FAILED');
        expect(failed).toMatchObject({ exitCode: 2 });
        await expectLeft(lost.remove(disk.location), 'COMMAND_FAILED');
        await expectLeft(lost.createBlank(image('unreachable-new'), (4 * MiB) as ByteSize), 'COMMAND_FAILED');
        expect(await expectRight(driver.inspect(disk))).toEqual({ exists: true, virtualSize: 4 * MiB });
        expect(await expectRight(driver.inspect(image('unreachable-new')))).toEqual({ exists: false });
      });
    });
  });
});
