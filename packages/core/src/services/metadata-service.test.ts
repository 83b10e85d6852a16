import { encodeDiskMetadata, type DiskMetadata } from '@disk-ledger/domain';
import { InMemoryBlockDeviceMappingRepository } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { vm } from '../testing/names.js';
import { DiskMetadataService } from './metadata-service.js';

const VM = vm('vm1');
const META: DiskMetadata = { backend: 'flat', format: 'raw', size: 1024, location: 'disk', imageId: null, imageFormat: null, provenance: 'created', state: 'creating' };

const setup = async () => {
  const repository = new InMemoryBlockDeviceMappingRepository();
  await repository.createInstance(VM, 'a', ['root', 'swap'])();
  return { repository, service: new DiskMetadataService(repository) };
};

describe('DiskMetadataService', () => {
  describe('when saving the records of an instance', () => {
    it('writes all of them in one repository round trip, instance-level ones included', async () => {
      const { repository, service } = await setup();
      const before = repository.roundTrips;
      const r = await service.saveAll(VM, [{ disk: 'root', meta: META }, { disk: 'swap', meta: { ...META, location: 'disk.swap' } }, { disk: 'config', meta: { ...META, location: 'disk.config' } }])();
      expect(E.isRight(r)).toBe(true);
      expect(repository.roundTrips - before).toBe(1);
      const records = await service.records(VM)();
      expect(E.isRight(records) && [...records.right.keys()]).toEqual(['root', 'swap', 'config']);
    });
    it('makes no round trip for nothing', async () => {
      const { repository, service } = await setup();
      const before = repository.roundTrips;
      await service.saveAll(VM, [])();
      expect(repository.roundTrips).toBe(before);
    });
    it('writes nothing when the repository fails', async () => {
      const { repository, service } = await setup();
      repository.failNext();
      const r = await service.saveAll(VM, [{ disk: 'root', meta: META }])();
      expect(E.isLeft(r) && r.left.code).toBe('REPOSITORY_FAILED');
      expect(await service.record(VM, 'root')()).toEqual(E.right(null));
    });
  });

  describe('when a record to save would not decode', () => {
    const bad: readonly (readonly [string, DiskMetadata, string])[] = [
      ['a size of 0', { ...META, size: 0 }, 'METADATA_SIZE_OUT_OF_RANGE'],
      ['a fractional size', { ...META, size: 1.5 }, 'METADATA_INVALID_FIELD'],
      ['a location climbing out of the instance directory', { ...META, location: '../../../etc/shadow' }, 'METADATA_INVALID_FIELD'],
      ['a pair no host allows (lvm, qcow2)', { ...META, backend: 'lvm', format: 'qcow2', location: 'vg/vm1_disk' }, 'METADATA_DISALLOWED_PAIR'],
    ];
    for (const [what, meta, cause] of bad) {
      it(`answers RECORD_INVALID for ${what}, naming the disk, and writes nothing (saveAll and claim)`, async () => {
        const { repository, service } = await setup();
        const before = repository.roundTrips;
        const saved = await service.saveAll(VM, [{ disk: 'swap', meta: { ...META, location: 'disk.swap' } }, { disk: 'root', meta }])();
        expect(E.isLeft(saved) && [saved.left.code, saved.left._tag === 'RecordInvalid' && saved.left.cause.code]).toEqual(['RECORD_INVALID', cause]);
        expect(E.isLeft(saved) && saved.left.path).toMatch(/^vm1\/root/);
        const claimed = await service.claim(VM, 'root', meta)();
        expect(E.isLeft(claimed) && claimed.left.code).toBe('RECORD_INVALID');
        expect(repository.roundTrips).toBe(before);
        expect(await service.record(VM, 'root')()).toEqual(E.right(null));
        expect(await service.record(VM, 'swap')()).toEqual(E.right(null));
      });
    }
  });

  describe('when claiming a disk on first touch', () => {
    it('keeps the first record and hands it to the later writer', async () => {
      const { service } = await setup();
      const first = await service.claim(VM, 'root', META)();
      const second = await service.claim(VM, 'root', { ...META, format: 'qcow2' })();
      expect(first).toEqual(E.right(META));
      expect(second).toEqual(E.right(META));
    });
  });

  describe('when a stored record does not decode', () => {
    it('names the row in a typed error', async () => {
      const { repository, service } = await setup();
      await repository.saveRecords(VM, [{ disk: 'root', driverInfo: encodeDiskMetadata(META).replace('"flat"', '"floppy"') }])();
      const r = await service.records(VM)();
      expect(E.isLeft(r) && r.left.code).toBe('RECORD_UNREADABLE');
      expect(E.isLeft(r) && r.left.message).toContain('bdm');
    });
  });
});
