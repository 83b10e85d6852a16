/**
 * Templates built with this host's real tools, checked with tools that read
 * what was made (blkid, dumpe2fs, isoinfo): the builder itself never reads
 * a template back.
 */
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ByteSize, DiskFunc, HostPath } from '@disk-ledger/domain';
import { ExecaCommandExecutor } from './execa-command-executor.js';
import { NodeHostFiles } from './node-host-files.js';
import { HostTemplateBuilder } from './template-builder.js';
import { expectLeft, expectRight } from './testing/expect-result.js';
import { RecordingExecutor, RecordingFiles } from './testing/recording-executor.js';
import { sh, tempDir } from './testing/real-host.js';

const MiB = 1024 * 1024;
const hasGenisoimage = ['/usr/bin/genisoimage', '/bin/genisoimage'].some((p) => existsSync(p));

describe('HostTemplateBuilder on real tools', () => {
  const exec = new RecordingExecutor(new ExecaCommandExecutor({ defaultTimeoutMs: 60_000 }));
  const files = new RecordingFiles(new NodeHostFiles());
  const builder = new HostTemplateBuilder(exec, files);
  let dir: HostPath;
  const at = (name: string) => `${dir}/${name}` as HostPath;
  const blkid = async (p: string) => Object.fromEntries((await sh('blkid', ['-o', 'export', p])).trim().split('\n').map((l) => l.split('=', 2)));

  beforeAll(async () => {
    dir = await tempDir('templates');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  describe('when blank', () => {
    it('writes a raw file of exactly the size, all zeros', async () => {
      await expectRight(builder.build({ kind: 'blank' }, at('blank'), (4 * MiB) as ByteSize));
      const bytes = await fs.readFile(at('blank'));
      expect(bytes.length).toBe(4 * MiB);
      expect(bytes.every((b) => b === 0)).toBe(true);
    });
  });

  describe('when a file system', () => {
    it('formats ext4 with the label over the whole size', async () => {
      await expectRight(builder.build({ kind: 'filesystem', fsType: 'ext4', label: 'ephemeral0' }, at('eph'), (16 * MiB) as ByteSize));
      expect(await blkid(at('eph'))).toMatchObject({ TYPE: 'ext4', LABEL: 'ephemeral0' });
      const header = await sh('dumpe2fs', ['-h', at('eph')]);
      const blocks = Number(/Block count:\s+(\d+)/.exec(header)?.[1]);
      const blockSize = Number(/Block size:\s+(\d+)/.exec(header)?.[1]);
      expect(blocks * blockSize).toBe(16 * MiB);
      expect((await fs.stat(at('eph'))).size).toBe(16 * MiB);
    });
    it('formats ext3', async () => {
      await expectRight(builder.build({ kind: 'filesystem', fsType: 'ext3', label: 'e3' }, at('eph3'), (8 * MiB) as ByteSize));
      expect(await blkid(at('eph3'))).toMatchObject({ TYPE: 'ext3', LABEL: 'e3' });
    });
    it('removes the file when mkfs fails (too small), reporting the failure', async () => {
      await expectLeft(builder.build({ kind: 'filesystem', fsType: 'ext4', label: 'tiny' }, at('tiny'), 4096 as ByteSize), 'COMMAND_FAILED');
      expect(existsSync(at('tiny'))).toBe(false);
    });
  });

  describe('when swap', () => {
    it('writes a swap signature', async () => {
      await expectRight(builder.build({ kind: 'swap' }, at('swap'), (8 * MiB) as ByteSize));
      expect(await blkid(at('swap'))).toMatchObject({ TYPE: 'swap' });
      expect((await fs.stat(at('swap'))).size).toBe(8 * MiB);
    });
  });

  describe.runIf(hasGenisoimage)('when a config drive', () => {
    const func: DiskFunc = {
      kind: 'config-drive',
      files: [
        { path: 'openstack/latest/meta_data.json', content: '{"uuid":"i-1"}' },
        { path: 'openstack/latest/user_data', content: '#cloud-config\n' },
        { path: 'ec2/latest/meta-data.json', content: '{}' },
      ],
    };
    it('builds an ISO labelled config-2 padded to the size, and removes the staging directory', async () => {
      await expectRight(builder.build(func, at('config'), (2 * MiB) as ByteSize));
      expect((await fs.stat(at('config'))).size).toBe(2 * MiB);
      expect(await blkid(at('config'))).toMatchObject({ TYPE: 'iso9660', LABEL: 'config-2' });
      const listing = await sh('isoinfo', ['-J', '-f', '-i', at('config')]);
      expect(listing).toContain('/openstack/latest/meta_data.json');
      expect(listing).toContain('/ec2/latest/meta-data.json');
      expect(existsSync(`${at('config')}.d`)).toBe(false);
      expect(exec.argvs.at(-2)?.[0]).toBe('genisoimage');
    });
    it('fails when the content is larger than the size, leaving neither the ISO nor the staging directory', async () => {
      const big: DiskFunc = { kind: 'config-drive', files: [{ path: 'big', content: 'x'.repeat(MiB) }] };
      await expectLeft(builder.build(big, at('config-small'), (512 * 1024) as ByteSize), 'COMMAND_FAILED');
      expect(existsSync(at('config-small'))).toBe(false);
      expect(existsSync(`${at('config-small')}.d`)).toBe(false);
    });
  });

  describe('when the input is bad', () => {
    const refused = async (func: DiskFunc, dest: string, size: number, code: string) => {
      exec.clear();
      files.clear();
      await expectLeft(builder.build(func, dest as HostPath, size as ByteSize), code as 'INVALID_NAME');
      expect(exec.argvs).toEqual([]);
      expect(files.writes).toEqual([]);
    };
    it('refuses bad labels, config paths, destinations and sizes, running and writing nothing', async () => {
      await refused({ kind: 'filesystem', fsType: 'ext4', label: '-O ^has_journal' }, at('x'), MiB, 'INVALID_NAME');
      await refused({ kind: 'filesystem', fsType: 'ext4', label: 'x'.repeat(17) }, at('x'), MiB, 'INVALID_NAME');
      await refused({ kind: 'config-drive', files: [{ path: '../../etc/cron.d/x', content: '' }] }, at('x'), MiB, 'INVALID_NAME');
      await refused({ kind: 'config-drive', files: [{ path: '/etc/passwd', content: '' }] }, at('x'), MiB, 'INVALID_NAME');
      await refused({ kind: 'blank' }, `${dir}/../escape`, MiB, 'INVALID_NAME');
      await refused({ kind: 'blank' }, 'relative', MiB, 'INVALID_NAME');
      for (const size of [0, -1, 1.5, 2 ** 53]) await refused({ kind: 'blank' }, at('x'), size, 'INVALID_SIZE');
      await refused({ kind: 'filesystem', fsType: 'btrfs', label: 'x' } as unknown as DiskFunc, at('x'), MiB, 'UNSUPPORTED_OPERATION');
    });
    it('refuses an existing destination with DISK_EXISTS and leaves it alone', async () => {
      await fs.writeFile(at('taken'), 'precious');
      await expectLeft(builder.build({ kind: 'blank' }, at('taken'), MiB as ByteSize), 'DISK_EXISTS');
      expect(await fs.readFile(at('taken'), 'utf8')).toBe('precious');
    });
  });
});
