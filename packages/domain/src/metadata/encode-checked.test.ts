import { it } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect } from 'vitest';
import type { DiskMetadata } from '../disk/disk-metadata.js';
import { diskMetadataArb } from '../testing/metadata-arbitraries.js';
import { encodeDiskMetadata } from './encode.js';
import { encodeDiskMetadataChecked } from './encode-checked.js';
import { SAMPLE } from './testing/primitives.js';

/** A value the types allow, or one only a cast lets through. */
const as = (v: unknown): DiskMetadata => v as DiskMetadata;

describe('encodeDiskMetadataChecked', () => {
  it.prop([diskMetadataArb], { seed: 0xc0dec })('writes what encodeDiskMetadata writes for every valid record', (meta) => {
    expect(encodeDiskMetadataChecked(meta)).toEqual(E.right(encodeDiskMetadata(meta)));
  });

  const REFUSED: readonly (readonly [string, DiskMetadata, string | undefined, string, string])[] = [
    ['a negative size', { ...SAMPLE, size: -1 }, undefined, 'METADATA_SIZE_OUT_OF_RANGE', 'nova_object.data.size'],
    ['a size that is not a number', { ...SAMPLE, size: Number.NaN }, undefined, 'METADATA_INVALID_FIELD', 'nova_object.data.size'],
    ['a location that walks out', { ...SAMPLE, location: '../../etc/shadow' }, undefined, 'METADATA_INVALID_FIELD', 'nova_object.data.location'],
    ['a pair no backend holds', { ...SAMPLE, backend: 'flat', format: 'ploop' }, undefined, 'METADATA_DISALLOWED_PAIR', 'nova_object.data.format'],
    ['a version there is not', SAMPLE, '9.9', 'METADATA_INVALID_VERSION', 'nova_object.version'],
    ['something that is not a record', as(null), undefined, 'METADATA_NOT_AN_OBJECT', '$'],
    ['a field no JSON holds', as({ ...SAMPLE, size: 10n }), undefined, 'METADATA_INVALID_FIELD', 'nova_object.data'],
  ];
  for (const [what, meta, version, code, path] of REFUSED) {
    it(`answers why for ${what}, writing nothing`, () => {
      const r = encodeDiskMetadataChecked(meta, version === undefined ? {} : { version: as(version) as never });
      expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual([code, path]);
    });
  }
});
