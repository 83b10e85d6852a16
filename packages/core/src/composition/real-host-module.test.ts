import { hostStorageOptions, type CommandExecutor, type HostPath, type ImageService } from '@disk-ledger/domain';
import { FakeDiskTransfer, FakeCluster, InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { vm } from '../testing/names.js';
import { FLAVOR } from './testing/catalogue.js';
import { Fleet } from './fleet-container.js';
import { realHostModule } from './real-host-module.js';

const boom = new Error('socket hang up');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Every file and directory under `dir`, relative to it. */
const tree = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

// A boot from a volume asks the image service nothing.
const noImages: ImageService = {
  show: () => () => Promise.reject(new Error('not asked')),
  download: () => () => Promise.reject(new Error('not asked')),
  upload: () => () => Promise.reject(new Error('not asked')),
};

/** A host of `root` whose executor throws, or fails as a value, on every command; what it ran. */
const host = (root: string, how: 'throws' | 'fails') => {
  const options = hostStorageOptions({ imagesType: 'raw' });
  if (E.isLeft(options)) throw new Error(options.left.message);
  const ctx = { name: 'a', options: options.right, instancesPath: root as HostPath };
  const ran: string[] = [];
  const commands: CommandExecutor = {
    run: (spec) => {
      ran.push(spec.argv.join(' '));
      if (how === 'throws') throw boom;
      return async () => E.left({ _tag: 'CommandFailed', code: 'COMMAND_FAILED', argv: spec.argv, exitCode: 1, stderr: 'failed\n', message: 'failed' });
    },
  };
  const repository = new InMemoryBlockDeviceMappingRepository();
  const fleet = new Fleet({ repository, images: noImages, transfer: new FakeDiskTransfer(new FakeCluster({ hosts: [{ name: 'a' }] })) });
  fleet.setHost(ctx, realHostModule({ ctx, drivers: { backends: ['flat', 'qcow2'] }, images: noImages, commands }));
  return { fleet, repository, ran };
};

describe('realHostModule with an executor of its own that throws', () => {
  it('fails a boot with EXECUTOR_FAILED naming the argv, and leaves what a command failing as a value leaves', async () => {
    const left: string[] = [];
    for (const how of ['throws', 'fails'] as const) {
      const root = mkdtempSync(join(tmpdir(), 'dl-exec-'));
      dirs.push(root);
      const { fleet, repository, ran } = host(root, how);
      const r = await fleet.lifecycle().spawn({ instance: vm('vm1'), host: 'a', image: null, flavor: FLAVOR, configDrive: false })();
      expect(ran.length).toBeGreaterThan(0);
      if (how === 'throws') {
        expect(r).toMatchObject(E.left({ _tag: 'ExecutorFailed', code: 'EXECUTOR_FAILED', path: 'CommandExecutor.run', cause: boom }));
        expect(E.isLeft(r) && r.left._tag === 'ExecutorFailed' ? r.left.argv.join(' ') : '').toBe(ran[0]);
      } else expect(r).toMatchObject(E.left({ code: 'COMMAND_FAILED' }));
      const disks = await repository.listDisks(vm('vm1'))();
      left.push(JSON.stringify({ ran: ran.map((a) => a.replaceAll(root, '<root>')), files: tree(root), records: E.isRight(disks) ? disks.right.map((d) => [d.disk, d.driverInfo === null ? null : JSON.parse(d.driverInfo).data?.state]) : disks.left.code }));
    }
    expect(left[0]).toBe(left[1]);
  });
});

describe('realHostModule given drivers without the host backend', () => {
  it('throws a TypeError naming the host, its backend and the drivers, before any fleet holds it', () => {
    const options = hostStorageOptions({ imagesType: 'lvm', imagesVolumeGroup: 'vg0' });
    if (E.isLeft(options)) throw new Error(options.left.message);
    const ctx = { name: 'a', options: options.right, instancesPath: '/srv/a' as HostPath };
    expect(() => realHostModule({ ctx, drivers: { backends: ['flat', 'qcow2'] }, images: noImages })).toThrow(new TypeError('realHostModule: host "a" makes its disks on lvm (its images_type), but its drivers run flat, qcow2'));
    expect(() => realHostModule({ ctx, drivers: { backends: ['lvm'] }, images: noImages })).not.toThrow();
  });
});
