/** Test helpers: hand-built wire primitives and a way to read a decode failure. */
import * as E from 'fp-ts/lib/Either.js';
import type { DiskMetadata } from '../../disk/disk-metadata.js';
import { decodeDiskMetadata } from '../decode.js';
import type { MetadataError } from '../metadata-error.js';

/** A JSON object as the tests mutate it. */
export type Json = Record<string, unknown>;

/** A representative valid 1.1 record. */
export const SAMPLE: DiskMetadata = {
  backend: 'flat',
  format: 'qcow2',
  size: 21_474_836_480,
  location: '/var/lib/nova/instances/3f6c0b38-94a4-4a4e-8d0a-6a7e5c1f9d21/disk',
  imageId: '6b7e1c9a-0f3d-4b8e-9a51-2c4d7e8f0a13',
  imageFormat: 'qcow2',
  provenance: 'created',
  state: 'ready',
};

/** A valid primitive of `version` with `data` merged over a valid data object. */
export const primitive = (version: '1.0' | '1.1' = '1.1', data: Json = {}): Json => ({
  'nova_object.name': 'LibvirtDiskMetadata',
  'nova_object.namespace': 'nova',
  'nova_object.version': version,
  'nova_object.data': {
    backend: 'flat',
    format: 'qcow2',
    size: 1024,
    ...(version === '1.1'
      ? { location: 'disk', image_id: 'img-1', image_format: 'raw', provenance: 'created', state: 'ready' }
      : {}),
    ...data,
  },
});

/** The same primitive with its data replaced wholesale. */
export const withData = (p: Json, data: Json): Json => ({ ...p, 'nova_object.data': data });

/** Set `key` as an own enumerable property, even `__proto__`. */
export const setOwn = (o: Json, key: string, value: unknown): Json => {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
};

/** Decode text that is expected to fail and return the error; a success fails the test. */
export const failure = (text: string): MetadataError => {
  const result = decodeDiskMetadata(text);
  if (E.isRight(result)) throw new Error(`expected a decode failure, got ${JSON.stringify(result.right)}`);
  return result.left;
};

/** Decode text that is expected to succeed; a failure fails the test with its message. */
export const success = (text: string): DiskMetadata => {
  const result = decodeDiskMetadata(text);
  if (E.isLeft(result)) throw new Error(`expected a record, got ${result.left.code}: ${result.left.message}`);
  return result.right;
};

/** Parse text the test itself produced and expects to be an object. */
export const parseObject = (text: string): Json => {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not an object: ${text}`);
  return { ...value };
};
