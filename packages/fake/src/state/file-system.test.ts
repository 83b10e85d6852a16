import { describe, expect, it } from 'vitest';
import { rawVolume } from '../content/volume.js';
import { FakeFileSystem, normalizePath, resolvePath } from './file-system.js';

describe('FakeFileSystem', () => {
  describe('when normalising paths', () => {
    it('resolves //, . and .. lexically, and refuses relative paths', () => {
      expect(normalizePath('/var//lib/./nova/../x/')).toBe('/var/lib/x');
      expect(normalizePath('/../../etc/shadow')).toBe('/etc/shadow');
      expect(normalizePath('etc/shadow')).toBeNull();
      expect(resolvePath('/var/lib/nova/instances/vm1', '../../../../../etc/shadow')).toBe('/etc/shadow');
    });
  });

  describe('when renaming a directory', () => {
    it('moves its whole tree and refuses to move it into itself or over a non-empty directory', () => {
      const fs = new FakeFileSystem();
      fs.mkdirp('/a/b');
      fs.writeFile('/a/b/f', rawVolume(1));
      fs.mkdirp('/c/d');
      expect(fs.rename('/a', '/a/b/x')).toEqual({ ok: false, failure: { code: 'EINVAL', path: '/a/b/x' } });
      expect(fs.rename('/a', '/c')).toEqual({ ok: false, failure: { code: 'ENOTEMPTY', path: '/c' } });
      expect(fs.rename('/a', '/z')).toEqual({ ok: true, value: undefined });
      expect([...fs.files()].map(([p]) => p)).toEqual(['/z/b/f']);
      expect(fs.list('/')).toEqual({ ok: true, value: ['c', 'z'] });
    });
  });

  describe('when writing', () => {
    it('needs the directory, refuses a directory as a file, and honours create-only', () => {
      const fs = new FakeFileSystem();
      expect(fs.writeFile('/no/f', rawVolume(1))).toMatchObject({ ok: false, failure: { code: 'ENOENT' } });
      fs.mkdirp('/d');
      expect(fs.writeFile('/d', rawVolume(1))).toMatchObject({ ok: false, failure: { code: 'EISDIR' } });
      fs.writeFile('/d/f', rawVolume(1));
      expect(fs.writeFile('/d/f', rawVolume(2), 'create')).toMatchObject({ ok: false, failure: { code: 'EEXIST' } });
      expect(fs.mkdirp('/d/f/g')).toMatchObject({ ok: false, failure: { code: 'ENOTDIR' } });
      expect(fs.remove('/')).toMatchObject({ ok: false, failure: { code: 'EINVAL' } });
    });
  });
});
