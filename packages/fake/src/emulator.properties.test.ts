import { fc, it } from '@fast-check/vitest';
import type { DiskFormat, DiskLocation } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect } from 'vitest';
import { FakeCluster } from './fake-cluster.js';
import { argvArb, diskOpArb, guestContentArb, layoutArb, type DiskOp, type Layout } from './testing/fake-arbitraries.js';
import { BASE_DIR, DIR, MiB, fileAt, imageIdOf, lvAt, ok, pathOf, rbdAt, run } from './testing/run-command.js';

const SEED = 0xd15c;
const SIZE = 64 * MiB;

interface Disk {
  readonly location: DiskLocation;
  readonly format: DiskFormat;
  /** qemu-img's path and format name. */
  readonly qpath: string;
  readonly qformat: 'raw' | 'qcow2' | 'parallels';
  readonly kind: 'file' | 'lv' | 'rbd' | 'ploop';
}

const newCluster = async (): Promise<FakeCluster> => {
  const c = new FakeCluster({
    hosts: [{ name: 'h1', volumeGroups: ['vg0'], rbdPools: ['pool0'], secrets: ['/etc/shadow', '/root/.ssh/id_rsa'], directories: [DIR, BASE_DIR] }],
  });
  c.addImage({ id: 'cirros', diskFormat: 'qcow2', virtualSize: SIZE });
  const r = await c.imageService('h1').download(imageIdOf('cirros'), pathOf(`${BASE_DIR}/cirros`))();
  if (E.isLeft(r)) throw new Error(r.left.message);
  return c;
};

/** Make disk number `n` the way the drivers do, naming every format. */
const makeDisk = async (c: FakeCluster, n: number, layout: Layout): Promise<Disk> => {
  const path = `${DIR}/d${n}`;
  switch (layout) {
    case 'flat-raw':
    case 'flat-qcow2': {
      const format = layout === 'flat-raw' ? 'raw' : 'qcow2';
      await ok(c, 'h1', ['qemu-img', 'create', '-f', format, path, String(SIZE)]);
      return { location: fileAt(path), format, qpath: path, qformat: format, kind: 'file' };
    }
    case 'qcow2-overlay':
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'qcow2', '-b', `${BASE_DIR}/cirros`, '-F', 'qcow2', path, String(SIZE)]);
      return { location: fileAt(path, 'qcow2'), format: 'qcow2', qpath: path, qformat: 'qcow2', kind: 'file' };
    case 'lvm':
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${SIZE}b`, '-n', `d${n}`, 'vg0']);
      return { location: lvAt('vg0', `d${n}`), format: 'raw', qpath: `/dev/vg0/d${n}`, qformat: 'raw', kind: 'lv' };
    case 'rbd':
      await ok(c, 'h1', ['rbd', 'create', '--size', `${SIZE}B`, `pool0/d${n}`]);
      return { location: rbdAt('pool0', `d${n}`), format: 'raw', qpath: `rbd:pool0/d${n}`, qformat: 'raw', kind: 'rbd' };
    case 'ploop':
    case 'ploop-raw': {
      c.host('h1').fs.mkdirp(path);
      if (layout === 'ploop') await ok(c, 'h1', ['ploop', 'init', '-s', `${SIZE / 1024}K`, '-f', 'ploop1', '-t', 'none', `${path}/root.hds`]);
      else {
        await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${path}/root.hds`, String(SIZE)]);
        await ok(c, 'h1', ['ploop', 'restore-descriptor', '-f', 'raw', path, `${path}/root.hds`]);
      }
      const format = layout === 'ploop' ? 'ploop' : 'raw';
      return { location: fileAt(path, 'ploop'), format, qpath: `${path}/root.hds`, qformat: format === 'ploop' ? 'parallels' : 'raw', kind: 'ploop' };
    }
  }
};

/** Apply one operation, naming every format; returns a new disk for a copy. */
const apply = async (c: FakeCluster, disks: Disk[], op: DiskOp): Promise<void> => {
  const d = disks[op.disk % disks.length];
  if (d === undefined) return;
  switch (op.op) {
    case 'write': {
      const w = c.guestWrite('h1', d.location, d.format, op.content);
      if (!w.ok) throw new Error(w.message);
      return;
    }
    case 'copy': {
      const path = `${DIR}/d${disks.length}`;
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', d.qformat, '-O', op.out, d.qpath, path]);
      disks.push({ location: fileAt(path, op.out === 'qcow2' ? 'qcow2' : 'flat'), format: op.out, qpath: path, qformat: op.out, kind: 'file' });
      return;
    }
    case 'grow': {
      const size = (c.diskAt('h1', d.location)?.virtualSize ?? 0) + MiB;
      if (d.kind === 'lv') await ok(c, 'h1', ['lvextend', '-L', `${size + 4 * MiB}b`, `vg0/${d.qpath.slice('/dev/vg0/'.length)}`]);
      else if (d.kind === 'rbd') await ok(c, 'h1', ['rbd', 'resize', '--size', `${size}B`, d.qpath.slice('rbd:'.length)]);
      else if (d.kind === 'ploop') await ok(c, 'h1', ['ploop', 'resize', '-s', `${size / 1024}K`, `${d.qpath.slice(0, -'/root.hds'.length)}/DiskDescriptor.xml`]);
      else await ok(c, 'h1', ['qemu-img', 'resize', '-f', d.qformat, d.qpath, String(size)]);
      return;
    }
    case 'info':
      await ok(c, 'h1', ['qemu-img', 'info', '-f', d.qformat, '--output=json', d.qpath]);
      return;
  }
};

const replay = async (layouts: readonly Layout[], ops: readonly DiskOp[]): Promise<{ c: FakeCluster; disks: Disk[] }> => {
  const c = await newCluster();
  const disks: Disk[] = [];
  for (const [n, layout] of layouts.entries()) disks.push(await makeDisk(c, n, layout));
  for (const op of ops) await apply(c, disks, op);
  return { c, disks };
};

const layoutsArb = fc.array(layoutArb, { minLength: 1, maxLength: 4 });
const opsArb = fc.array(diskOpArb, { maxLength: 12 });

describe('the emulator', () => {
  describe('when every format is named', () => {
    it.prop([layoutsArb, opsArb], { seed: SEED, numRuns: 150 })('opening any content with its recorded format never probes', async (layouts, ops) => {
      const { c, disks } = await replay(layouts, ops);
      for (const d of disks) expect(c.guestView('h1', d.location, d.format).ok).toBe(true);
      expect(c.probes()).toEqual([]);
    });

    it.prop([layoutsArb, opsArb], { seed: SEED + 1, numRuns: 150 })('any sequence of guest writes and -f-named copies never leaks', async (layouts, ops) => {
      const { c, disks } = await replay(layouts, ops);
      for (const d of disks) {
        const v = c.guestView('h1', d.location, d.format);
        expect(v.ok && v.view.secrets).toEqual([]);
      }
      expect(c.leaks()).toEqual([]);
    });
  });

  describe('when a raw disk is read without its format', () => {
    it.prop([fc.constantFrom<Layout>('flat-raw', 'lvm', 'rbd'), guestContentArb], { seed: SEED + 2, numRuns: 100 })(
      'a hostile write pointing at a secret is probed and leaked, a benign one only probed',
      async (layout, content) => {
        const c = await newCluster();
        const d = await makeDisk(c, 0, layout);
        c.guestWrite('h1', d.location, 'raw', content);
        const r = await run(c, 'h1', ['qemu-img', 'convert', '-O', 'raw', d.qpath, `${DIR}/out`]);
        const secretTarget = content.kind !== 'benign' && (content.target === '/etc/shadow' || content.target === '/root/.ssh/id_rsa');
        expect(c.probes().length).toBeGreaterThanOrEqual(1);
        expect(c.leaks().length > 0).toBe(secretTarget);
        if (content.kind === 'benign') expect(E.isRight(r)).toBe(true);
      },
    );
  });

  describe('when given any argv', () => {
    it.prop([argvArb], { seed: SEED + 3, numRuns: 1000 })('answers with a value, never a throw, and logs it', async ([program, args]) => {
      const c = await newCluster();
      const before = c.commandCount;
      const r = await c.executor('h1').run({ argv: [program, ...args] })();
      expect(E.isLeft(r) || E.isRight(r)).toBe(true);
      if (E.isLeft(r)) expect(['CommandFailed', 'CommandUnsupported']).toContain(r.left._tag);
      expect(c.commandCount).toBe(before + 1);
    });
  });
});
