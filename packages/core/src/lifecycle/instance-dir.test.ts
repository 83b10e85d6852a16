import type { HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it, vi } from 'vitest';
import { FLAVOR, GiB } from '../composition/testing/catalogue.js';
import { FakeFleet, INSTANCES_PATH } from '../composition/testing/fake-fleet.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { outcome } from '../composition/testing/observe.js';
import { OPTIONS } from '../composition/testing/options.js';
import { vm } from '../testing/names.js';

const VM = vm('vm1');
const cacheEntries = (f: FakeFleet, dir: string): number => [...f.cluster.host('a').fs.files()].filter(([p]) => p.startsWith(`${INSTANCES_PATH}/${dir}/`)).length;

describe("an instance's directory", () => {
  describe('when the instance is named as a base-image cache directory of its host', () => {
    it('is refused at boot even with no local disk', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'], imageCacheSubdirectory: 'images' }] });
      // nova's default, `_base`, is no instance id at all.
      for (const name of ['images']) {
        const r = await f.lifecycle().spawn({ instance: vm(name), host: 'a', image: null, flavor: { root: 0, ephemeral: 0, swap: 0 }, configDrive: false })();
        expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['INVALID_NAME', 'instance']);
        expect(E.isLeft(await f.repository.getInstance(vm(name))())).toBe(true);
      }
    });

    it('is refused as the destination of an unshelve or a move', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'], imageCacheSubdirectory: 'cache' }, { name: 'b', options: OPTIONS['flat/raw'] }] });
      const none = { root: 0, ephemeral: 0, swap: 0 };
      expect(outcome(await f.lifecycle().spawn({ instance: vm('cache'), host: 'b', image: null, flavor: none, configDrive: false })())).toBe('ok');
      for (const kind of ['live-migrate', 'resize'] as const) {
        const moved = await f.lifecycle().move(vm('cache'), 'a', kind)();
        expect(E.isLeft(moved) && moved.left.code).toBe('INVALID_NAME');
      }
      expect(E.isRight(await f.lifecycle().shelve(vm('cache'))())).toBe(true);
      const unshelved = await f.lifecycle().unshelve(vm('cache'), 'a', none, null, false)();
      expect(E.isLeft(unshelved) && unshelved.left.code).toBe('INVALID_NAME');
      expect(await f.hostOf(vm('cache'))).toBe('b');
    });

    it('is never removed by a delete or a shelve, which would remove every base of the host', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['qcow2/default'], imageCacheSubdirectory: 'cache' }] });
      await f.boot(VM, 'a');
      const bases = cacheEntries(f, 'cache');
      expect(bases).toBeGreaterThan(0);
      // Only a database written by something else holds such an instance.
      for (const op of ['shelve', 'delete'] as const) {
        expect(E.isRight(await f.repository.createInstance(vm('cache'), 'a', [])())).toBe(true);
        await (op === 'shelve' ? f.lifecycle().shelve(vm('cache'))() : f.lifecycle().delete(vm('cache'))());
        expect(cacheEntries(f, 'cache')).toBe(bases);
        if (op === 'shelve') await f.lifecycle().delete(vm('cache'))();
      }
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect(await f.violations()).toEqual([]);
    });
  });

  describe('when shelve cannot remove it', () => {
    it('still answers the image the root went to: nothing else names it', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      await f.boot(VM, 'a');
      const files = f.host('a').files;
      const remove = files.remove.bind(files);
      vi.spyOn(files, 'remove').mockImplementation((p) =>
        p === `${INSTANCES_PATH}/${VM}` ? () => Promise.resolve(E.left({ _tag: 'FileSystemError', code: 'FS_ERROR', message: 'busy', path: p })) : remove(p),
      );
      const r = await f.lifecycle().shelve(VM)();
      expect(r).toEqual(E.right(`${VM}-shelved`));
      vi.restoreAllMocks();
      expect(outcome(await f.lifecycle().unshelve(VM, 'a', FLAVOR, E.isRight(r) ? r.right : null, false)())).toBe('ok');
      expect((await f.records(VM)).get('root')).toMatchObject({ imageId: `${VM}-shelved` });
    });
  });

  describe('when a legacy disk is not a regular file', () => {
    it('does not stop the instance’s delete', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      await seedLegacy(f, { instance: VM, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }, { disk: 'ephemeral0', format: 'raw', size: GiB }] });
      const eph = `${INSTANCES_PATH}/${VM}/disk.eph0` as HostPath;
      f.cluster.host('a').fs.remove(eph);
      f.cluster.host('a').fs.mkdirp(eph);
      const adopted = await f.host('a').adoption.ensure(VM, 'ephemeral0')();
      expect(E.isLeft(adopted) && adopted.left.code).toBe('DISK_NOT_REGULAR_FILE');
      expect(outcome(await f.lifecycle().delete(VM)())).toBe('ok');
      expect(f.cluster.host('a').fs.exists(`${INSTANCES_PATH}/${VM}`)).toBe(false);
    });
  });
});
