import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../fake-cluster.js';
import { DIR, GiB, fails, failure, fileAt, ok, standardHosts } from '../testing/run-command.js';
import { parseDescriptor } from './ploop-descriptor.js';

const dir = `${DIR}/root`;
const image = `${dir}/root.hds`;
const descriptor = `${dir}/DiskDescriptor.xml`;
const kib = (bytes: number): string => `${bytes / 1024}K`;

const withDir = (): FakeCluster => {
  const c = new FakeCluster(standardHosts);
  c.host('h1').fs.mkdirp(dir);
  return c;
};

const descriptorOf = (c: FakeCluster) => parseDescriptor(c.host('h1').fs.file(descriptor)?.text ?? '');

describe('emulated ploop', () => {
  describe('when initialising a disk', () => {
    it('makes a ploop1 root.hds (qemu format parallels) and its descriptor', async () => {
      const c = withDir();
      await ok(c, 'h1', ['ploop', 'init', '-s', kib(GiB), '-f', 'ploop1', '-t', 'none', image]);
      expect(c.diskAt('h1', fileAt(dir, 'ploop'))).toMatchObject({ containerFormat: 'parallels', virtualSize: GiB });
      expect(descriptorOf(c)).toEqual({ sizeBytes: GiB, image: 'root.hds', raw: false });
      expect(JSON.parse(await ok(c, 'h1', ['qemu-img', 'info', '-f', 'parallels', '--output=json', image]))).toMatchObject({ format: 'parallels', 'virtual-size': GiB });
    });

    it('takes data with qemu-img convert -n -O parallels', async () => {
      const c = withDir();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/src`, String(GiB)]);
      const w = c.guestWrite('h1', fileAt(`${DIR}/src`), 'raw', { kind: 'benign' });
      await ok(c, 'h1', ['ploop', 'init', '-s', kib(GiB), '-f', 'ploop1', '-t', 'none', image]);
      await ok(c, 'h1', ['qemu-img', 'convert', '-n', '-f', 'raw', '-O', 'parallels', `${DIR}/src`, image]);
      const view = c.guestView('h1', fileAt(dir, 'ploop'), 'ploop');
      expect(view.ok && view.view.markers).toEqual([w.ok ? w.marker : '']);
    });

    it('fails when the directory is missing or the image exists', async () => {
      const c = withDir();
      expect(failure(await fails(c, 'h1', ['ploop', 'init', '-s', '1024K', '-f', 'ploop1', '-t', 'none', '/nowhere/root.hds'])).exitCode).toBe(1);
      await ok(c, 'h1', ['ploop', 'init', '-s', '1024K', '-f', 'ploop1', '-t', 'none', image]);
      expect(failure(await fails(c, 'h1', ['ploop', 'init', '-s', '1024K', '-f', 'ploop1', '-t', 'none', image])).stderr).toContain('File exists');
    });
  });

  describe('when restoring a descriptor', () => {
    it('describes a raw root.hds with -f raw', async () => {
      const c = withDir();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', image, String(GiB)]);
      await ok(c, 'h1', ['ploop', 'restore-descriptor', '-f', 'raw', dir, image]);
      expect(descriptorOf(c)).toEqual({ sizeBytes: GiB, image: 'root.hds', raw: true });
    });

    it('describes a ploop1 image without -f, refuses a raw one and an existing descriptor', async () => {
      const c = withDir();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', image, String(GiB)]);
      expect(failure(await fails(c, 'h1', ['ploop', 'restore-descriptor', dir, image])).exitCode).toBe(11);
      await ok(c, 'h1', ['ploop', 'restore-descriptor', '-f', 'raw', dir, image]);
      expect(failure(await fails(c, 'h1', ['ploop', 'restore-descriptor', '-f', 'raw', dir, image])).stderr).toContain('already exists');
    });
  });

  describe('when resizing', () => {
    it('grows the image and the descriptor, ploop1 or raw', async () => {
      const c = withDir();
      await ok(c, 'h1', ['ploop', 'init', '-s', kib(GiB), '-f', 'ploop1', '-t', 'none', image]);
      await ok(c, 'h1', ['ploop', 'resize', '-s', kib(2 * GiB), descriptor]);
      expect(c.diskAt('h1', fileAt(dir, 'ploop'))?.virtualSize).toBe(2 * GiB);
      expect(descriptorOf(c)?.sizeBytes).toBe(2 * GiB);
      const r = withDir();
      await ok(r, 'h1', ['qemu-img', 'create', '-f', 'raw', image, String(GiB)]);
      await ok(r, 'h1', ['ploop', 'restore-descriptor', '-f', 'raw', dir, image]);
      await ok(r, 'h1', ['ploop', 'resize', '-s', kib(3 * GiB), descriptor]);
      expect(r.diskAt('h1', fileAt(dir, 'ploop'))).toMatchObject({ containerFormat: 'raw', virtualSize: 3 * GiB });
    });

    it('refuses to shrink and needs a descriptor', async () => {
      const c = withDir();
      expect(failure(await fails(c, 'h1', ['ploop', 'resize', '-s', '1024K', descriptor])).stderr).toContain('No such file');
      await ok(c, 'h1', ['ploop', 'init', '-s', kib(GiB), '-f', 'ploop1', '-t', 'none', image]);
      expect(failure(await fails(c, 'h1', ['ploop', 'resize', '-s', '1024K', descriptor])).stderr).toContain('less than the current size');
    });
  });

  describe('when the argv is not one of docs/commands.md', () => {
    it.each([
      [['ploop', 'init', '-s', '1G', '-f', 'ploop1', '-t', 'none', image]],
      [['ploop', 'init', '-s', '1024K', '-f', 'expanded', '-t', 'none', image]],
      [['ploop', 'init', '-s', '1024K', '-f', 'ploop1', '-t', 'ext4', image]],
      [['ploop', 'restore-descriptor', '-f', 'qcow2', dir, image]],
      [['ploop', 'mount', descriptor]],
    ] as const)('answers %j with COMMAND_UNSUPPORTED', async (argv) => {
      expect(await fails(withDir(), 'h1', argv)).toMatchObject({ _tag: 'CommandUnsupported' });
    });
  });
});
