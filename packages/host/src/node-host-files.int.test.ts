import * as fs from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostPath } from '@disk-ledger/domain';
import { NodeHostFiles } from './node-host-files.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { tempDir } from './testing/real-host.js';

describe('NodeHostFiles', () => {
  const files = new NodeHostFiles();
  let dir: HostPath;
  const at = (name: string): HostPath => `${dir}/${name}` as HostPath;

  beforeAll(async () => {
    dir = await tempDir('files');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  describe('when writing text atomically', () => {
    it('replaces the file whole and leaves no temporary file', async () => {
      await expectRight(files.writeTextAtomic(at('a.txt'), 'one'));
      await expectRight(files.writeTextAtomic(at('a.txt'), 'two'));
      expect(await expectRight(files.readText(at('a.txt')))).toBe('two');
      expect((await fs.readdir(dir)).filter((n) => n.startsWith('a.txt'))).toEqual(['a.txt']);
    });
    it('fails with FS_NOT_FOUND when the directory is missing, leaving nothing', async () => {
      await expectLeft(files.writeTextAtomic(at('missing/a.txt'), 'x'), 'FS_NOT_FOUND');
    });
  });

  describe('when reading', () => {
    it('reads a missing file as FS_NOT_FOUND', async () => {
      const e = await expectLeft(files.readText(at('nope')), 'FS_NOT_FOUND');
      expect(e).toMatchObject({ _tag: 'FileSystemError', path: at('nope') });
    });
    it('reads at most N leading bytes', async () => {
      await fs.writeFile(at('head.bin'), Buffer.from([1, 2, 3, 4, 5, 6]));
      expect([...(await expectRight(files.readHead(at('head.bin'), 4)))]).toEqual([1, 2, 3, 4]);
      expect([...(await expectRight(files.readHead(at('head.bin'), 100)))]).toEqual([1, 2, 3, 4, 5, 6]);
      expect([...(await expectRight(files.readHead(at('head.bin'), 0)))]).toEqual([]);
    });
    it('sizes a regular file, and refuses a symlink (even to a file), a directory or a missing path', async () => {
      await fs.writeFile(at('sized.bin'), Buffer.alloc(1536));
      expect(await expectRight(files.fileSize(at('sized.bin')))).toBe(1536);
      await fs.symlink(at('sized.bin'), at('link-to-sized'));
      expect((await expectLeft(files.fileSize(at('link-to-sized')), 'FS_ERROR')).message).toContain('symbolic link');
      expect((await expectLeft(files.fileSize(dir), 'FS_ERROR')).message).toContain('directory');
      await expectLeft(files.fileSize(at('nope')), 'FS_NOT_FOUND');
    });
    it('tells a file, a file with other names, a directory, a symlink (not followed) and nothing apart', async () => {
      await fs.writeFile(at('kind.bin'), '');
      await fs.symlink(dir, at('link-to-dir'));
      expect(await expectRight(files.entryKind(at('kind.bin')))).toBe('file');
      await fs.writeFile(at('shared.bin'), 'x');
      await fs.link(at('shared.bin'), at('other-name.bin'));
      expect(await expectRight(files.entryKind(at('shared.bin')))).toBe('linked');
      expect(await expectRight(files.entryKind(at('other-name.bin')))).toBe('linked');
      // A raw cache entry's size is read whatever its links.
      expect(await expectRight(files.fileSize(at('other-name.bin')))).toBe(1);
      await fs.rm(at('other-name.bin'));
      expect(await expectRight(files.entryKind(at('shared.bin')))).toBe('file');
      expect(await expectRight(files.entryKind(dir))).toBe('directory');
      expect(await expectRight(files.entryKind(at('link-to-dir')))).toBe('symlink');
      expect(await expectRight(files.entryKind(at('nope')))).toBeNull();
    });
    it('refuses a head length that is negative, fractional or huge', async () => {
      for (const n of [-1, 1.5, Number.NaN, 2 ** 40]) await expectLeft(files.readHead(at('head.bin'), n), 'FS_ERROR');
    });
  });

  describe('when checking and listing', () => {
    it('sees files, directories and dangling symlinks as existing', async () => {
      await fs.symlink(at('nowhere'), at('dangling'));
      expect(await expectRight(files.exists(at('dangling')))).toBe(true);
      expect(await expectRight(files.exists(dir))).toBe(true);
      expect(await expectRight(files.exists(at('nowhere')))).toBe(false);
    });
    it('lists a directory sorted, and a missing one as FS_NOT_FOUND', async () => {
      await expectRight(files.mkdirp(at('l/x/y')));
      await expectRight(files.mkdirp(at('l/x/y')));
      await fs.writeFile(at('l/b'), '');
      expect(await expectRight(files.list(at('l')))).toEqual(['b', 'x']);
      await expectLeft(files.list(at('l/none')), 'FS_NOT_FOUND');
    });
  });

  describe('when renaming and removing', () => {
    it('renames over an existing target', async () => {
      await fs.writeFile(at('from'), 'new');
      await fs.writeFile(at('to'), 'old');
      await expectRight(files.rename(at('from'), at('to')));
      expect(await fs.readFile(at('to'), 'utf8')).toBe('new');
    });
    it("replaces a regular file with another, which takes the target's permission bits (and owner)", async () => {
      await fs.writeFile(at('disk.copy'), 'grown');
      await fs.chmod(at('disk.copy'), 0o644);
      await fs.writeFile(at('disk'), 'old');
      await fs.chmod(at('disk'), 0o600);
      const before = await fs.stat(at('disk'));
      await expectRight(files.replace(at('disk.copy'), at('disk')));
      const after = await fs.stat(at('disk'));
      expect(await fs.readFile(at('disk'), 'utf8')).toBe('grown');
      expect([after.mode & 0o7777, after.uid, after.gid]).toEqual([0o600, before.uid, before.gid]);
      expect(await expectRight(files.exists(at('disk.copy')))).toBe(false);
    });
    it('refuses to replace what is not a regular file (a symlink, a directory) or nothing, leaving the copy', async () => {
      await fs.writeFile(at('copy'), 'x');
      await fs.symlink(at('copy'), at('link'));
      await fs.mkdir(at('dir'));
      await expectLeft(files.replace(at('copy'), at('link')), 'FS_ERROR');
      await expectLeft(files.replace(at('copy'), at('dir')), 'FS_ERROR');
      await expectLeft(files.replace(at('copy'), at('nothing')), 'FS_NOT_FOUND');
      expect(await fs.readFile(at('copy'), 'utf8')).toBe('x');
      expect((await fs.lstat(at('link'))).isSymbolicLink()).toBe(true);
    });
    it('removes a tree, and succeeds when nothing is there', async () => {
      await expectRight(files.mkdirp(at('tree/a/b')));
      await fs.writeFile(at('tree/a/b/f'), 'x');
      await expectRight(files.remove(at('tree')));
      expect(await expectRight(files.exists(at('tree')))).toBe(false);
      await expectRight(files.remove(at('tree')));
    });
  });

  describe('when a path is unsafe', () => {
    const unsafe = ['relative', '/a/../etc/passwd', '/a/./b', '/a/b c', '/a/b;rm', '/a/b\0', '/a//b', '', `/${'x'.repeat(300)}`];
    it('refuses it with FS_ERROR for every operation, touching nothing', async () => {
      for (const p of unsafe as HostPath[]) {
        const results = await Promise.all([
          files.exists(p)(), files.mkdirp(p)(), files.readText(p)(), files.writeTextAtomic(p, 'x')(),
          files.readHead(p, 4)(), files.rename(at('head.bin'), p)(), files.replace(at('head.bin'), p)(), files.remove(p)(), files.list(p)(), files.fileSize(p)(), files.entryKind(p)(),
        ]);
        for (const r of results) expect(E.isLeft(r) && r.left.code).toBe('FS_ERROR');
      }
      expect(await expectRight(files.exists(at('head.bin')))).toBe(true);
    });
  });
});
