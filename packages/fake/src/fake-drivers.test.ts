/**
 * The host package's `DiskDriver` contract, run with the real host drivers
 * over the in-memory host: the fake executor and files of one host of a
 * `FakeCluster`. This checks both sides of docs/commands.md at once: the
 * drivers issue only argvs the emulator accepts, and the emulator answers
 * them as the drivers expect. Every run must also leave no probe and no leak.
 * The base-image cache and the template builder of the host package run here
 * too: verification must refuse every hostile image from the fake catalogue.
 */
import { byteSize, HOSTILE_KINDS, type Backend, type BaseImage, type ByteSize, type DiskFormat, type DiskLocation } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { HostBaseImageCache } from '../../host/src/base-image-cache.js';
import { DEFAULT_CONVERT_LIMITS, DEFAULT_INSPECT_LIMITS } from '../../host/src/inspect-limits.js';
import { FlatDriver } from '../../host/src/flat-driver.js';
import { LvmDriver } from '../../host/src/lvm-driver.js';
import { PloopDriver } from '../../host/src/ploop-driver.js';
import { Qcow2Driver } from '../../host/src/qcow2-driver.js';
import { RbdDriver } from '../../host/src/rbd-driver.js';
import { HostTemplateBuilder } from '../../host/src/template-builder.js';
import { describeDiskDriverContract, type DiskDriverHarness } from '../../host/src/testing/disk-driver-contract.js';
import { FakeCluster } from './fake-cluster.js';
import { fileAt, imageIdOf, lvAt, pathOf, rbdAt } from './testing/run-command.js';

const byteSizeOf = (n: number): ByteSize => {
  const r = byteSize(n);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

const INSTANCES = '/var/lib/nova/instances';
const BASE = `${INSTANCES}/_base`;
const EXPORT = '/var/lib/nova/export';

/** Every cluster the harnesses made, checked for probes and leaks at the end. */
const clusters: FakeCluster[] = [];

const harness =
  (backend: Backend, format: DiskFormat, options: { readonly metadataOnly?: boolean; readonly preallocate?: boolean } = {}) =>
  async (): Promise<DiskDriverHarness> => {
    const cluster = new FakeCluster({
      hosts: [{ name: 'h1', volumeGroups: ['vg0'], rbdPools: ['pool0'], secrets: ['/etc/shadow'], directories: [INSTANCES, BASE, EXPORT] }],
    });
    clusters.push(cluster);
    const location = (name: string): DiskLocation => {
      switch (backend) {
        case 'lvm':
          return lvAt('vg0', name);
        case 'rbd':
          return rbdAt('pool0', name);
        default:
          return fileAt(`${INSTANCES}/vm/${name}`, backend);
      }
    };
    return {
      backend,
      format,
      executor: cluster.executor('h1'),
      files: cluster.files('h1'),
      makeDriver: (exec, files) => {
        switch (backend) {
          case 'flat':
            return new FlatDriver(exec, files, { preallocate: options.preallocate ?? false });
          case 'qcow2':
            return new Qcow2Driver(exec, files, { preallocate: options.preallocate ?? false });
          case 'lvm':
            return new LvmDriver(exec, files, { metadataOnly: options.metadataOnly ?? false });
          case 'rbd':
            return new RbdDriver(exec, files);
          case 'ploop':
            return new PloopDriver(exec, files);
        }
      },
      location,
      makeBase: async (name, baseFormat, size, head): Promise<BaseImage> => {
        const path = pathOf(`${BASE}/${name}`);
        cluster.writeFixture('h1', path, { format: baseFormat, virtualSize: size, lead: head });
        return { path, format: baseFormat };
      },
      exportDir: pathOf(EXPORT),
      content: true,
      cleanup: async () => undefined,
    };
  };

describeDiskDriverContract('flat raw on the in-memory host', harness('flat', 'raw'));
describeDiskDriverContract('flat qcow2 on the in-memory host', harness('flat', 'qcow2'));
describeDiskDriverContract('qcow2 overlays on the in-memory host', harness('qcow2', 'qcow2'));
describeDiskDriverContract('flat raw, preallocated, on the in-memory host', harness('flat', 'raw', { preallocate: true }));
describeDiskDriverContract('qcow2 overlays, preallocated, on the in-memory host', harness('qcow2', 'qcow2', { preallocate: true }));
describeDiskDriverContract('lvm on the in-memory host', harness('lvm', 'raw'));
describeDiskDriverContract('lvm metadata-only on the in-memory host', harness('lvm', 'raw', { metadataOnly: true }));
describeDiskDriverContract('rbd on the in-memory host', harness('rbd', 'raw'));
describeDiskDriverContract('ploop on the in-memory host', harness('ploop', 'ploop'));
describeDiskDriverContract('ploop raw on the in-memory host', harness('ploop', 'raw'));

describe('the host drivers over the in-memory host', () => {
  afterAll(() => {
    clusters.length = 0;
  });

  describe('when every contract suite has run', () => {
    it('issued only emulated argvs, and nothing probed or leaked', () => {
      expect(clusters.length).toBeGreaterThan(0);
      for (const c of clusters) {
        expect(c.commands().filter((r) => r.outcome === 'unsupported').map((r) => r.argv)).toEqual([]);
        expect(c.probes()).toEqual([]);
        expect(c.leaks()).toEqual([]);
      }
    });
  });
});

describe('the host base-image cache and template builder over the in-memory host', () => {
  const setUp = () => {
    const cluster = new FakeCluster({ hosts: [{ name: 'h1', secrets: ['/etc/shadow'], directories: [INSTANCES] }] });
    const cache = new HostBaseImageCache(pathOf(INSTANCES), cluster.imageService('h1'), cluster.files('h1'), cluster.executor('h1'), {
      allowVmdk: true,
      inspectLimits: DEFAULT_INSPECT_LIMITS,
    });
    return { cluster, cache, templates: new HostTemplateBuilder(cluster.executor('h1'), cluster.files('h1')) };
  };

  describe('when caching images', () => {
    it.each(['raw', 'qcow2', 'vmdk', 'iso'] as const)('caches a benign %s image in its declared base format, probing nothing', async (fmt) => {
      const { cluster, cache } = setUp();
      cluster.addImage({ id: 'img', diskFormat: fmt, virtualSize: 64 * 1024 * 1024 });
      const r = await cache.ensure(imageIdOf('img'))();
      expect(r).toMatchObject({ right: { base: { format: fmt === 'qcow2' ? 'qcow2' : 'raw' } } });
      // The guest-controlled bytes are opened only under limits: inspected, and (a vmdk) converted with its own.
      const opened = cluster.commands().filter((c) => c.argv[1] === 'info' || c.argv[1] === 'convert').map((c) => [c.argv[1], c.limits]);
      const inspected = ['info', DEFAULT_INSPECT_LIMITS];
      expect(opened).toEqual({ raw: [], iso: [], qcow2: [inspected], vmdk: [inspected, ['convert', DEFAULT_CONVERT_LIMITS]] }[fmt]);
      expect([cluster.probes(), cluster.leaks()]).toEqual([[], []]);
    });

    it.each(HOSTILE_KINDS.flatMap((kind) => (['raw', 'qcow2', 'vmdk'] as const).map((fmt) => [kind, fmt] as const)))('refuses a %s image declared %s, leaking nothing', async (kind, fmt) => {
      const { cluster, cache } = setUp();
      cluster.addImage({ id: 'evil', diskFormat: fmt, virtualSize: 64 * 1024 * 1024, content: kind, target: '/etc/shadow' });
      expect(await cache.ensure(imageIdOf('evil'))()).toMatchObject({ left: { code: 'IMAGE_REJECTED' } });
      expect([cluster.probes(), cluster.leaks()]).toEqual([[], []]);
      expect(cluster.disks().filter((d) => d.secrets.length > 0)).toEqual([]);
    });
  });

  describe('when building templates', () => {
    it.each([
      [{ kind: 'blank' }, /^$/],
      [{ kind: 'filesystem', fsType: 'ext4', label: 'ephemeral0' }, /^fs:ext4:ephemeral0#/],
      [{ kind: 'filesystem', fsType: 'vfat', label: 'EPH0' }, /^fs:vfat:EPH0#/],
      [{ kind: 'swap' }, /^swap#/],
      [{ kind: 'config-drive', files: [{ path: 'openstack/latest/meta_data.json', content: '{}' }] }, /^(iso:config-2#|text:)/],
    ] as const)('builds %j as a raw disk of the stated size', async (func, marker) => {
      const { cluster, templates } = setUp();
      const dest = `${INSTANCES}/vm1/disk.t`;
      cluster.host('h1').fs.mkdirp(`${INSTANCES}/vm1`);
      expect(await templates.build(func, pathOf(dest), byteSizeOf(64 * 1024 * 1024))()).toEqual({ _tag: 'Right', right: undefined });
      const d = cluster.diskAt('h1', fileAt(dest));
      expect(d).toMatchObject({ containerFormat: 'raw', virtualSize: 64 * 1024 * 1024 });
      expect(d?.markers.every((m) => marker.test(m))).toBe(true);
      expect(cluster.host('h1').fs.exists(`${dest}.d`)).toBe(false);
    });
  });
});

describe('file drivers told to preallocate (preallocate_images = space)', () => {
  it.each([
    ['flat', true],
    ['qcow2', true],
    ['flat', false],
  ] as const)('%s with preallocate %s: a disk made from a base gets fallocate -n -l <size> only when told', async (backend, preallocate) => {
    const cluster = new FakeCluster({ hosts: [{ name: 'h1', directories: [INSTANCES, BASE] }] });
    const base = pathOf(`${BASE}/b`);
    cluster.writeFixture('h1', base, { format: 'raw', virtualSize: 1024 * 1024 });
    const files = cluster.files('h1');
    const driver = backend === 'flat' ? new FlatDriver(cluster.executor('h1'), files, { preallocate }) : new Qcow2Driver(cluster.executor('h1'), files, { preallocate });
    const disk = { location: fileAt(`${INSTANCES}/vm/disk`, backend), format: backend === 'flat' ? ('raw' as const) : ('qcow2' as const) };
    expect(E.isRight(await driver.createFromBase(disk, { path: base, format: 'raw' }, byteSizeOf(4 * 1024 * 1024))())).toBe(true);
    const fallocates = cluster.commands().filter((c) => c.argv[0] === 'fallocate').map((c) => c.argv.join(' '));
    expect(fallocates).toEqual(preallocate ? [`fallocate -n -l ${4 * 1024 * 1024} ${INSTANCES}/vm/disk`] : []);
  });

  it.each([true, false])('with preallocate %s: a grown disk is allocated to its new size only when told, not left at its old one', async (preallocate) => {
    const cluster = new FakeCluster({ hosts: [{ name: 'h1', directories: [INSTANCES] }] });
    const driver = new FlatDriver(cluster.executor('h1'), cluster.files('h1'), { preallocate });
    const disk = { location: fileAt(`${INSTANCES}/vm/disk`, 'flat'), format: 'raw' as const };
    expect(E.isRight(await driver.createBlank(disk, byteSizeOf(4 * 1024 * 1024))())).toBe(true);
    expect(E.isRight(await driver.resize(disk, byteSizeOf(8 * 1024 * 1024))())).toBe(true);
    const fallocates = cluster.commands().filter((c) => c.argv[0] === 'fallocate').map((c) => c.argv.join(' '));
    expect(fallocates).toEqual(preallocate ? [`fallocate -n -l ${8 * 1024 * 1024} ${INSTANCES}/vm/disk`] : []);
  });
});
