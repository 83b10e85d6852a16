/**
 * Proves, with the real qemu-img (7.2), that every hostile fixture the
 * builders write IS hostile: opened the way the classic driver opened disks
 * it leaks a planted host secret, and opened the way disk-ledger opens a
 * guest's disk (`-f raw`) it does not. The probing argvs below exist only in
 * this test, to show what a probe does; no product code issues them.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOSTILE_KINDS, type HostileKind } from '../disk/content-kind.js';
import { hostileBytes } from './hostile-bytes.js';
import { QCOW2_FIELD } from './image-headers.js';
import { qcow2Header } from './qcow2-image.js';
import { vmdkSparseImage } from './vmdk-image.js';

const MiB = 1024 ** 2;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Checked inside each test, not in a hook: a missing tool must fail the
// suite, not leave it skipped.
const qemuImg = (...args: string[]): Run => {
  const r = spawnSync('qemu-img', args, { encoding: 'utf8' });
  if (r.error !== undefined) throw new Error('qemu-img is not installed (apt-get install -y qemu-utils)', { cause: r.error });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const ok = (...args: string[]): Run => {
  const r = qemuImg(...args);
  if (r.status !== 0) throw new Error(`qemu-img ${args.join(' ')} exited ${String(r.status)}: ${r.stderr}`);
  return r;
};

/** Which format naming still leaks: a genuine image with a data file or flat extent leaks under its own format too. */
const OWN_FORMAT: Record<HostileKind, 'qcow2' | 'vmdk'> = {
  'qcow2-backing-host-file': 'qcow2',
  'qcow2-backing-host-file-fmt': 'qcow2',
  'qcow2-data-file': 'qcow2',
  'vmdk-flat-extent': 'vmdk',
  'raw-with-qcow2-header': 'qcow2',
};

let dir = '';
let marker = '';
let secret = '';
const contains = (path: string, text: string): boolean => readFileSync(path).includes(text);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'disk-ledger-hostile-'));
  // The marker lives only in the secret's content, never in its path, so
  // finding it in an output means qemu read the secret.
  marker = `DL-SECRET-${randomUUID()}`;
  secret = join(dir, 'secret');
  writeFileSync(secret, `${marker}\n`);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile fixtures under qemu-img 7.2', () => {
  describe.each(HOSTILE_KINDS)('%s', (kind) => {
    const plant = (): string => {
      const path = join(dir, 'hostile.img');
      const bytes = hostileBytes(kind, secret, MiB);
      writeFileSync(path, bytes);
      expect(contains(path, marker)).toBe(false);
      return path;
    };

    it('leaks the secret when converted without an input format (a probe)', () => {
      const hostile = plant();
      const out = join(dir, 'probed.raw');
      ok('convert', '-O', 'raw', hostile, out);
      expect(contains(out, marker)).toBe(true);
    });

    it('does not leak when the input format is named raw', () => {
      const hostile = plant();
      const out = join(dir, 'named-raw.raw');
      ok('convert', '-f', 'raw', '-O', 'raw', hostile, out);
      expect(contains(out, marker)).toBe(false);
      // The copy is the planted bytes themselves, header and all.
      expect(contains(out, secret)).toBe(true);
    });

    it(`leaks when opened as ${OWN_FORMAT[kind]}, so a label alone is no defence`, () => {
      // For the backing-file kinds this is why verification refuses any
      // backing file; for qcow2-data-file and vmdk-flat-extent it is the
      // CVE-2024-32498 / CVE-2022-47951 case: the genuine format leaks.
      const hostile = plant();
      const out = join(dir, 'named-own.raw');
      ok('convert', '-f', OWN_FORMAT[kind], '-O', 'raw', hostile, out);
      expect(contains(out, marker)).toBe(true);
    });

    it('is reported by a probing qemu-img info as pointing at the secret', () => {
      const hostile = plant();
      expect(ok('info', '--output=json', hostile).stdout).toContain(secret);
    });
  });

  describe('the qcow2 builder', () => {
    it.each([
      ['an empty image', { virtualSize: MiB }],
      ['512-byte clusters and several refcount blocks', { virtualSize: 1024 ** 3, clusterBits: 9 }],
      ['2 MiB clusters', { virtualSize: 1024 ** 4, clusterBits: 21 }],
      ['the largest safe size', { virtualSize: Number.MAX_SAFE_INTEGER }],
    ])('writes a genuine qcow2 that qemu-img check accepts: %s', (_, options) => {
      const path = join(dir, 'built.qcow2');
      writeFileSync(path, qcow2Header(options));
      expect(ok('check', '-f', 'qcow2', path).stdout).toContain('No errors were found on the image.');
    });

    it('writes a data-file image qemu-img check accepts, without touching the data file', () => {
      // Unlike `qemu-img create -o data_file=<secret>`, which truncates and
      // zero-fills the named file, building the bytes leaves the secret as is.
      const path = join(dir, 'data.qcow2');
      writeFileSync(path, qcow2Header({ virtualSize: MiB, dataFile: secret }));
      expect(ok('check', '-f', 'qcow2', path).stdout).toContain('No errors were found on the image.');
      expect(readFileSync(secret, 'utf8')).toBe(`${marker}\n`);
    });

    it('leaks through a data file whether or not data-file-raw is set', () => {
      // QEMU 7.2 reads mapped clusters from the data file on the strength of
      // the L2 entries alone; the autoclear bit only describes the layout.
      const path = join(dir, 'data.qcow2');
      const bytes = qcow2Header({ virtualSize: MiB, dataFile: secret });
      new DataView(bytes.buffer).setBigUint64(QCOW2_FIELD.autoclearFeatures, 0n);
      writeFileSync(path, bytes);
      expect(ok('info', '-f', 'qcow2', '--output=json', path).stdout).toContain('"data-file-raw": false');
      const out = join(dir, 'out.raw');
      ok('convert', '-f', 'qcow2', '-O', 'raw', path, out);
      expect(contains(out, marker)).toBe(true);
    });

    it('shows that qemu-img 7.2 refuses to create a backing file without a format, yet opens one', () => {
      // Creation was hardened (`-F` is required); opening an existing image
      // still probes its backing file's format, silently.
      const made = qemuImg('create', '-f', 'qcow2', '-b', secret, join(dir, 'made.qcow2'));
      expect(made.status).not.toBe(0);
      expect(made.stderr).toContain('Backing file specified without backing format');
      const planted = join(dir, 'planted.qcow2');
      writeFileSync(planted, hostileBytes('qcow2-backing-host-file', secret, MiB));
      const info = ok('info', '-f', 'qcow2', planted);
      expect(info.stderr).toBe('');
      expect(info.stdout).toContain(`backing file: ${secret}`);
    });
  });

  describe('the vmdk sparse builder', () => {
    it('writes a genuine monolithicSparse vmdk that qemu-img check accepts', () => {
      const path = join(dir, 'built.vmdk');
      writeFileSync(path, vmdkSparseImage({ virtualSize: 100 * MiB }));
      expect(ok('check', '-f', 'vmdk', path).stdout).toContain('No errors were found on the image.');
      expect(JSON.parse(ok('info', '-f', 'vmdk', '--output=json', path).stdout)).toMatchObject({
        'virtual-size': 100 * MiB,
        'format-specific': { type: 'vmdk', data: { 'create-type': 'monolithicSparse' } },
      });
    });

    it('ignores extent lines in an embedded descriptor (qemu reads a sparse extent as its own file)', () => {
      const path = join(dir, 'extent.vmdk');
      writeFileSync(path, vmdkSparseImage({ virtualSize: MiB, extentName: secret }));
      const out = join(dir, 'out.raw');
      ok('convert', '-f', 'vmdk', '-O', 'raw', path, out);
      expect(contains(out, marker)).toBe(false);
    });

    it('opens the file a parentFileNameHint names as a backing file, always as vmdk', () => {
      const parent = join(dir, 'parent.vmdk');
      ok('create', '-f', 'vmdk', parent, '1M');
      const child = join(dir, 'child.vmdk');
      writeFileSync(child, vmdkSparseImage({ virtualSize: MiB, parentFileNameHint: parent }));
      expect(JSON.parse(ok('info', '-f', 'vmdk', '--output=json', child).stdout)).toMatchObject({
        'backing-filename': parent,
        'backing-filename-format': 'vmdk',
      });
    });
  });
});
