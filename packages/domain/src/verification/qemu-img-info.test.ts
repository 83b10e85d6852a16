import { it } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect } from 'vitest';
import { qemuImgInfoArb, qemuImgInfoTextArb } from '../testing/content-arbitraries.js';
import { decodeQemuImgInfo, reportsBackingFile, type QemuImgInfo } from './qemu-img-info.js';

const SEED = 0x1f0;

// Printed by qemu-img 7.2 (`qemu-img info -f <fmt> --output=json`).
const QCOW2_DATA_FILE = `{
    "virtual-size": 1048576,
    "filename": "data.qcow2",
    "cluster-size": 65536,
    "format": "qcow2",
    "actual-size": 327680,
    "format-specific": {
        "type": "qcow2",
        "data": {
            "compat": "1.1",
            "compression-type": "zlib",
            "lazy-refcounts": false,
            "refcount-bits": 16,
            "data-file": "/tmp/qx/secret",
            "data-file-raw": true,
            "corrupt": false,
            "extended-l2": false
        }
    },
    "dirty-flag": false
}`;
const QCOW2_BACKING = `{"backing-filename-format":"raw","virtual-size":1048576,"filename":"b.qcow2","cluster-size":65536,"format":"qcow2","actual-size":200704,"format-specific":{"type":"qcow2","data":{"compat":"1.1","compression-type":"zlib","lazy-refcounts":false,"refcount-bits":16,"corrupt":false,"extended-l2":false}},"full-backing-filename":"/tmp/qx/secret","backing-filename":"/tmp/qx/secret","dirty-flag":false}`;
const VMDK_FLAT = `{"virtual-size":1048576,"filename":"h.vmdk","format":"vmdk","actual-size":8192,"format-specific":{"type":"vmdk","data":{"cid":305419896,"parent-cid":4294967295,"create-type":"monolithicFlat","extents":[{"virtual-size":1048576,"filename":"/tmp/qx/secret","format":"FLAT"}]}},"dirty-flag":false}`;
const RAW = `{"virtual-size":512,"filename":"secret","format":"raw","actual-size":4096,"dirty-flag":false}`;

const decoded = (text: string): QemuImgInfo => {
  const r = decodeQemuImgInfo(text);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const failure = (text: string): { readonly code: string; readonly tool: string; readonly message: string } => {
  const r = decodeQemuImgInfo(text);
  if (E.isRight(r)) throw new Error(`decoded ${text}`);
  return r.left;
};

describe('decodeQemuImgInfo', () => {
  describe('when given what qemu-img 7.2 prints', () => {
    it('decodes a qcow2 with a data file, keeping the data file and its raw flag', () => {
      const info = decoded(QCOW2_DATA_FILE);
      expect(info).toMatchObject({ format: 'qcow2', 'virtual-size': 1048576, 'actual-size': 327680, 'dirty-flag': false });
      expect(info['format-specific']).toMatchObject({ type: 'qcow2', data: { 'data-file': '/tmp/qx/secret', 'data-file-raw': true, compat: '1.1' } });
    });

    it('decodes a qcow2 with a backing file', () => {
      const info = decoded(QCOW2_BACKING);
      expect(info).toMatchObject({ 'backing-filename': '/tmp/qx/secret', 'full-backing-filename': '/tmp/qx/secret', 'backing-filename-format': 'raw' });
      expect(reportsBackingFile(info)).toBe(true);
    });

    it('decodes a vmdk with its create type and extents', () => {
      expect(decoded(VMDK_FLAT)['format-specific']).toMatchObject({
        type: 'vmdk',
        data: { 'create-type': 'monolithicFlat', extents: [{ filename: '/tmp/qx/secret', format: 'FLAT' }] },
      });
    });

    it('decodes a raw image, which has no format-specific block', () => {
      const info = decoded(RAW);
      expect(info).toMatchObject({ format: 'raw', 'virtual-size': 512 });
      expect(info['format-specific']).toBeUndefined();
      expect(reportsBackingFile(info)).toBe(false);
    });
  });

  describe('when qemu adds fields', () => {
    it('keeps unknown keys at every level', () => {
      const info = decoded(JSON.stringify({ ...JSON.parse(RAW), 'new-field': [1], 'format-specific': { type: 'qcow2', data: { 'new-flag': true } } }));
      expect(info).toMatchObject({ 'new-field': [1], 'format-specific': { data: { 'new-flag': true } } });
    });

    it('keeps another driver’s format-specific block opaque', () => {
      expect(decoded(JSON.stringify({ format: 'luks', 'virtual-size': 1, 'format-specific': { type: 'luks', data: { anything: [] } } }))['format-specific'])
        .toEqual({ type: 'luks', data: { anything: [] } });
    });

    it('treats a backing-image block alone as a backing file', () => {
      expect(reportsBackingFile(decoded(JSON.stringify({ format: 'qcow2', 'virtual-size': 1, 'backing-image': {} })))).toBe(true);
    });
  });

  describe('when the output is not valid', () => {
    it.each(['', 'qemu-img: Could not open', '{', 'null'])('fails with TOOL_OUTPUT_INVALID for %j', (text) => {
      expect(failure(text)).toMatchObject({ code: 'TOOL_OUTPUT_INVALID', tool: 'qemu-img info' });
    });

    it.each([
      [{ 'virtual-size': 1 }, '$.format: expected string, got nothing'],
      [{ format: 'raw' }, '$.virtual-size: expected ByteCount, got nothing'],
      [{ format: 'raw', 'virtual-size': -1 }, '$.virtual-size: expected ByteCount, got -1'],
      [{ format: 'raw', 'virtual-size': 1.5 }, '$.virtual-size: expected ByteCount, got 1.5'],
      [{ format: 'raw', 'virtual-size': 2 ** 60 }, '$.virtual-size: expected ByteCount'],
      [{ format: 'raw', 'virtual-size': '1' }, '$.virtual-size: expected ByteCount, got "1"'],
      [{ format: 'raw', 'virtual-size': 1, 'backing-filename': 7 }, '$.backing-filename: expected string, got 7'],
      [{ format: 'qcow2', 'virtual-size': 1, 'format-specific': { type: 'qcow2', data: { 'data-file': 1 } } }, '$.format-specific.data.data-file: expected string, got 1'],
      [{ format: 'qcow2', 'virtual-size': 1, 'format-specific': { type: 'qcow2' } }, '$.format-specific.data: expected'],
      [{ format: 'vmdk', 'virtual-size': 1, 'format-specific': { type: 'vmdk', data: { 'create-type': 'x', extents: [{}] } } }, '$.format-specific.data.extents[0].filename: expected string, got nothing'],
      [{ format: 'vmdk', 'virtual-size': 1, 'format-specific': { type: 'vmdk', data: { extents: [] } } }, '$.format-specific.data.create-type: expected string'],
      [{ format: 'raw', 'virtual-size': 1, 'format-specific': { type: 9, data: {} } }, '$.format-specific.type: expected string, got 9'],
      [{ format: 'raw', 'virtual-size': 1, 'a"b': 1, 'format-specific': [] }, '$.format-specific: expected FormatSpecific, got an array'],
    ])('names the offending path for %j', (json, message) => {
      expect(failure(JSON.stringify(json)).message).toContain(`qemu-img info: ${message}`);
    });

    it('reports an object where an array belongs at its own path', () => {
      const text = `{"format":"qcow2","virtual-size":1,"format-specific":{"type":"vmdk","data":{"create-type":"x","extents":{"a.b c":1}}}}`;
      expect(failure(text).message).toBe('qemu-img info: $.format-specific.data.extents: expected Array<VmdkExtentInfo>, got an object');
    });
  });

  it.prop([qemuImgInfoArb], { seed: SEED })('decode ∘ JSON.stringify is identity on info values', (info) => {
    expect(decoded(JSON.stringify(info))).toEqual(info);
  });

  it.prop([qemuImgInfoTextArb], { seed: SEED, numRuns: 1000 })('never throws, whatever the text', (text) => {
    const r = decodeQemuImgInfo(text);
    if (E.isLeft(r)) expect(r.left).toMatchObject({ _tag: 'ToolOutputInvalid', code: 'TOOL_OUTPUT_INVALID' });
  });
});
