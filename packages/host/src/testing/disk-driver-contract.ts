/**
 * The `DiskDriver` contract, written against the ports only so that it runs
 * on any executor + files pair: the real host (execa, node:fs) and the
 * in-memory emulator alike. The suite wraps the harness's executor and files
 * to count commands and host writes, which is how "bad input runs nothing
 * and writes nothing" and "every qemu-img argv names every format" are seen.
 */
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DISK_FORMATS,
  isAllowedPair,
  type Backend,
  type BaseFormat,
  type BaseImage,
  type ByteSize,
  type CommandExecutor,
  type DiskDriver,
  type DiskFormat,
  type DiskImage,
  type DiskLocation,
  type HostFiles,
  type HostPath,
  type StorageError,
} from '@disk-ledger/domain';
import { formatViolations } from './argv-checks.js';
import { BAD_SIZES, badLocations, foreignLocations } from './bad-inputs.js';
import { expectLeft, expectRight } from './expect-result.js';
import { RecordingExecutor, RecordingFiles } from './recording-executor.js';

/** What an adapter set provides to run the contract. */
export interface DiskDriverHarness {
  /** The backend and recorded format the suite exercises. */
  readonly backend: Backend;
  readonly format: DiskFormat;
  readonly executor: CommandExecutor;
  readonly files: HostFiles;
  /** Build the driver under test on the given (wrapped) executor and files. */
  makeDriver(executor: CommandExecutor, files: HostFiles): DiskDriver;
  /** A valid location for a new disk; `name` is unique within the suite (letters, digits, `-`). */
  location(name: string): DiskLocation;
  /** A cached base image of `format` and `size` bytes whose content begins with `head`. */
  makeBase(name: string, format: BaseFormat, size: ByteSize, head: Uint8Array): Promise<BaseImage>;
  /** A directory that exports may be written into. */
  readonly exportDir: HostPath;
  /** Every size the suite uses is a multiple of this (default 4 MiB, an LVM extent). */
  readonly sizeUnit?: number;
  /** Whether disk content can be written and read back (false where data cannot flow, e.g. LVM metadata-only). */
  readonly content: boolean;
  cleanup(): Promise<void>;
}

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const QCOW2_MAGIC = [0x51, 0x46, 0x49, 0xfb];

/** Run the contract against the adapter set `makeHarness` builds. */
export const describeDiskDriverContract = (name: string, makeHarness: () => Promise<DiskDriverHarness>): void => {
  describe(`DiskDriver contract: ${name}`, () => {
    let h: DiskDriverHarness;
    let exec: RecordingExecutor;
    let files: RecordingFiles;
    let driver: DiskDriver;
    let u: number;
    let n = 0;
    const fresh = (prefix: string): DiskImage => ({ location: h.location(`${prefix}-${++n}`), format: h.format });
    const size = (units: number): ByteSize => (units * u) as ByteSize;
    const state = (disk: DiskImage) => expectRight(driver.inspect(disk));
    const exportPath = (label: string): HostPath => `${h.exportDir}/${label}-${++n}` as HostPath;

    /** Bad input must end as a typed error with no command run and nothing written. */
    const refused = async <A>(task: TE.TaskEither<StorageError, A>, code: StorageError['code']): Promise<void> => {
      exec.clear();
      files.clear();
      await expectLeft(task, code);
      expect(exec.argvs, 'commands run for bad input').toEqual([]);
      expect(files.writes, 'host writes for bad input').toEqual([]);
    };

    beforeAll(async () => {
      h = await makeHarness();
      exec = new RecordingExecutor(h.executor);
      files = new RecordingFiles(h.files);
      driver = h.makeDriver(exec, files);
      u = h.sizeUnit ?? 4 * 1024 * 1024;
    });

    afterAll(async () => {
      await h?.cleanup();
    });

    afterEach(() => {
      const issued = [...exec.argvs];
      exec.clear();
      expect(formatViolations(issued), 'qemu-img argvs that do not name every format').toEqual([]);
    });

    it('serves its backend', () => {
      expect(driver.backend).toBe(h.backend);
    });

    describe('when the disk is absent', () => {
      it('inspects as not existing', async () => {
        expect(await state(fresh('absent'))).toEqual({ exists: false });
      });
      it('refuses to resize it with DISK_NOT_FOUND', async () => {
        await expectLeft(driver.resize(fresh('absent'), size(2)), 'DISK_NOT_FOUND');
      });
      it('refuses to export it with DISK_NOT_FOUND and writes no file', async () => {
        const dest = exportPath('absent');
        await expectLeft(driver.exportTo(fresh('absent'), dest, 'raw'), 'DISK_NOT_FOUND');
        expect(await expectRight(h.files.exists(dest))).toBe(false);
      });
      it('removes it successfully (remove is idempotent)', async () => {
        const disk = fresh('absent');
        await expectRight(driver.remove(disk.location));
        expect(await state(disk)).toEqual({ exists: false });
      });
    });

    describe('when creating a blank disk', () => {
      it('creates it with the stated size', async () => {
        const disk = fresh('blank');
        await expectRight(driver.createBlank(disk, size(2)));
        expect(await state(disk)).toMatchObject({ exists: true, virtualSize: size(2) });
      });
      it('refuses an existing target with DISK_EXISTS and leaves it as it was', async () => {
        const disk = fresh('blank');
        await expectRight(driver.createBlank(disk, size(2)));
        await expectLeft(driver.createBlank(disk, size(3)), 'DISK_EXISTS');
        expect(await state(disk)).toMatchObject({ exists: true, virtualSize: size(2) });
      });
      it('grows it, and growing to the same size changes nothing', async () => {
        const disk = fresh('grow');
        await expectRight(driver.createBlank(disk, size(1)));
        await expectRight(driver.resize(disk, size(3)));
        expect(await state(disk)).toMatchObject({ exists: true, virtualSize: size(3) });
        await expectRight(driver.resize(disk, size(3)));
        expect(await state(disk)).toMatchObject({ exists: true, virtualSize: size(3) });
      });
      it('refuses to shrink it with UNSUPPORTED_OPERATION and keeps its size', async () => {
        const disk = fresh('shrink');
        await expectRight(driver.createBlank(disk, size(2)));
        await expectLeft(driver.resize(disk, size(1)), 'UNSUPPORTED_OPERATION');
        expect(await state(disk)).toMatchObject({ exists: true, virtualSize: size(2) });
      });
      it('removes it', async () => {
        const disk = fresh('remove');
        await expectRight(driver.createBlank(disk, size(1)));
        await expectRight(driver.remove(disk.location));
        expect(await state(disk)).toEqual({ exists: false });
        await expectRight(driver.remove(disk.location));
      });
    });

    describe('when creating from a base image', () => {
      for (const baseFormat of ['raw', 'qcow2'] as const) {
        it(`copies a ${baseFormat} base's content and grows it to the stated size`, async ({ skip }) => {
          if (!h.content) skip('this harness cannot move disk content');
          const head = ascii(`base ${baseFormat} ${name}`);
          const base = await h.makeBase(`base-${baseFormat}-${++n}`, baseFormat, size(1), head);
          const disk = fresh(`from-${baseFormat}`);
          await expectRight(driver.createFromBase(disk, base, size(2)));
          expect(await state(disk)).toMatchObject({ exists: true, virtualSize: size(2) });
          const raw = exportPath('raw');
          await expectRight(driver.exportTo(disk, raw, 'raw'));
          expect([...(await expectRight(h.files.readHead(raw, head.length)))]).toEqual([...head]);
          const qcow = exportPath('qcow2');
          await expectRight(driver.exportTo(disk, qcow, 'qcow2'));
          expect([...(await expectRight(h.files.readHead(qcow, 4)))]).toEqual(QCOW2_MAGIC);
        });
      }
      it('refuses a base larger than the disk with UNSUPPORTED_OPERATION and creates nothing', async ({ skip }) => {
        if (!h.content) skip('this harness cannot move disk content');
        const base = await h.makeBase(`big-${++n}`, 'raw', size(2), ascii('big'));
        const disk = fresh('too-small');
        await expectLeft(driver.createFromBase(disk, base, size(1)), 'UNSUPPORTED_OPERATION');
        expect(await state(disk)).toEqual({ exists: false });
      });
      it('refuses an existing target with DISK_EXISTS', async ({ skip }) => {
        if (!h.content) skip('this harness cannot move disk content');
        const base = await h.makeBase(`base-${++n}`, 'raw', size(1), ascii('b'));
        const disk = fresh('occupied');
        await expectRight(driver.createBlank(disk, size(2)));
        await expectLeft(driver.createFromBase(disk, base, size(2)), 'DISK_EXISTS');
        expect(await state(disk)).toMatchObject({ exists: true, virtualSize: size(2) });
      });
      it('trusts a stated base size: reads nothing of the base, and refuses a stated size larger than the disk', async ({ skip }) => {
        if (!h.content) skip('this harness cannot move disk content');
        const base = await h.makeBase(`stated-${++n}`, 'raw', size(1), ascii('stated'));
        const disk = fresh('stated');
        exec.clear();
        await expectRight(driver.createFromBase(disk, { ...base, virtualSize: size(1) }, size(2)));
        expect(exec.argvs.filter((a) => a.includes('info') && a.includes(base.path)), 'base read despite its stated size').toEqual([]);
        expect(await state(disk)).toMatchObject({ exists: true, virtualSize: size(2) });
        const small = fresh('stated-small');
        await expectLeft(driver.createFromBase(small, { ...base, virtualSize: size(2) }, size(1)), 'UNSUPPORTED_OPERATION');
        expect(await state(small)).toEqual({ exists: false });
      });
      it('refuses a missing base with DISK_NOT_FOUND and creates nothing', async () => {
        const disk = fresh('no-base');
        const base: BaseImage = { path: `${h.exportDir}/no-such-base` as HostPath, format: 'raw' };
        await expectLeft(driver.createFromBase(disk, base, size(2)), 'DISK_NOT_FOUND');
        expect(await state(disk)).toEqual({ exists: false });
      });
    });

    describe('when copying a disk', () => {
      it('copies the content and grows the copy to the stated size', async ({ skip }) => {
        if (!h.content) skip('this harness cannot move disk content');
        const head = ascii(`copy source ${name}`);
        const base = await h.makeBase(`src-${++n}`, 'qcow2', size(1), head);
        const source = fresh('source');
        await expectRight(driver.createFromBase(source, base, size(1)));
        const copy = fresh('copy');
        await expectRight(driver.copyFrom(copy, source, size(3)));
        expect(await state(copy)).toMatchObject({ exists: true, virtualSize: size(3) });
        expect(await state(source)).toMatchObject({ exists: true, virtualSize: size(1) });
        const raw = exportPath('copy');
        await expectRight(driver.exportTo(copy, raw, 'raw'));
        expect([...(await expectRight(h.files.readHead(raw, head.length)))]).toEqual([...head]);
      });
      it('refuses a missing source and creates nothing', async () => {
        const copy = fresh('copy');
        await expectLeft(driver.copyFrom(copy, fresh('gone'), size(2)), ['DISK_NOT_FOUND', 'COMMAND_FAILED']);
        expect(await state(copy)).toEqual({ exists: false });
      });
      it('refuses a source larger than the copy with UNSUPPORTED_OPERATION', async ({ skip }) => {
        if (!h.content) skip('this harness cannot move disk content');
        const source = fresh('big-source');
        await expectRight(driver.createBlank(source, size(2)));
        const copy = fresh('small-copy');
        await expectLeft(driver.copyFrom(copy, source, size(1)), 'UNSUPPORTED_OPERATION');
        expect(await state(copy)).toEqual({ exists: false });
      });
      it('refuses an occupied target with DISK_EXISTS and leaves it as it was', async ({ skip }) => {
        if (!h.content) skip('this harness cannot move disk content');
        const source = fresh('copy-from');
        await expectRight(driver.createBlank(source, size(1)));
        const copy = fresh('copy-occupied');
        await expectRight(driver.createBlank(copy, size(2)));
        await expectLeft(driver.copyFrom(copy, source, size(2)), 'DISK_EXISTS');
        expect(await state(copy)).toMatchObject({ exists: true, virtualSize: size(2) });
      });
    });

    describe('when the input is bad', () => {
      it('refuses bad sizes with INVALID_SIZE, running nothing and writing nothing', async () => {
        const base: BaseImage = { path: `${h.exportDir}/base` as HostPath, format: 'raw' };
        for (const bad of BAD_SIZES) {
          const s = bad as ByteSize;
          await refused(driver.createBlank(fresh('bad-size'), s), 'INVALID_SIZE');
          await refused(driver.createFromBase(fresh('bad-size'), base, s), 'INVALID_SIZE');
          // An undefined size is a size not stated.
          if (bad !== undefined) await refused(driver.createFromBase(fresh('bad-size'), { ...base, virtualSize: s }, size(1)), 'INVALID_SIZE');
          await refused(driver.copyFrom(fresh('bad-size'), fresh('src'), s), 'INVALID_SIZE');
          await refused(driver.resize(fresh('bad-size'), s), 'INVALID_SIZE');
        }
      });
      it('refuses bad names with INVALID_NAME, running nothing and writing nothing', async () => {
        const base: BaseImage = { path: `${h.exportDir}/base` as HostPath, format: 'raw' };
        for (const location of badLocations(h.location('good'))) {
          const disk: DiskImage = { location, format: h.format };
          await refused(driver.createBlank(disk, size(1)), 'INVALID_NAME');
          await refused(driver.createFromBase(disk, base, size(1)), 'INVALID_NAME');
          await refused(driver.copyFrom(disk, fresh('src'), size(1)), 'INVALID_NAME');
          await refused(driver.copyFrom(fresh('dst'), disk, size(1)), 'INVALID_NAME');
          await refused(driver.resize(disk, size(1)), 'INVALID_NAME');
          await refused(driver.exportTo(disk, exportPath('x'), 'raw'), 'INVALID_NAME');
          await refused(driver.inspect(disk), 'INVALID_NAME');
          await refused(driver.remove(location), 'INVALID_NAME');
        }
        for (const path of ['relative', '/a/../b', '/a/b;c', '/a/b\0', '']) {
          await refused(driver.createFromBase(fresh('dst'), { path: path as HostPath, format: 'raw' }, size(1)), 'INVALID_NAME');
          await refused(driver.exportTo(fresh('src'), path as HostPath, 'raw'), 'INVALID_NAME');
        }
      });
      it('refuses formats the backend cannot hold, and unknown formats, with UNSUPPORTED_OPERATION', async () => {
        const wrong = [...DISK_FORMATS.filter((f) => !isAllowedPair(h.backend, f)), 'vmdk', 'qed', 'auto', ''];
        for (const format of wrong) {
          const disk = { location: h.location('fmt'), format: format as DiskFormat };
          await refused(driver.createBlank(disk, size(1)), 'UNSUPPORTED_OPERATION');
          await refused(driver.resize(disk, size(1)), 'UNSUPPORTED_OPERATION');
          await refused(driver.inspect(disk), 'UNSUPPORTED_OPERATION');
        }
        for (const format of ['vmdk', 'qed', 'ploop', '']) {
          const source = { location: { backend: 'flat', path: `${h.exportDir}/s` as HostPath }, format: format as DiskFormat } as const;
          await refused(driver.copyFrom(fresh('dst'), source, size(1)), 'UNSUPPORTED_OPERATION');
          await refused(driver.createFromBase(fresh('dst'), { path: `${h.exportDir}/b` as HostPath, format: format as BaseFormat }, size(1)), 'UNSUPPORTED_OPERATION');
          await refused(driver.exportTo(fresh('src'), exportPath('x'), format as 'raw'), 'UNSUPPORTED_OPERATION');
        }
      });
      it('refuses locations of other backends with UNSUPPORTED_OPERATION', async () => {
        for (const location of foreignLocations(h.backend)) {
          await refused(driver.createBlank({ location, format: h.format }, size(1)), 'UNSUPPORTED_OPERATION');
          await refused(driver.inspect({ location, format: h.format }), 'UNSUPPORTED_OPERATION');
          await refused(driver.remove(location), 'UNSUPPORTED_OPERATION');
        }
      });
    });
  });
};
