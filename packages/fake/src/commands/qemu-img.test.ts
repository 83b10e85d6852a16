import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../fake-cluster.js';
import { DIR, GiB, MiB, fails, failure, fileAt, lvAt, ok, rbdAt, run, standardHosts } from '../testing/run-command.js';

const cluster = (): FakeCluster => new FakeCluster(standardHosts);
const disk = `${DIR}/disk`;

describe('emulated qemu-img', () => {
  describe('when creating a blank disk', () => {
    it('creates a raw file of the size and prints what qemu-img prints', async () => {
      const c = cluster();
      const out = await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      expect(out).toBe(`Formatting '${disk}', fmt=raw size=${GiB}\n`);
      expect(c.diskAt('h1', fileAt(disk))).toMatchObject({ containerFormat: 'raw', virtualSize: GiB, length: GiB, markers: [] });
    });

    it('creates a preallocated disk with -o preallocation=falloc', async () => {
      const c = cluster();
      const out = await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-o', 'preallocation=falloc', disk, String(GiB)]);
      expect(out).toContain('preallocation=falloc');
      expect(c.diskAt('h1', fileAt(disk))).toMatchObject({ containerFormat: 'qcow2', virtualSize: GiB });
    });

    it('creates qcow2, parallels and vmdk containers', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', `${DIR}/a`, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'parallels', `${DIR}/b`, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'vmdk', `${DIR}/c`, String(GiB)]);
      expect(['a', 'b', 'c'].map((n) => c.diskAt('h1', fileAt(`${DIR}/${n}`))?.containerFormat)).toEqual(['qcow2', 'parallels', 'vmdk']);
    });

    it('rounds a size up to whole sectors, as qemu-img 7.2 does for raw and qcow2, creating and growing a raw file', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', disk, '1000']);
      expect(c.diskAt('h1', fileAt(disk))).toMatchObject({ virtualSize: 1024 });
      const raw = `${disk}.raw`;
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', raw, '1000']);
      await ok(c, 'h1', ['qemu-img', 'resize', '-f', 'raw', raw, '5000']);
      expect(c.diskAt('h1', fileAt(raw))).toMatchObject({ virtualSize: 5120 });
      expect(failure(await fails(c, 'h1', ['qemu-img', 'resize', '-f', 'qcow2', disk, '5000'])).stderr).toContain('multiple of 512');
    });

    it('fails like qemu-img when the directory is missing or the size is bad', async () => {
      const c = cluster();
      expect(failure(await fails(c, 'h1', ['qemu-img', 'create', '-f', 'raw', '/nowhere/disk', '1024']))).toEqual({
        tag: 'CommandFailed',
        exitCode: 1,
        stderr: "qemu-img: /nowhere/disk: Could not create '/nowhere/disk': No such file or directory\n",
      });
      expect(failure(await fails(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, 'lots'])).stderr).toContain('Invalid image size specified');
    });
  });

  describe('when creating an overlay', () => {
    it('stores the backing format named with -F and probes nothing', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/base`, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', `${DIR}/base`, '-F', 'raw', disk, String(2 * GiB)]);
      expect(c.diskAt('h1', fileAt(disk))).toMatchObject({ containerFormat: 'qcow2', virtualSize: 2 * GiB, backing: { path: `${DIR}/base`, format: 'raw' } });
      expect(c.probes()).toEqual([]);
    });

    it('records a probe when -F is left out, and stores no backing format', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/base`, String(GiB)]);
      c.setStep('overlay');
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', `${DIR}/base`, disk]);
      expect(c.probes()).toEqual([expect.objectContaining({ host: 'h1', step: 'overlay', image: `${DIR}/base`, detected: 'raw' })]);
      expect(c.diskAt('h1', fileAt(disk))).toMatchObject({ virtualSize: GiB, backing: { path: `${DIR}/base`, format: null } });
    });

    it('fails when the backing file is missing or is not of the named format', async () => {
      const c = cluster();
      expect(failure(await fails(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', '/no/base', '-F', 'raw', disk, String(GiB)])).stderr).toContain(
        "Could not open '/no/base': No such file or directory",
      );
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/base`, String(GiB)]);
      expect(failure(await fails(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', `${DIR}/base`, '-F', 'qcow2', disk, String(GiB)])).stderr).toContain(
        'Image is not in qcow2 format',
      );
    });
  });

  describe('when converting', () => {
    it('copies what a guest sees into a new file of the output format', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      const w = c.guestWrite('h1', fileAt(disk), 'raw', { kind: 'benign' });
      if (!w.ok) throw new Error(w.message);
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', disk, `${DIR}/copy`]);
      expect(c.diskAt('h1', fileAt(`${DIR}/copy`))).toMatchObject({ containerFormat: 'qcow2', virtualSize: GiB, markers: [w.marker] });
    });

    it('writes into an existing LV with -n, and fails when the LV is too small', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', disk, String(GiB)]);
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'vm1_disk', 'vg0']);
      await ok(c, 'h1', ['qemu-img', 'convert', '-n', '-f', 'qcow2', '-O', 'raw', disk, '/dev/vg0/vm1_disk']);
      expect(c.diskAt('h1', lvAt('vg0', 'vm1_disk'))).toMatchObject({ containerFormat: 'raw', length: GiB });
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${4 * MiB}b`, '-n', 'small', 'vg0']);
      expect(failure(await fails(c, 'h1', ['qemu-img', 'convert', '-n', '-f', 'qcow2', '-O', 'raw', disk, '/dev/vg0/small'])).stderr).toContain(
        'No space left on device',
      );
    });

    it('creates an RBD image, visible from every host naming the pool, and refuses an existing one', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', disk, 'rbd:pool0/vm1_disk']);
      expect(JSON.parse(await ok(c, 'h2', ['rbd', 'info', '--format', 'json', 'pool0/vm1_disk']))).toMatchObject({ name: 'vm1_disk', size: GiB });
      expect(c.diskAt('h2', rbdAt('pool0', 'vm1_disk'))).toMatchObject({ host: null, location: 'pool0/vm1_disk' });
      expect(failure(await fails(c, 'h1', ['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', disk, 'rbd:pool0/vm1_disk'])).stderr).toContain('File exists');
    });

    it('fails like qemu-img when the source is missing', async () => {
      const e = failure(await fails(cluster(), 'h1', ['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', '/missing', `${DIR}/copy`]));
      expect(e).toEqual({ tag: 'CommandFailed', exitCode: 1, stderr: "qemu-img: Could not open '/missing': Could not open '/missing': No such file or directory\n" });
    });
  });

  describe('when resizing', () => {
    it('grows a raw file and a qcow2 image by their named formats', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/r`, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', `${DIR}/q`, String(GiB)]);
      expect(await ok(c, 'h1', ['qemu-img', 'resize', '-f', 'raw', `${DIR}/r`, String(2 * GiB)])).toBe('Image resized.\n');
      await ok(c, 'h1', ['qemu-img', 'resize', '-f', 'qcow2', `${DIR}/q`, String(3 * GiB)]);
      expect(c.diskAt('h1', fileAt(`${DIR}/r`))?.virtualSize).toBe(2 * GiB);
      expect(c.diskAt('h1', fileAt(`${DIR}/q`))?.virtualSize).toBe(3 * GiB);
    });

    it('refuses to shrink and cannot grow a device', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      expect(failure(await fails(c, 'h1', ['qemu-img', 'resize', '-f', 'raw', disk, String(MiB)])).stderr).toContain('Use the --shrink option');
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'lv', 'vg0']);
      expect(failure(await fails(c, 'h1', ['qemu-img', 'resize', '-f', 'raw', '/dev/vg0/lv', String(2 * GiB)])).stderr).toBe('qemu-img: Cannot grow device files\n');
    });
  });

  describe('when inspecting', () => {
    it('prints qemu-img 7.2 JSON for a qcow2 overlay', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/base`, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', `${DIR}/base`, '-F', 'raw', disk, String(GiB)]);
      const info: unknown = JSON.parse(await ok(c, 'h1', ['qemu-img', 'info', '-f', 'qcow2', '--output=json', disk]));
      expect(info).toEqual({
        'backing-filename-format': 'raw',
        'virtual-size': GiB,
        filename: disk,
        'cluster-size': 65536,
        format: 'qcow2',
        'actual-size': 196608,
        'format-specific': {
          type: 'qcow2',
          data: { compat: '1.1', 'compression-type': 'zlib', 'lazy-refcounts': false, 'refcount-bits': 16, corrupt: false, 'extended-l2': false },
        },
        'full-backing-filename': `${DIR}/base`,
        'backing-filename': `${DIR}/base`,
        'dirty-flag': false,
      });
      expect(c.probes()).toEqual([]);
    });

    it('reads an image as the named format, whatever its bytes are', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', disk, String(GiB)]);
      expect(JSON.parse(await ok(c, 'h1', ['qemu-img', 'info', '-f', 'raw', '--output=json', disk]))).toMatchObject({ format: 'raw', 'virtual-size': 196608 });
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/r`, String(GiB)]);
      expect(failure(await fails(c, 'h1', ['qemu-img', 'info', '-f', 'qcow2', '--output=json', `${DIR}/r`])).stderr).toBe(
        `qemu-img: Could not open '${DIR}/r': Image is not in qcow2 format\n`,
      );
    });

    it('reads info of LVs and RBD images through their qemu paths', async () => {
      const c = cluster();
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'lv', 'vg0']);
      await ok(c, 'h1', ['rbd', 'create', '--size', `${GiB}B`, 'pool0/img']);
      expect(JSON.parse(await ok(c, 'h1', ['qemu-img', 'info', '-f', 'raw', '--output=json', '/dev/vg0/lv']))).toMatchObject({ 'virtual-size': GiB });
      expect(JSON.parse(await ok(c, 'h1', ['qemu-img', 'info', '-f', 'raw', '--output=json', 'rbd:pool0/img']))).toMatchObject({ 'virtual-size': GiB });
    });

    it('prints the human form without --output=json', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      expect(await ok(c, 'h1', ['qemu-img', 'info', '-f', 'raw', disk])).toContain(`virtual size: 1 GiB (${GiB} bytes)`);
    });
  });

  describe('when the argv is not one of docs/commands.md', () => {
    it.each([
      [['qemu-img', 'check', disk]],
      [['qemu-img', 'create', disk, '1024']],
      [['qemu-img', 'create', '-f', 'raw', disk]],
      [['qemu-img', 'create', '-f', 'vpc', disk, '1024']],
      [['qemu-img', 'create', '-f', 'raw', '-o', 'preallocation=full', disk, '1024']],
      [['qemu-img', 'create', '-f', 'qcow2', '-F', 'raw', disk, '1024']],
      [['qemu-img', 'create', '-f', 'raw', 'relative/disk', '1024']],
      [['qemu-img', 'convert', '-f', 'raw', disk, `${DIR}/copy`]],
      [['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', '-c', disk, `${DIR}/copy`]],
      [['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', disk]],
      [['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', disk, 'nbd:localhost:10809']],
      [['qemu-img', 'resize', '--shrink', '-f', 'raw', disk, '1024']],
      [['qemu-img', 'resize', '-f', 'raw', disk, '+1G']],
      [['qemu-img', 'info', '-f', 'raw', '--output=yaml', disk]],
      [['qemu-img', 'info', '-f', 'raw', '-f', 'raw', disk]],
      [['qemu-img', 'info', '-f']],
      [['qemu-img']],
    ] as const)('answers %j with COMMAND_UNSUPPORTED', async (argv) => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, '1024']);
      const e = await fails(c, 'h1', argv);
      expect(e).toMatchObject({ _tag: 'CommandUnsupported', code: 'COMMAND_UNSUPPORTED', argv });
    });
  });

  describe('when a format is left out (the probing variants)', () => {
    it.each([
      ['info', ['qemu-img', 'info', disk]],
      ['info --output=json', ['qemu-img', 'info', '--output=json', disk]],
      ['convert', ['qemu-img', 'convert', '-O', 'raw', disk, `${DIR}/copy`]],
      ['resize', ['qemu-img', 'resize', disk, String(2 * GiB)]],
      ['create -b without -F', ['qemu-img', 'create', '-f', 'qcow2', '-b', disk, `${DIR}/overlay`]],
    ] as const)('records %s as a probe with its argv, host and step', async (_name, argv) => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      c.setStep(7);
      await ok(c, 'h1', argv);
      expect(c.probes()).toEqual([{ seq: 2, host: 'h1', step: 7, argv, image: disk, detected: 'raw' }]);
    });

    it('answers the probing variants with the same output as the named ones', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(GiB)]);
      const named = await run(c, 'h1', ['qemu-img', 'info', '-f', 'raw', '--output=json', disk]);
      const probed = await run(c, 'h1', ['qemu-img', 'info', '--output=json', disk]);
      expect(probed).toEqual(named);
    });
  });
});
