import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../fake-cluster.js';
import { DIR, MiB, fails, failure, fileAt, ok, pathOf, standardHosts } from '../testing/run-command.js';

const disk = `${DIR}/disk.eph0`;
const iso = `${DIR}/disk.config`;
const ISO_ARGV = ['genisoimage', '-o', iso, '-ldots', '-allow-lowercase', '-allow-multidot', '-l', '-publisher', 'disk-ledger', '-quiet', '-J', '-r', '-V', 'config-2', `${iso}.d`] as const;

const withBlank = async (): Promise<FakeCluster> => {
  const c = new FakeCluster(standardHosts);
  await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', disk, String(64 * MiB)]);
  return c;
};

describe('emulated template tools', () => {
  describe('when formatting a file system', () => {
    it.each([
      [['mkfs', '-t', 'ext4', '-F', '-L', 'ephemeral0', disk], 'fs:ext4:ephemeral0'],
      [['mkfs', '-t', 'ext3', '-F', '-L', 'ephemeral0', disk], 'fs:ext3:ephemeral0'],
      [['mkfs', '-t', 'vfat', '-n', 'EPHEMERAL0', disk], 'fs:vfat:EPHEMERAL0'],
    ] as const)('%j leaves a raw disk holding the file system', async (argv, prefix) => {
      const c = await withBlank();
      await ok(c, 'h1', argv);
      const d = c.diskAt('h1', fileAt(disk));
      expect(d).toMatchObject({ containerFormat: 'raw', length: 64 * MiB });
      expect(d?.markers[0]).toMatch(new RegExp(`^${prefix}#`));
    });

    it('fails on a missing disk and on a vfat label over 11 characters', async () => {
      const c = await withBlank();
      expect(failure(await fails(c, 'h1', ['mkfs', '-t', 'ext4', '-F', '-L', 'x', `${DIR}/nope`])).exitCode).toBe(1);
      expect(failure(await fails(c, 'h1', ['mkfs', '-t', 'vfat', '-n', 'TWELVE_CHARS', disk])).stderr).toContain('no longer than 11');
    });

    it('refuses an ext file system under 104 KiB, as mke2fs 1.47 does', async () => {
      const c = await withBlank();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/small`, String(100 * 1024)]);
      expect(failure(await fails(c, 'h1', ['mkfs', '-t', 'ext4', '-F', '-L', 'e', `${DIR}/small`])).stderr).toContain('Filesystem too small for a journal');
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/enough`, String(104 * 1024)]);
      await ok(c, 'h1', ['mkfs', '-t', 'ext3', '-F', '-L', 'e', `${DIR}/enough`]);
    });
  });

  describe('when making swap', () => {
    it('formats the disk as swap, and refuses one under 40 KiB', async () => {
      const c = await withBlank();
      expect(await ok(c, 'h1', ['mkswap', disk])).toContain('Setting up swapspace version 1');
      expect(c.diskAt('h1', fileAt(disk))?.markers[0]).toMatch(/^swap#/);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/tiny`, '4096']);
      expect(failure(await fails(c, 'h1', ['mkswap', `${DIR}/tiny`])).stderr).toContain('at least 40 KiB');
    });
  });

  describe('when preallocating a disk (fallocate -n -l)', () => {
    it('keeps the file as it was, fails on a missing file and a bad length, and emulates no other form', async () => {
      const c = await withBlank();
      const before = c.diskAt('h1', fileAt(disk));
      await ok(c, 'h1', ['fallocate', '-n', '-l', String(64 * MiB), disk]);
      expect(c.diskAt('h1', fileAt(disk))).toEqual(before);
      expect(failure(await fails(c, 'h1', ['fallocate', '-n', '-l', '1024', `${DIR}/nope`])).stderr).toContain('No such file or directory');
      expect(failure(await fails(c, 'h1', ['fallocate', '-n', '-l', '1G', disk])).stderr).toContain('invalid length');
      expect((await c.executor('h1').run({ argv: ['fallocate', '-l', '1024', disk] })())._tag).toBe('Left');
    });
  });

  describe('when building a config drive', () => {
    it('reads the staged files through the file system and keeps their content', async () => {
      const c = new FakeCluster(standardHosts);
      const files = c.files('h1');
      await files.mkdirp(pathOf(`${iso}.d/openstack/latest`))();
      await files.writeTextAtomic(pathOf(`${iso}.d/openstack/latest/meta_data.json`), '{"uuid":"vm1"}')();
      await ok(c, 'h1', ISO_ARGV);
      await ok(c, 'h1', ['qemu-img', 'resize', '-f', 'raw', iso, String(64 * MiB)]);
      const d = c.diskAt('h1', fileAt(iso));
      expect(d).toMatchObject({ containerFormat: 'raw', virtualSize: 64 * MiB });
      expect(d?.markers.some((m) => m.startsWith('text:'))).toBe(true);
      expect(d?.markers.some((m) => m.startsWith('iso:config-2#'))).toBe(true);
    });

    it('carries a staged secret into the drive, where the guest sees it', async () => {
      const c = new FakeCluster(standardHosts);
      const files = c.files('h1');
      await files.mkdirp(pathOf(`${iso}.d`))();
      const secret = await files.readText(pathOf('/etc/shadow'))();
      if (secret._tag === 'Left') throw new Error(secret.left.message);
      await files.writeTextAtomic(pathOf(`${iso}.d/user_data`), secret.right)();
      await ok(c, 'h1', ISO_ARGV);
      expect(c.diskAt('h1', fileAt(iso))?.secrets).toHaveLength(1);
    });

    it('fails when the staging directory is missing', async () => {
      expect(failure(await fails(new FakeCluster(standardHosts), 'h1', ISO_ARGV)).stderr).toContain('Invalid node');
    });

    it('answers other options with COMMAND_UNSUPPORTED', async () => {
      const argv = ['genisoimage', '-o', iso, '-R', `${iso}.d`] as const;
      expect(await fails(new FakeCluster(standardHosts), 'h1', argv)).toMatchObject({ _tag: 'CommandUnsupported' });
    });
  });
});
