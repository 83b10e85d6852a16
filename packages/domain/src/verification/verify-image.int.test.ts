/**
 * Verification against real qemu-img 7.2 output: the info each image really
 * produces (run exactly as the host runs it, `qemu-img info -f <declared>
 * --output=json`) decodes with the codec, and verifyImage rejects every
 * hostile fixture for the right reason while accepting genuine images that
 * qemu-img itself created.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostileKind } from '../disk/content-kind.js';
import type { ImageFormat } from '../disk/vocabulary.js';
import { benignBytes } from '../content/benign-bytes.js';
import { hostileBytes } from '../content/hostile-bytes.js';
import { qcow2Header } from '../content/qcow2-image.js';
import { vmdkSparseImage } from '../content/vmdk-image.js';
import { decodeQemuImgInfo, type QemuImgInfo } from './qemu-img-info.js';
import { VERIFY_HEAD_BYTES, verifyImage } from './verify-image.js';

const MiB = 1024 ** 2;
let dir = '';

const qemuImg = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync('qemu-img', args, { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error('qemu-img is not installed (apt-get install -y qemu-utils)', { cause: r.error });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const ok = (...args: string[]): string => {
  const r = qemuImg(...args);
  if (r.status !== 0) throw new Error(`qemu-img ${args.join(' ')} exited ${String(r.status)}: ${r.stderr}`);
  return r.stdout;
};

/** The format name qemu-img knows a declared format by (raw-like formats are opened as raw). */
const qemuFormat = (declared: ImageFormat): string => (declared === 'qcow2' || declared === 'vmdk' ? declared : 'raw');

/** `qemu-img info -f <fmt> --output=json`, decoded; fails the test when the codec refuses real output. */
const infoOf = (path: string, declared: ImageFormat): QemuImgInfo => {
  const decoded = decodeQemuImgInfo(ok('info', '-f', qemuFormat(declared), '--output=json', path));
  if (E.isLeft(decoded)) throw new Error(decoded.left.message);
  return decoded.right;
};

const headOf = (path: string): Uint8Array => {
  const bytes = readFileSync(path);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, VERIFY_HEAD_BYTES));
};

/** Verify the file at `path` as the host would: head, then info with the declared format. */
const verdict = (path: string, declared: ImageFormat, allowVmdk = true): string => {
  const r = verifyImage({ imageId: 'img-1', declared, head: headOf(path), info: infoOf(path, declared), allowVmdk });
  return E.isLeft(r) ? r.left.reason : `accepted as ${r.right.baseFormat}`;
};

const write = (name: string, bytes: Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'disk-ledger-verify-'));
  writeFileSync(join(dir, 'secret'), 'host secret\n');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('verifyImage with real qemu-img info', () => {
  describe('when the image is a hostile fixture', () => {
    it.each<[HostileKind, ImageFormat, string]>([
      ['qcow2-backing-host-file', 'qcow2', 'QCOW2_BACKING_FILE'],
      ['qcow2-backing-host-file-fmt', 'qcow2', 'QCOW2_BACKING_FILE'],
      ['qcow2-data-file', 'qcow2', 'QCOW2_DATA_FILE'],
      ['raw-with-qcow2-header', 'qcow2', 'QCOW2_BACKING_FILE'],
      ['raw-with-qcow2-header', 'raw', 'MISLABELLED_RAW'],
      ['qcow2-backing-host-file', 'iso', 'MISLABELLED_RAW'],
      ['vmdk-flat-extent', 'raw', 'MISLABELLED_RAW'],
      ['vmdk-flat-extent', 'vmdk', 'VMDK_CREATE_TYPE'],
    ])('rejects %s declared %s with %s', (kind, declared, reason) => {
      const path = write('hostile.img', hostileBytes(kind, join(dir, 'secret'), MiB));
      expect(verdict(path, declared)).toBe(reason);
    });

    it('refuses a flat vmdk before looking when vmdk is not allowed', () => {
      const path = write('hostile.vmdk', hostileBytes('vmdk-flat-extent', join(dir, 'secret'), MiB));
      expect(verdict(path, 'vmdk', false)).toBe('VMDK_REFUSED');
    });

    it('rejects on the info alone when the head hides nothing (defence in depth)', () => {
      const path = write('data.qcow2', hostileBytes('qcow2-data-file', join(dir, 'secret'), MiB));
      const clean = qcow2Header({ virtualSize: MiB }).subarray(0, VERIFY_HEAD_BYTES);
      const r = verifyImage({ imageId: 'img-1', declared: 'qcow2', head: clean, info: infoOf(path, 'qcow2'), allowVmdk: false });
      expect(r).toMatchObject({ _tag: 'Left', left: { reason: 'QCOW2_DATA_FILE' } });
    });
  });

  describe('when qemu-img itself made the image', () => {
    it.each([
      ['a qcow2 v3', ['-f', 'qcow2'], 'accepted as qcow2'],
      ['a qcow2 v2 (compat=0.10)', ['-f', 'qcow2', '-o', 'compat=0.10'], 'accepted as qcow2'],
      ['a qcow2 with lazy refcounts and extended L2', ['-f', 'qcow2', '-o', 'lazy_refcounts=on,extended_l2=on'], 'accepted as qcow2'],
      ['a qcow2 with 2 MiB clusters', ['-f', 'qcow2', '-o', 'cluster_size=2M'], 'accepted as qcow2'],
      ['a qcow2 with a raw backing file', ['-f', 'qcow2', '-b', 'SECRET', '-F', 'raw'], 'QCOW2_BACKING_FILE'],
    ])('%s (qemu-img create %j): %s', (_, options, expected) => {
      const path = join(dir, 'made.qcow2');
      ok('create', ...options.map((o) => (o === 'SECRET' ? join(dir, 'secret') : o)), path, '1M');
      expect(verdict(path, 'qcow2')).toBe(expected);
    });

    it('a qcow2 with an external data file: QCOW2_DATA_FILE', () => {
      // qemu-img create truncates and zero-fills the named data file; give it a scratch one.
      const path = join(dir, 'made.qcow2');
      ok('create', '-f', 'qcow2', '-o', `data_file=${join(dir, 'scratch')}`, path, '1M');
      expect(verdict(path, 'qcow2')).toBe('QCOW2_DATA_FILE');
    });

    it.each([
      ['monolithicSparse', 'accepted as raw'],
      ['streamOptimized', 'accepted as raw'],
      ['monolithicFlat', 'VMDK_CREATE_TYPE'],
      ['twoGbMaxExtentSparse', 'VMDK_CREATE_TYPE'],
    ])('a vmdk of subformat %s: %s', (subformat, expected) => {
      const path = join(dir, 'made.vmdk');
      ok('create', '-f', 'vmdk', '-o', `subformat=${subformat}`, path, '1M');
      expect(verdict(path, 'vmdk')).toBe(expected);
    });

    it('a vmdk with a parent: VMDK_BACKING_FILE', () => {
      const parent = join(dir, 'parent.vmdk');
      ok('create', '-f', 'vmdk', parent, '1M');
      const child = join(dir, 'child.vmdk');
      ok('create', '-f', 'vmdk', '-b', parent, '-F', 'vmdk', child);
      expect(verdict(child, 'vmdk')).toBe('VMDK_BACKING_FILE');
    });

    it('a qed image declared raw: MISLABELLED_RAW', () => {
      const qed = join(dir, 'made.qed');
      ok('create', '-f', 'qed', qed, '1M');
      expect(verdict(qed, 'raw')).toBe('MISLABELLED_RAW');
    });

    it('a raw image: accepted, and a qcow2 declared raw: MISLABELLED_RAW', () => {
      const raw = join(dir, 'made.raw');
      ok('create', '-f', 'raw', raw, '1M');
      expect(verdict(raw, 'raw')).toBe('accepted as raw');
      const qcow2 = join(dir, 'made.qcow2');
      ok('create', '-f', 'qcow2', qcow2, '1M');
      expect(verdict(qcow2, 'raw')).toBe('MISLABELLED_RAW');
    });
  });

  describe('when the builders made the image', () => {
    it('accepts a built clean qcow2 of an odd size (qemu reports it rounded down to sectors)', () => {
      const path = write('odd.qcow2', qcow2Header({ virtualSize: MiB + 1 }));
      expect(infoOf(path, 'qcow2')['virtual-size']).toBe(MiB);
      expect(verdict(path, 'qcow2')).toBe('accepted as qcow2');
    });

    it('accepts a built sparse vmdk and benign raw data', () => {
      expect(verdict(write('built.vmdk', vmdkSparseImage({ virtualSize: MiB })), 'vmdk')).toBe('accepted as raw');
      expect(verdict(write('benign.raw', benignBytes('m', MiB)), 'raw')).toBe('accepted as raw');
    });

    it('rejects a built sparse vmdk whose descriptor names an extent path, which qemu would ignore', () => {
      expect(verdict(write('extent.vmdk', vmdkSparseImage({ virtualSize: MiB, extentName: '/etc/shadow' })), 'vmdk')).toBe('VMDK_EXTENT_PATH');
    });
  });
});
