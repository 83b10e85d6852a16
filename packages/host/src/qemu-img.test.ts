import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { ByteSize } from '@disk-ledger/domain';
import * as Q from './qemu-img.js';
import { qemuImgViolations } from './testing/argv-checks.js';

const size = 1073741824 as ByteSize;
const disk = { qpath: '/i/disk', format: 'qcow2' } as const;
const base = { qpath: '/b/base', format: 'raw' } as const;

describe('qemu-img argv builders', () => {
  it('build exactly the argvs of docs/commands.md', () => {
    expect(Q.create(disk, size)).toEqual(['qemu-img', 'create', '-f', 'qcow2', '/i/disk', '1073741824']);
    expect(Q.create(base, size, { preallocate: true })).toEqual(['qemu-img', 'create', '-f', 'raw', '-o', 'preallocation=falloc', '/b/base', '1073741824']);
    expect(Q.createOverlay({ qpath: '/i/disk', format: 'qcow2' }, base, size)).toEqual(['qemu-img', 'create', '-f', 'qcow2', '-b', '/b/base', '-F', 'raw', '/i/disk', '1073741824']);
    expect(Q.convert(base, disk)).toEqual(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2', '/b/base', '/i/disk']);
    expect(Q.convert(base, { qpath: '/dev/vg/lv', format: 'raw' }, { existingTarget: true })).toEqual(['qemu-img', 'convert', '-n', '-f', 'raw', '-O', 'raw', '/b/base', '/dev/vg/lv']);
    expect(Q.resize(disk, size)).toEqual(['qemu-img', 'resize', '-f', 'qcow2', '/i/disk', '1073741824']);
    expect(Q.info(disk)).toEqual(['qemu-img', 'info', '-f', 'qcow2', '--output=json', '/i/disk']);
  });
  it('name every format in every argv they build', () => {
    const argvs = [Q.create(disk, size), Q.createOverlay({ qpath: 'x', format: 'qcow2' }, base, size), Q.convert(base, disk), Q.convert(disk, base, { existingTarget: true }), Q.resize(disk, size), Q.info(disk)];
    expect(argvs.flatMap(qemuImgViolations)).toEqual([]);
  });
  it('map recorded and declared formats to qemu-img names', () => {
    expect(Q.qemuFormat('ploop')).toBe('parallels');
    expect(Q.qemuFormat('raw')).toBe('raw');
    expect(Q.qemuImageFormat('vhd')).toBe('vpc');
    expect(Q.qemuImageFormat('iso')).toBe('raw');
    expect(Q.qemuImageFormat('vmdk')).toBe('vmdk');
  });
});

describe('decodeInfo', () => {
  it('reads virtual-size and format, ignoring other fields', () => {
    const out = JSON.stringify({ 'virtual-size': 42, format: 'qcow2', 'actual-size': 1, 'format-specific': { type: 'qcow2', data: {} } });
    expect(Q.decodeInfo(out, 'qcow2')).toEqual(E.right({ virtualSize: 42, format: 'qcow2', backing: null, dataFile: null }));
  });
  it('reports the backing file an image names, with its stored format or none', () => {
    const named = JSON.stringify({ 'virtual-size': 42, format: 'qcow2', 'backing-filename': '/b/base', 'backing-filename-format': 'raw' });
    const bare = JSON.stringify({ 'virtual-size': 42, format: 'qcow2', 'backing-filename': '/etc/shadow' });
    expect(Q.decodeInfo(named, 'qcow2')).toEqual(E.right({ virtualSize: 42, format: 'qcow2', backing: { file: '/b/base', format: 'raw' }, dataFile: null }));
    expect(Q.decodeInfo(bare, 'qcow2')).toEqual(E.right({ virtualSize: 42, format: 'qcow2', backing: { file: '/etc/shadow', format: null }, dataFile: null }));
  });
  it('reports the external data file a qcow2 names', () => {
    const out = JSON.stringify({ 'virtual-size': 42, format: 'qcow2', 'format-specific': { type: 'qcow2', data: { 'data-file': '/etc/shadow', 'data-file-raw': false } } });
    expect(Q.decodeInfo(out, 'qcow2')).toEqual(E.right({ virtualSize: 42, format: 'qcow2', backing: null, dataFile: '/etc/shadow' }));
  });
  it('refuses output that is not what the argv prints', () => {
    const bad = ['', 'qemu-img: error', '[]', '{"format":"raw"}', '{"virtual-size":"1","format":"raw"}', '{"virtual-size":-1,"format":"raw"}', '{"virtual-size":1.5,"format":"raw"}', '{"virtual-size":1,"format":"qcow2"}'];
    for (const out of bad) {
      const r = Q.decodeInfo(out, 'raw');
      expect(E.isLeft(r) && r.left.code, out).toBe('TOOL_OUTPUT_INVALID');
    }
  });
});
