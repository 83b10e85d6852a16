import { hostileBytes, qcow2Header } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FakeCluster } from './fake-cluster.js';
import { HostDown } from './state/faults.js';
import { DIR, GiB, fileAt, ok, pathOf, standardHosts } from './testing/run-command.js';

const setup = () => {
  const c = new FakeCluster(standardHosts);
  return { c, files: c.files('h1') };
};

describe('FakeHostFiles', () => {
  describe('when managing directories and text files', () => {
    it('creates, lists, reads, renames and removes', async () => {
      const { files } = setup();
      expect(await files.mkdirp(pathOf('/a/b/c'))()).toEqual(E.right(undefined));
      expect(await files.writeTextAtomic(pathOf('/a/b/c/disk.info'), '{"x":1}')()).toEqual(E.right(undefined));
      expect(await files.list(pathOf('/a/b'))()).toEqual(E.right(['c']));
      expect(await files.readText(pathOf('/a/b/c/disk.info'))()).toEqual(E.right('{"x":1}'));
      expect(await files.rename(pathOf('/a/b'), pathOf('/a/z'))()).toEqual(E.right(undefined));
      expect(await files.exists(pathOf('/a/z/c/disk.info'))()).toEqual(E.right(true));
      expect(await files.exists(pathOf('/a/b/c/disk.info'))()).toEqual(E.right(false));
      expect(await files.remove(pathOf('/a'))()).toEqual(E.right(undefined));
      expect(await files.remove(pathOf('/a'))()).toEqual(E.right(undefined));
      expect(await files.exists(pathOf('/a/z'))()).toEqual(E.right(false));
    });

    it('sees the files the emulated commands make, and the reverse', async () => {
      const { c, files } = setup();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/disk`, String(GiB)]);
      expect(await files.exists(pathOf(`${DIR}/disk`))()).toEqual(E.right(true));
      await files.remove(pathOf(`${DIR}/disk`))();
      expect(c.diskAt('h1', fileAt(`${DIR}/disk`))).toBeNull();
    });
  });

  describe('when an operation fails', () => {
    it('maps a missing file to FS_NOT_FOUND, an existing one to FS_EXISTS, the rest to FS_ERROR', async () => {
      const { files } = setup();
      expect(await files.readText(pathOf('/nope'))()).toMatchObject({ left: { _tag: 'FileSystemError', code: 'FS_NOT_FOUND', path: '/nope' } });
      expect(await files.list(pathOf('/nope'))()).toMatchObject({ left: { code: 'FS_NOT_FOUND' } });
      expect(await files.writeTextAtomic(pathOf('/nope/x'), 'x')()).toMatchObject({ left: { code: 'FS_NOT_FOUND' } });
      await files.writeTextAtomic(pathOf('/f'), 'x')();
      expect(await files.mkdirp(pathOf('/f'))()).toMatchObject({ left: { code: 'FS_EXISTS' } });
      expect(await files.readText(pathOf('/etc'))()).toMatchObject({ left: { code: 'FS_ERROR' } });
      expect(await files.list(pathOf('/f'))()).toMatchObject({ left: { code: 'FS_ERROR' } });
    });

    it('rejects with HostDown while the host is down', async () => {
      const { c, files } = setup();
      c.setHostDown('h1', true);
      await expect(files.exists(pathOf('/etc'))()).rejects.toBeInstanceOf(HostDown);
    });
  });

  describe('when reading the head of a file', () => {
    it('renders a genuine qcow2 header with the domain builder', async () => {
      const { c, files } = setup();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/base`, String(GiB)]);
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', `${DIR}/base`, '-F', 'raw', `${DIR}/disk`, String(GiB)]);
      const head = await files.readHead(pathOf(`${DIR}/disk`), 4096)();
      expect(head).toEqual(E.right(qcow2Header({ virtualSize: GiB, backingFile: `${DIR}/base`, backingFormat: 'raw' }).subarray(0, 4096)));
    });

    it('renders what a guest planted exactly as the real host fixtures write it', async () => {
      const { c, files } = setup();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/disk`, String(GiB)]);
      c.guestWrite('h1', fileAt(`${DIR}/disk`), 'raw', { kind: 'vmdk-flat-extent', target: '/etc/shadow' });
      const head = await files.readHead(pathOf(`${DIR}/disk`), 512)();
      const expected = hostileBytes('vmdk-flat-extent', '/etc/shadow', GiB);
      const want = new Uint8Array(512);
      want.set(expected.subarray(0, 512));
      expect(head).toEqual(E.right(want));
    });

    it('returns no more than the file holds, and text files as their bytes', async () => {
      const { files } = setup();
      await files.writeTextAtomic(pathOf('/t'), 'hello')();
      expect(await files.readHead(pathOf('/t'), 3)()).toEqual(E.right(new TextEncoder().encode('hel')));
      expect(await files.readHead(pathOf('/t'), 100)()).toEqual(E.right(new TextEncoder().encode('hello')));
    });
  });
});
