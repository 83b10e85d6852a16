/**
 * The base-image cache on this host: real files, real qemu-img (under
 * prlimit) and the domain's verification, with an image service that serves
 * images made by qemu-img itself, hostile ones included.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostPath, ImageFormat, ImageId, ImageMeta, ImageService, ImageServiceError } from '@disk-ledger/domain';
import { BASE_DIR, HostBaseImageCache, entryName } from './base-image-cache.js';
import { DEFAULT_CONVERT_LIMITS, DEFAULT_INSPECT_LIMITS } from './inspect-limits.js';
import { ExecaCommandExecutor } from './execa-command-executor.js';
import { NodeHostFiles } from './node-host-files.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { RecordingExecutor } from './testing/recording-executor.js';
import { sh, tempDir } from './testing/real-host.js';

/** An image service serving files from a directory, counting downloads. */
class DirImages implements ImageService {
  readonly downloads: string[] = [];
  readonly images = new Map<string, { format: ImageFormat; file: string }>();
  failDownload = false;

  add(id: string, format: ImageFormat, file: string): ImageId {
    this.images.set(id, { format, file });
    return id as ImageId;
  }
  show(id: ImageId): TE.TaskEither<ImageServiceError, ImageMeta> {
    const image = this.images.get(id);
    return image === undefined
      ? TE.left({ _tag: 'ImageNotFound', code: 'IMAGE_NOT_FOUND', imageId: id, message: `no image ${id}` })
      : TE.right({ id, diskFormat: image.format, containerFormat: 'bare', size: 0, virtualSize: null, kernelId: null, ramdiskId: null });
  }
  download(id: ImageId, dest: HostPath): TE.TaskEither<ImageServiceError, void> {
    return async () => {
      this.downloads.push(id);
      const image = this.images.get(id);
      if (image === undefined) return { _tag: 'Left', left: { _tag: 'ImageNotFound', code: 'IMAGE_NOT_FOUND', imageId: id, message: 'gone' } };
      if (this.failDownload) {
        await fs.writeFile(dest, 'partial');
        return { _tag: 'Left', left: { _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message: 'connection reset' } };
      }
      await fs.copyFile(image.file, dest);
      return { _tag: 'Right', right: undefined };
    };
  }
  upload(): TE.TaskEither<ImageServiceError, ImageMeta> {
    return TE.left({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message: 'not in this test' });
  }
}

describe('HostBaseImageCache on this host', () => {
  let dir: HostPath;
  let src: string;
  let secret: string;
  const images = new DirImages();
  const exec = new RecordingExecutor(new ExecaCommandExecutor({ defaultTimeoutMs: 60_000 }));
  const files = new NodeHostFiles();
  let cache: HostBaseImageCache;
  let vmdkCache: HostBaseImageCache;
  const cacheDir = () => `${dir}/${BASE_DIR}`;
  const leftovers = async () => (existsSync(cacheDir()) ? (await fs.readdir(cacheDir())).filter((n) => n.includes('.')) : []);

  beforeAll(async () => {
    dir = await tempDir('cache');
    src = `${dir}/src`;
    await fs.mkdir(src);
    secret = `${src}/host-secret`;
    await fs.writeFile(secret, 'HOST-SECRET-MARKER');
    cache = new HostBaseImageCache(dir, images, files, exec, { allowVmdk: false, inspectLimits: DEFAULT_INSPECT_LIMITS });
    vmdkCache = new HostBaseImageCache(dir, images, files, exec, { allowVmdk: true, inspectLimits: DEFAULT_INSPECT_LIMITS });
    await fs.writeFile(`${src}/plain.raw`, Buffer.alloc(1024 * 1024, 'plain raw image '));
    await sh('qemu-img', ['create', '-f', 'qcow2', `${src}/plain.qcow2`, '8M']);
    await sh('qemu-img', ['create', '-f', 'qcow2', '-b', secret, '-F', 'raw', `${src}/backing.qcow2`, '8M']);
    await sh('qemu-img', ['create', '-f', 'qcow2', '-o', `data_file=${src}/data.bin,data_file_raw=on`, `${src}/datafile.qcow2`, '1M']);
    await sh('qemu-img', ['create', '-f', 'vmdk', `${src}/sparse.vmdk`, '4M']);
    await sh('qemu-img', ['create', '-f', 'vmdk', '-o', 'subformat=monolithicFlat', `${src}/flat.vmdk`, '1M']);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  describe('when the image is raw', () => {
    it('downloads it once, stores it under a hash of its id, and serves later calls from the cache', async () => {
      const id = images.add('raw-image-1', 'raw', `${src}/plain.raw`);
      exec.clear();
      const first = await expectRight(cache.ensure(id));
      const size = (await fs.stat(`${src}/plain.raw`)).size;
      expect(first.base).toEqual({ path: `${cacheDir()}/${entryName(id)}`, format: 'raw', virtualSize: size });
      // A raw image is verified by its header, and its entry's size is its length: no command at all.
      expect(exec.argvs).toEqual([]);
      expect(entryName(id)).toMatch(/^[0-9a-f]{40}$/);
      expect(first.base.path).not.toContain('raw-image-1');
      expect(await fs.readFile(first.base.path)).toEqual(await fs.readFile(`${src}/plain.raw`));
      const second = await expectRight(cache.ensure(id));
      expect(second.base).toEqual(first.base);
      expect(exec.argvs).toEqual([]);
      expect(images.downloads.filter((d) => d === id)).toHaveLength(1);
      expect(await leftovers()).toEqual([]);
    });
    it('shares one download between concurrent calls', async () => {
      const id = images.add('raw-image-2', 'raw', `${src}/plain.raw`);
      await Promise.all([cache.ensure(id)(), cache.ensure(id)(), cache.ensure(id)()]);
      expect(images.downloads.filter((d) => d === id)).toHaveLength(1);
    });
    it('refuses bytes that are really qcow2 (mislabelled raw), keeping nothing', async () => {
      const id = images.add('liar', 'raw', `${src}/backing.qcow2`);
      const e = await expectLeft(cache.ensure(id), 'IMAGE_REJECTED');
      expect(e).toMatchObject({ reason: 'MISLABELLED_RAW' });
      expect(existsSync(`${cacheDir()}/${entryName(id)}`)).toBe(false);
      expect(await leftovers()).toEqual([]);
    });
  });

  describe('when the image is qcow2', () => {
    it('inspects it with -f qcow2 under resource limits, then caches it as qcow2', async () => {
      const id = images.add('qcow-1', 'qcow2', `${src}/plain.qcow2`);
      exec.clear();
      const { base } = await expectRight(cache.ensure(id));
      expect(base.format).toBe('qcow2');
      const entry = `${cacheDir()}/${entryName(id)}`;
      // The download is inspected before it is trusted, and that inspection gives the entry's size.
      expect(exec.specs).toEqual([{ argv: ['qemu-img', 'info', '-f', 'qcow2', '--output=json', `${entry}.part`], limits: DEFAULT_INSPECT_LIMITS }]);
      expect(base.virtualSize).toBe(JSON.parse(execFileSync('qemu-img', ['info', '-f', 'qcow2', '--output=json', entry], { encoding: 'utf8' }))['virtual-size']);
    });
    it('reads the size of an entry an earlier process cached once, with -f qcow2', async () => {
      const id = images.add('qcow-later', 'qcow2', `${src}/plain.qcow2`);
      const first = await expectRight(cache.ensure(id));
      const later = new HostBaseImageCache(dir, images, files, exec, { allowVmdk: false, inspectLimits: DEFAULT_INSPECT_LIMITS });
      exec.clear();
      expect((await expectRight(later.ensure(id))).base).toEqual(first.base);
      expect((await expectRight(later.ensure(id))).base).toEqual(first.base);
      expect(exec.argvs).toEqual([['qemu-img', 'info', '-f', 'qcow2', '--output=json', first.base.path]]);
      expect(images.downloads.filter((d) => d === id)).toHaveLength(1);
    });
    it('refuses a qcow2 with a backing file from its header, before qemu-img could open the backing file', async () => {
      const id = images.add('qcow-backing', 'qcow2', `${src}/backing.qcow2`);
      exec.clear();
      expect(await expectLeft(cache.ensure(id), 'IMAGE_REJECTED')).toMatchObject({ reason: 'QCOW2_BACKING_FILE' });
      expect(exec.argvs).toEqual([]);
      expect(await leftovers()).toEqual([]);
    });
    it('refuses a qcow2 that qemu-img will not open as qcow2 (an L1 table of 2^31 entries) as INFO_FAILED, keeping nothing', async () => {
      const bytes = await fs.readFile(`${src}/plain.qcow2`);
      bytes.writeUInt32BE(0x7fffffff, 36);
      await fs.writeFile(`${src}/huge-l1.qcow2`, bytes);
      const id = images.add('qcow-huge-l1', 'qcow2', `${src}/huge-l1.qcow2`);
      const e = await expectLeft(cache.ensure(id), 'IMAGE_REJECTED');
      expect(e).toMatchObject({ reason: 'INFO_FAILED' });
      expect(e.message).toContain('qemu-img info -f qcow2');
      expect(await leftovers()).toEqual([]);
    });
    it('refuses a qcow2 with an external data file, keeping nothing', async () => {
      const id = images.add('qcow-data', 'qcow2', `${src}/datafile.qcow2`);
      expect(await expectLeft(cache.ensure(id), 'IMAGE_REJECTED')).toMatchObject({ reason: 'QCOW2_DATA_FILE' });
      expect(await leftovers()).toEqual([]);
    });
  });

  describe('when the image is vmdk', () => {
    it('refuses it when vmdk is not allowed, without running qemu-img', async () => {
      const id = images.add('vmdk-1', 'vmdk', `${src}/sparse.vmdk`);
      exec.clear();
      expect(await expectLeft(cache.ensure(id), 'IMAGE_REJECTED')).toMatchObject({ reason: 'VMDK_REFUSED' });
      expect(exec.argvs.filter((a) => a.includes('convert'))).toEqual([]);
      expect(await leftovers()).toEqual([]);
    });
    it('converts an allowed monolithicSparse vmdk to raw', async () => {
      const id = images.add('vmdk-2', 'vmdk', `${src}/sparse.vmdk`);
      exec.clear();
      const { base } = await expectRight(vmdkCache.ensure(id));
      expect(base.format).toBe('raw');
      expect((await fs.stat(base.path)).size).toBe(4 * 1024 * 1024);
      const entry = `${cacheDir()}/${entryName(id)}`;
      expect(exec.argvs.at(-1)).toEqual(['qemu-img', 'convert', '-f', 'vmdk', '-O', 'raw', `${entry}.part`, `${entry}.conv`]);
      // Run by the real prlimit with those limits: a bound too tight for qemu-img's threads would have failed it.
      expect(exec.specs.at(-1)?.limits).toEqual(DEFAULT_CONVERT_LIMITS);
      expect(base.virtualSize).toBe(4 * 1024 * 1024);
      expect(await leftovers()).toEqual([]);
    });
    it('refuses an allowed vmdk whose contents, converted to raw, begin with a qcow2 header, keeping nothing', async () => {
      // Raw, it is harmless; declared qcow2 later (or opened as qcow2 by an overlay's header), it would name the secret.
      await sh('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', `${src}/backing.qcow2`, `${src}/carries-qcow2.vmdk`]);
      const id = images.add('vmdk-carrying-qcow2', 'vmdk', `${src}/carries-qcow2.vmdk`);
      expect(await expectLeft(vmdkCache.ensure(id), 'IMAGE_REJECTED')).toMatchObject({ reason: 'MISLABELLED_RAW', declared: 'vmdk' });
      expect(existsSync(`${cacheDir()}/${entryName(id)}`)).toBe(false);
      expect(await leftovers()).toEqual([]);
    });
    it('refuses a vmdk descriptor with a flat extent even when vmdk is allowed, without running qemu-img', async () => {
      const id = images.add('vmdk-flat', 'vmdk', `${src}/flat.vmdk`);
      exec.clear();
      await expectLeft(vmdkCache.ensure(id), 'IMAGE_REJECTED');
      expect(exec.argvs).toEqual([]);
      expect(await leftovers()).toEqual([]);
    });
  });

  describe('when an image cached in one format is declared in another', () => {
    it('refuses the entry as the new format, in this process and in a later one, without downloading again', async () => {
      const id = images.add('redeclared', 'raw', `${src}/plain.raw`);
      const { base } = await expectRight(cache.ensure(id));
      images.add('redeclared', 'qcow2', `${src}/plain.raw`);
      const later = new HostBaseImageCache(dir, images, files, exec, { allowVmdk: false, inspectLimits: DEFAULT_INSPECT_LIMITS });
      for (const c of [cache, later]) {
        exec.clear();
        const e = await expectLeft(c.ensure(id), 'IMAGE_REJECTED');
        expect(e).toMatchObject({ reason: 'QCOW2_BAD_MAGIC', declared: 'qcow2' });
        expect(e.message).toContain(base.path);
        expect(exec.argvs).toEqual([]);
      }
      expect(images.downloads.filter((d) => d === id)).toHaveLength(1);
      // And the other way: a qcow2 entry declared raw is refused by its header, never served as raw bytes.
      const q = images.add('redeclared-qcow2', 'qcow2', `${src}/plain.qcow2`);
      await expectRight(cache.ensure(q));
      images.add('redeclared-qcow2', 'raw', `${src}/plain.qcow2`);
      for (const c of [cache, new HostBaseImageCache(dir, images, files, exec, { allowVmdk: false, inspectLimits: DEFAULT_INSPECT_LIMITS })]) {
        exec.clear();
        expect(await expectLeft(c.ensure(q), 'IMAGE_REJECTED')).toMatchObject({ reason: 'MISLABELLED_RAW', declared: 'raw' });
        expect(exec.argvs).toEqual([]);
      }
      expect(images.downloads.filter((d) => d === q)).toHaveLength(1);
      // Declared as it was cached again, the entry serves as before.
      images.add('redeclared', 'raw', `${src}/plain.raw`);
      expect((await expectRight(later.ensure(id))).base).toEqual(base);
    });
  });

  describe('when something fails', () => {
    it('removes a partial download and reports the image service error', async () => {
      const id = images.add('flaky', 'raw', `${src}/plain.raw`);
      images.failDownload = true;
      try {
        await expectLeft(cache.ensure(id), 'IMAGE_SERVICE_FAILED');
      } finally {
        images.failDownload = false;
      }
      expect(await leftovers()).toEqual([]);
      expect(existsSync(`${cacheDir()}/${entryName(id)}`)).toBe(false);
    });
    it('refuses unsafe image ids before asking the image service', async () => {
      const before = images.downloads.length;
      for (const bad of ['../../etc/passwd', 'a/b', 'x\0y', '$(id)', '', 'x'.repeat(300)]) {
        await expectLeft(cache.ensure(bad as ImageId), 'INVALID_NAME');
      }
      expect(images.downloads.length).toBe(before);
    });
    it('passes on an unknown image as IMAGE_NOT_FOUND', async () => {
      await expectLeft(cache.ensure('no-such-image' as ImageId), 'IMAGE_NOT_FOUND');
    });
  });
});
