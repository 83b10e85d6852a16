import { HOST_DEATH, hostStorageOptions, type BlockDeviceMappingRepository, type CommandExecutor, type DiskTransfer, type HostFiles, type HostPath, type ImageService } from '@disk-ledger/domain';
import { FakeCluster, FakeDiskTransfer, HostDown, InjectedCrash, InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { HostContext } from '../host-context.js';
import { img, vm } from '../testing/names.js';
import { CATALOGUE, FLAVOR, IMAGES } from './testing/catalogue.js';
import { ALL_BACKENDS, fakeHostModule } from './fake-host-module.js';
import { Fleet } from './fleet-container.js';
import { guardExecutor, guardHostFiles, guardImageService, guardRepository, guardTransfer } from './guarded-ports.js';

const PATH = '/var/lib/nova/instances' as HostPath;
const VM = vm('vm1');
const boom = new Error('connection reset by peer');

const ctx = (name: string, imagesType: 'raw' | 'qcow2' = 'raw'): HostContext => {
  const options = hostStorageOptions({ imagesType });
  if (E.isLeft(options)) throw new Error(options.left.message);
  return { name, options: options.right, instancesPath: PATH };
};

/** A cluster of hosts a and b with the catalogue's images, and a fleet over it whose ports `wrap` may replace. */
const setup = (wrap: { images?: (i: ImageService) => ImageService; transfer?: (t: DiskTransfer) => DiskTransfer } = {}) => {
  const cluster = new FakeCluster({ hosts: [{ name: 'a', directories: [PATH] }, { name: 'b', directories: [PATH] }] });
  for (const image of CATALOGUE) cluster.addImage(image);
  const repository = new InMemoryBlockDeviceMappingRepository();
  const images = cluster.imageService('a');
  const transfer = new FakeDiskTransfer(cluster);
  const used = wrap.images?.(images) ?? images;
  const fleet = new Fleet({ repository, images: used, transfer: wrap.transfer?.(transfer) ?? transfer });
  for (const h of ['a', 'b']) fleet.setHost(ctx(h), fakeHostModule(cluster, ctx(h), ALL_BACKENDS, { images: used }));
  const files = (host: string): string[] => [...cluster.host(host).fs.files()].map(([p]) => p).sort();
  return { cluster, repository, fleet, files };
};

const boot = (fleet: Fleet) => fleet.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: false })();

describe('guardRepository', () => {
  const inner = new InMemoryBlockDeviceMappingRepository();
  const throwing = Object.assign(Object.create(inner) as BlockDeviceMappingRepository, {
    getInstance: () => {
      throw boom;
    },
    listDisks: () => () => Promise.reject(boom),
  });

  it('answers a synchronous throw and a rejection with REPOSITORY_FAILED naming the method, the thrown value as cause', async () => {
    const g = guardRepository(throwing);
    const failures = [['getInstance', await g.getInstance(VM)()] as const, ['listDisks', await g.listDisks(VM)()] as const];
    for (const [method, r] of failures) {
      expect(r).toMatchObject(E.left({ _tag: 'RepositoryFailed', code: 'REPOSITORY_FAILED', path: `BlockDeviceMappingRepository.${method}`, cause: boom }));
      expect(E.isLeft(r) ? r.left.message : '').toContain('connection reset by peer');
    }
  });

  it('passes values and failures through unchanged, and wraps a port once', async () => {
    const g = guardRepository(throwing);
    expect(await g.createInstance(VM, 'a', [])()).toEqual(E.right(undefined));
    expect(await g.createInstance(VM, 'a', [])()).toMatchObject(E.left({ code: 'INSTANCE_EXISTS' }));
    expect(guardRepository(g)).toBe(g);
  });
});

describe('a fleet whose ports throw', () => {
  it('fails a boot whose image download throws with IMAGE_SERVICE_FAILED, leaving no part file and no instance', async () => {
    const { fleet, repository, files } = setup({
      images: (i) => ({
        show: (id) => i.show(id),
        upload: (m, src) => i.upload(m, src),
        // Half the bytes arrive, then the connection drops.
        download: (id, dest) => async () => {
          await i.download(id, dest)();
          throw boom;
        },
      }),
    });
    const r = await boot(fleet);
    expect(r).toMatchObject(E.left({ code: 'IMAGE_SERVICE_FAILED', path: 'ImageService.download', cause: boom }));
    expect(files('a')).toEqual([]);
    expect(E.isLeft(await repository.getInstance(VM)())).toBe(true);
  });

  it('fails a resize whose copy between hosts throws with FS_ERROR for the copy, as a copy that failed as a value does', async () => {
    const outcomes: string[] = [];
    for (const how of ['throws', 'fails'] as const) {
      const { fleet, repository, files } = setup({
        transfer: () => ({
          copyFile: (fromHost, from, toHost, to) =>
            how === 'throws' ? () => Promise.reject(boom) : () => Promise.resolve(E.left({ _tag: 'FileSystemError', code: 'FS_ERROR', message: 'copy failed', path: to })),
        }),
      });
      expect(E.isRight(await boot(fleet))).toBe(true);
      const before = { a: files('a'), b: files('b') };
      const r = await fleet.lifecycle().move(VM, 'b', 'resize')();
      expect(r).toMatchObject(E.left({ code: 'FS_ERROR' }));
      if (how === 'throws' && E.isLeft(r)) expect(r.left.cause).toBe(boom);
      const row = await repository.getInstance(VM)();
      outcomes.push(JSON.stringify({ host: E.isRight(row) ? row.right.host : null, a: files('a'), b: files('b'), same: files('a').join() === before.a.join() }));
    }
    expect(outcomes[0]).toBe(outcomes[1]);
  });

  it('fails a boot whose database throws while saving the records with REPOSITORY_FAILED; booting again carries it on', async () => {
    const cluster = new FakeCluster({ hosts: [{ name: 'a', directories: [PATH] }] });
    for (const image of CATALOGUE) cluster.addImage(image);
    const store = new InMemoryBlockDeviceMappingRepository();
    let throws = 1;
    const repository = Object.assign(Object.create(store) as BlockDeviceMappingRepository, {
      saveRecords: (...args: Parameters<BlockDeviceMappingRepository['saveRecords']>) => {
        if (throws-- > 0) throw boom;
        return store.saveRecords(...args);
      },
    });
    const fleet = new Fleet({ repository, images: cluster.imageService('a'), transfer: new FakeDiskTransfer(cluster) });
    fleet.setHost(ctx('a'), fakeHostModule(cluster, ctx('a')));
    expect(await boot(fleet)).toMatchObject(E.left({ code: 'REPOSITORY_FAILED', path: 'BlockDeviceMappingRepository.saveRecords' }));
    expect(cluster.disks().filter((d) => !d.location.includes('/_base/')).map((d) => d.location)).toEqual([]);
    expect(await boot(fleet)).toEqual(E.right(undefined));
    const disks = await store.listDisks(VM)();
    expect(E.isRight(disks) ? disks.right.map((d) => d.disk) : disks.left.code).toEqual(['root', 'ephemeral0', 'swap']);
  });

  it('leaves a port that returns its failures as values as it was', async () => {
    const cluster = new FakeCluster({ hosts: [{ name: 'a' }] });
    const t = new FakeDiskTransfer(cluster);
    const g = guardTransfer(t);
    expect(guardTransfer(g)).toBe(g);
    const images = guardImageService(cluster.imageService('a'));
    expect(await images.show(img('absent'))()).toMatchObject(E.left({ code: 'IMAGE_NOT_FOUND' }));
  });
});

describe('guardExecutor', () => {
  const argv = ['qemu-img', 'info', '-f', 'raw', '--output=json', '/x'] as const;
  const throwing = (how: 'sync' | 'reject', thrown: unknown): CommandExecutor => ({
    run: () => {
      if (how === 'sync') throw thrown;
      return () => Promise.reject(thrown);
    },
  });

  it('answers a synchronous throw and a rejection with EXECUTOR_FAILED naming the method and the argv, the thrown value as cause', async () => {
    for (const how of ['sync', 'reject'] as const) {
      const r = await guardExecutor(throwing(how, boom)).run({ argv })();
      expect(r).toMatchObject(E.left({ _tag: 'ExecutorFailed', code: 'EXECUTOR_FAILED', path: 'CommandExecutor.run', argv, cause: boom }));
      expect(E.isLeft(r) ? r.left.message : '').toContain('connection reset by peer');
    }
  });

  it("lets a throw marked as the host's death through, as the crash it stands for", async () => {
    const death = Object.assign(new Error('host died'), { [HOST_DEATH]: true as const });
    for (const how of ['sync', 'reject'] as const) await expect(guardExecutor(throwing(how, death)).run({ argv })()).rejects.toBe(death);
    await expect(guardExecutor(throwing('reject', new InjectedCrash('a', argv, 'after'))).run({ argv })()).rejects.toBeInstanceOf(InjectedCrash);
  });

  it('answers another host being down as a failure, not as this process dying', async () => {
    expect(await guardExecutor(throwing('reject', new HostDown('b'))).run({ argv })()).toMatchObject(E.left({ code: 'EXECUTOR_FAILED' }));
  });

  it('passes answers and failures through unchanged, and wraps an executor once', async () => {
    const failed = E.left({ _tag: 'CommandFailed', code: 'COMMAND_FAILED', argv, exitCode: 1, stderr: 'no\n', message: 'no' } as const);
    const answers: CommandExecutor = { run: (spec) => async () => (spec.argv[1] === 'info' ? E.right({ exitCode: 0, stdout: 'ok\n', stderr: '' }) : failed) };
    const g = guardExecutor(answers);
    expect(await g.run({ argv })()).toEqual(E.right({ exitCode: 0, stdout: 'ok\n', stderr: '' }));
    expect(await g.run({ argv: ['qemu-img', 'check', '/x'] })()).toBe(failed);
    expect(guardExecutor(g)).toBe(g);
  });
});

describe('guardHostFiles', () => {
  const path = '/var/lib/nova/instances/vm1/disk.info' as HostPath;
  const files = (cluster: FakeCluster, thrown: unknown): HostFiles => Object.assign(Object.create(cluster.files('a')) as HostFiles, {
    readText: () => {
      throw thrown;
    },
    rename: () => () => Promise.reject(thrown),
  });

  it('answers a throw with FS_ERROR for the path the call names (a rename: its destination), the thrown value as cause', async () => {
    const cluster = new FakeCluster({ hosts: [{ name: 'a', directories: [PATH] }] });
    const g = guardHostFiles(files(cluster, boom));
    expect(await g.readText(path)()).toMatchObject(E.left({ _tag: 'FileSystemError', code: 'FS_ERROR', path, cause: boom }));
    const to = `${PATH}/vm1/disk` as HostPath;
    expect(await g.rename(path, to)()).toMatchObject(E.left({ code: 'FS_ERROR', path: to, cause: boom }));
    expect(await g.exists(path)()).toEqual(E.right(false));
    expect(guardHostFiles(g)).toBe(g);
  });

  it("lets the in-memory host's injected crash through", async () => {
    const cluster = new FakeCluster({ hosts: [{ name: 'a', directories: [PATH] }] });
    await expect(guardHostFiles(files(cluster, new InjectedCrash('a', null, 'before'))).readText(path)()).rejects.toBeInstanceOf(InjectedCrash);
  });
});
