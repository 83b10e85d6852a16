import type { HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it, vi } from 'vitest';
import { GiB, IMAGES } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { seedLegacy } from '../composition/testing/legacy.js';
import { SEED_STEP } from '../composition/testing/observe.js';
import { OPTIONS } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';
import type { MigrationResult } from './online-migration.js';

const GOOD = vm('good1');
const BAD = vm('bad1');

/** A host with one legacy instance that derives and one whose `disk.info` does not decode. */
const setup = async (): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
  await seedLegacy(f, { instance: GOOD, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }] });
  await seedLegacy(f, { instance: BAD, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }], diskInfo: 'corrupt' });
  return f;
};

/** A run's counts, and its failures as `instance/disk CODE`. */
const codes = (r: E.Either<{ readonly code: string }, MigrationResult>) =>
  E.isLeft(r) ? r.left.code : { found: r.right.found, done: r.right.done, failures: r.right.failures.map((x) => `${x.instance}/${x.disk} ${x.code}`) };

/** The instances a run says it filled rows of. */
const migrated = (r: E.Either<unknown, MigrationResult>): readonly string[] | null => (E.isLeft(r) ? null : r.right.instances);

describe('OnlineMigration', () => {
  describe('when maxCount is not a positive whole number', () => {
    it('answers INVALID_COUNT and looks at nothing', async () => {
      const f = await setup();
      const migration = f.fleet.onlineMigration();
      const derive = vi.spyOn(f.host('a').adoption, 'derive');
      for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(codes(await migration.run('a', n))).toBe('INVALID_COUNT');
      expect(derive).not.toHaveBeenCalled();
      expect(codes(await migration.run('a', 1))).toMatchObject({ done: 1 });
    });
  });

  describe('when the caller names instances to leave for later', () => {
    it('neither derives nor counts their rows, and a later run without them migrates them', async () => {
      const f = await setup();
      const migration = f.fleet.onlineMigration();
      expect(codes(await migration.run('a', 50, { skip: new Set([GOOD, BAD]) }))).toEqual({ found: 0, done: 0, failures: [] });
      expect((await f.records(GOOD)).get('root')).toBeNull();
      expect(codes(await migration.run('a', 50, { skip: new Set([BAD]) }))).toEqual({ found: 1, done: 1, failures: [] });
      expect((await f.records(GOOD)).get('root')).toMatchObject({ provenance: 'derived' });
    });
  });

  describe('when a row cannot be derived', () => {
    it('reports it in every run but derives it only once', async () => {
      const f = await setup();
      const migration = f.fleet.onlineMigration();
      const derive = vi.spyOn(f.host('a').adoption, 'derive');
      const first = await migration.run('a', 50);
      expect(codes(first)).toEqual({ found: 2, done: 1, failures: [`${BAD}/root DISK_INFO_CORRUPT`] });
      expect(migrated(first)).toEqual([GOOD]);
      expect(derive).toHaveBeenCalledTimes(2);
      const again = await migration.run('a', 50);
      expect(codes(again)).toEqual({ found: 1, done: 0, failures: [`${BAD}/root DISK_INFO_CORRUPT`] });
      expect(migrated(again)).toEqual([]);
      expect(derive).toHaveBeenCalledTimes(2);
    });

    it('derives it again once the host is reconfigured', async () => {
      const f = await setup();
      const migration = f.fleet.onlineMigration();
      await migration.run('a', 50);
      f.reconfigure('a', OPTIONS['flat/raw']);
      const derive = vi.spyOn(f.host('a').adoption, 'derive');
      expect(codes(await migration.run('a', 50))).toEqual({ found: 1, done: 0, failures: [`${BAD}/root DISK_INFO_CORRUPT`] });
      expect(derive).toHaveBeenCalledTimes(1);
    });

    it('stops reporting it once an operator has supplied its layout', async () => {
      const f = await setup();
      const migration = f.fleet.onlineMigration();
      await migration.run('a', 50);
      const supplied = await f.host('a').adoption.supply(BAD, 'root', { backend: 'flat', format: 'raw', location: null })();
      expect(E.isRight(supplied)).toBe(true);
      expect(codes(await migration.run('a', 50))).toEqual({ found: 0, done: 0, failures: [] });
    });
  });

  describe('when a concurrent writer fills its rows first', () => {
    it('counts them as filled elsewhere, not as done, and keeps the other writer’s records', async () => {
      const f = await setup();
      const fill = f.repository.fillUnpopulated.bind(f.repository);
      // Another run that derived the same rows writes them between this run's listing and its write.
      vi.spyOn(f.repository, 'fillUnpopulated').mockImplementationOnce((writes) => async () => {
        const theirs = await fill(writes.map((w) => ({ ...w, driverInfo: w.driverInfo.replace('"derived"', '"operator"') })))();
        return E.isLeft(theirs) ? theirs : fill(writes)();
      });
      const r = await f.fleet.onlineMigration().run('a', 50);
      expect(E.isRight(r) && { done: r.right.done, filledElsewhere: r.right.filledElsewhere }).toEqual({ done: 0, filledElsewhere: 1 });
      expect((await f.records(GOOD)).get('root')).toMatchObject({ provenance: 'operator' });
    });
  });

  describe('when a migrated instance has instance-level disks', () => {
    const OLD = vm('cfg1');
    const rbdFleet = async (): Promise<FakeFleet> => {
      // The fleet's image service answers through its first host, which must not be the one that goes down.
      const f = new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS['flat/raw'] }, { name: 'a', options: OPTIONS['rbd/shared'] }] });
      await seedLegacy(f, { instance: OLD, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }, { disk: 'config', format: 'raw', size: 64 * 2 ** 20 }] });
      return f;
    };

    it('gives its config drive a record too, though no row lists it', async () => {
      const f = await rbdFleet();
      expect(codes(await f.fleet.onlineMigration().run('a', 50))).toEqual({ found: 1, done: 1, failures: [] });
      expect((await f.records(OLD)).get('config')).toMatchObject({ backend: 'rbd', format: 'raw', location: `pool0/${OLD}_disk.config`, provenance: 'derived', size: 64 * 2 ** 20 });
      expect(await f.violations()).toEqual([]);
    });

    it('records them before the rows, so that a process killed while recording them leaves rows the next run finishes', async () => {
      const f = await rbdFleet();
      const killed = new Error('killed');
      vi.spyOn(f.host('a').adoption, 'adoptHinted').mockImplementationOnce(() => () => Promise.reject(killed));
      await expect(f.fleet.onlineMigration().run('a', 50)).rejects.toBe(killed);
      expect((await f.records(OLD)).get('root')).toBeNull();
      expect(codes(await f.fleet.onlineMigration().run('a', 50))).toEqual({ found: 1, done: 1, failures: [] });
      expect((await f.records(OLD)).get('config')).toMatchObject({ backend: 'rbd', provenance: 'derived' });
      expect((await f.records(OLD)).get('root')).toMatchObject({ provenance: 'derived' });
    });

    it('keeps the rows of an instance whose config drive cannot be adopted unfilled, reporting it at every run until it is mended', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      const dir = `${f.contexts.get('a')?.instancesPath ?? ''}/${OLD}`;
      const wrong = { [`${dir}/disk`]: 'raw', [`${dir}/disk.config`]: 'qcow2' };
      await seedLegacy(f, { instance: OLD, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }, { disk: 'config', format: 'raw', size: 64 * 2 ** 20 }], diskInfo: wrong });
      const migration = f.fleet.onlineMigration();
      for (let run = 0; run < 2; run += 1) {
        expect(codes(await migration.run('a', 50))).toEqual({ found: 1, done: 0, failures: [`${OLD}/config LEGACY_FACTS_CONTRADICT`] });
        expect((await f.records(OLD)).get('root')).toBeNull();
      }
      f.cluster.setStep(SEED_STEP);
      await f.cluster.files('a').writeTextAtomic(`${dir}/disk.info` as HostPath, JSON.stringify({ ...wrong, [`${dir}/disk.config`]: 'raw' }))();
      f.cluster.setStep(null);
      expect(codes(await migration.run('a', 50))).toEqual({ found: 1, done: 1, failures: [] });
      expect((await f.records(OLD)).get('config')).toMatchObject({ backend: 'flat', format: 'raw', provenance: 'derived' });
      expect(await f.violations()).toEqual([]);
    });

    it('does not count a held instance against maxCount, nor report its failure more than once a run', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      const dir = `${f.contexts.get('a')?.instancesPath ?? ''}/${OLD}`;
      await seedLegacy(f, { instance: OLD, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }, { disk: 'swap', format: 'raw', size: GiB }, { disk: 'config', format: 'raw', size: 64 * 2 ** 20 }], diskInfo: { [`${dir}/disk`]: 'raw', [`${dir}/disk.swap`]: 'raw', [`${dir}/disk.config`]: 'qcow2' } });
      await seedLegacy(f, { instance: GOOD, host: 'a', disks: [{ disk: 'root', format: 'raw', size: GiB }] });
      const migration = f.fleet.onlineMigration();
      expect(codes(await migration.run('a', 1))).toEqual({ found: 3, done: 1, failures: [`${OLD}/config LEGACY_FACTS_CONTRADICT`] });
      expect((await f.records(GOOD)).get('root')).toMatchObject({ provenance: 'derived' });
      expect(codes(await migration.run('a', 1))).toEqual({ found: 2, done: 0, failures: [`${OLD}/config LEGACY_FACTS_CONTRADICT`] });
    });

    it('so that evacuating it from a host that is down carries the config drive and leaves the pool image to remove', async () => {
      const f = await rbdFleet();
      await f.fleet.onlineMigration().run('a', 50);
      f.cluster.setHostDown('a', true);
      // Its root's record was derived (no image): without the instance's image it is not made anew empty.
      expect(E.isLeft(await f.lifecycle().move(OLD, 'b', 'evacuate')())).toBe(true);
      const left = await f.lifecycle().evacuate(OLD, 'b', { image: img(IMAGES.raw), flavor: { root: GiB, ephemeral: 0, swap: 0 } })();
      if (E.isLeft(left)) throw new Error(left.left.message);
      expect((await f.records(OLD)).get('root')).toMatchObject({ backend: 'flat', imageId: IMAGES.raw, provenance: 'created' });
      expect((await f.records(OLD)).get('config')).toMatchObject({ backend: 'flat', format: 'raw' });
      expect(left.right.disks.map((d) => d.disk)).toContain('config');
      f.cluster.setHostDown('a', false);
      expect(E.isRight(await f.lifecycle().removeLeftBehind(OLD, left.right)())).toBe(true);
      expect(await f.violations()).toEqual([]);
    });
  });
});
