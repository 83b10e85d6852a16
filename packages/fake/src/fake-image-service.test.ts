import { decodeQemuImgInfo, HOSTILE_KINDS, needsQemuInfo, VERIFY_HEAD_BYTES, verifyImage, type ImageFormat } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FakeCluster } from './fake-cluster.js';
import { BASE_DIR, DIR, GiB, fileAt, imageIdOf, ok, pathOf, standardHosts } from './testing/run-command.js';

const setup = () => {
  const c = new FakeCluster(standardHosts);
  return { c, images: c.imageService('h1') };
};

/** Download an image to h1 and verify it the way the base-image cache does: head bytes and `qemu-img info -f <declared>`. */
const verify = async (c: FakeCluster, id: string, declared: ImageFormat) => {
  const path = `${BASE_DIR}/${id}`;
  const dl = await c.imageService('h1').download(imageIdOf(id), pathOf(path))();
  if (E.isLeft(dl)) throw new Error(dl.left.message);
  const head = await c.files('h1').readHead(pathOf(path), VERIFY_HEAD_BYTES)();
  if (E.isLeft(head)) throw new Error(head.left.message);
  let info = null;
  if (needsQemuInfo(declared)) {
    const out = await c.executor('h1').run({ argv: ['qemu-img', 'info', '-f', declared, '--output=json', path], limits: { cpuSeconds: 30, addressSpaceBytes: GiB } })();
    if (E.isRight(out)) {
      const decoded = decodeQemuImgInfo(out.right.stdout);
      if (E.isLeft(decoded)) throw new Error(decoded.left.message);
      info = decoded.right;
    }
  }
  return verifyImage({ imageId: id, declared, head: head.right, info, allowVmdk: true });
};

describe('FakeImageService', () => {
  describe('when showing and downloading', () => {
    it('declares what the catalogue says and writes the bytes as a new file', async () => {
      const { c, images } = setup();
      c.addImage({ id: 'cirros', diskFormat: 'qcow2', virtualSize: GiB, kernelId: 'k1' });
      expect(await images.show(imageIdOf('cirros'))()).toMatchObject({ right: { id: 'cirros', diskFormat: 'qcow2', containerFormat: 'bare', virtualSize: GiB, kernelId: 'k1', ramdiskId: null } });
      await images.download(imageIdOf('cirros'), pathOf(`${BASE_DIR}/cirros`))();
      expect(c.diskAt('h1', fileAt(`${BASE_DIR}/cirros`))).toMatchObject({ containerFormat: 'qcow2', virtualSize: GiB, markers: ['image:cirros'] });
      expect(await images.download(imageIdOf('cirros'), pathOf(`${BASE_DIR}/cirros`))()).toMatchObject({ left: { code: 'FS_EXISTS' } });
    });

    it('answers IMAGE_NOT_FOUND for an unknown image', async () => {
      const { images } = setup();
      expect(await images.show(imageIdOf('nope'))()).toMatchObject({ left: { _tag: 'ImageNotFound', code: 'IMAGE_NOT_FOUND', imageId: 'nope' } });
      expect(await images.download(imageIdOf('nope'), pathOf(`${BASE_DIR}/x`))()).toMatchObject({ left: { code: 'IMAGE_NOT_FOUND' } });
    });
  });

  describe('when uploading', () => {
    it('stores the file as a new image, refusing an existing id', async () => {
      const { c, images } = setup();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', `${DIR}/snap`, String(GiB)]);
      const meta = { id: imageIdOf('snap1'), diskFormat: 'qcow2', containerFormat: 'bare' } as const;
      expect(await images.upload(meta, pathOf(`${DIR}/snap`))()).toMatchObject({ right: { id: 'snap1', virtualSize: GiB } });
      expect(await images.upload(meta, pathOf(`${DIR}/snap`))()).toMatchObject({ left: { code: 'IMAGE_SERVICE_FAILED' } });
      expect(await images.upload({ ...meta, id: imageIdOf('x') }, pathOf('/nope'))()).toMatchObject({ left: { code: 'FS_NOT_FOUND' } });
      expect(c.leaks()).toEqual([]);
    });

    it('records a leak into the image when the uploaded bytes hold a host secret', async () => {
      const { c, images } = setup();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/disk`, String(GiB)]);
      c.guestWrite('h1', fileAt(`${DIR}/disk`), 'raw', { kind: 'qcow2-backing-host-file', target: '/etc/shadow' });
      c.setStep(4);
      await ok(c, 'h1', ['qemu-img', 'convert', '-O', 'raw', `${DIR}/disk`, `${DIR}/snap`]);
      await images.upload({ id: imageIdOf('snap1'), diskFormat: 'raw', containerFormat: 'bare' }, pathOf(`${DIR}/snap`))();
      expect(c.leaks().map((l) => [l.step, l.secret, l.into, l.via])).toEqual([
        [4, '/etc/shadow', `${DIR}/snap`, 'backing'],
        [4, '/etc/shadow', 'image snap1', 'upload'],
      ]);
      expect(c.imageMarkers('snap1')?.some((m) => m.startsWith('SECRET:h1:/etc/shadow:'))).toBe(true);
    });
  });

  describe('when the base-image cache verifies a downloaded image', () => {
    it.each(['raw', 'qcow2', 'vmdk', 'iso'] as const)('accepts a benign %s image', async (fmt) => {
      const { c } = setup();
      c.addImage({ id: 'img', diskFormat: fmt, virtualSize: GiB });
      expect(E.isRight(await verify(c, 'img', fmt))).toBe(true);
    });

    it.each(HOSTILE_KINDS.flatMap((kind) => (['raw', 'qcow2', 'vmdk'] as const).map((fmt) => [kind, fmt] as const)))(
      'rejects a %s image declared %s',
      async (kind, fmt) => {
        const { c } = setup();
        c.addImage({ id: 'evil', diskFormat: fmt, virtualSize: GiB, content: kind, target: '/etc/shadow' });
        expect(await verify(c, 'evil', fmt)).toMatchObject({ left: { code: 'IMAGE_REJECTED' } });
        expect(c.probes()).toEqual([]);
      },
    );
  });
});
