import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandFiles } from './replay-command.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dl-expand-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('expandFiles', () => {
  it('lists the YAML files of a directory and its subdirectories, sorted, leaving hidden entries and other files out', async () => {
    await mkdir(join(dir, 'b'));
    await mkdir(join(dir, '.git'));
    for (const f of ['a.yaml', 'b/c.YML', 'notes.txt', '.draft.yaml', '.git/x.yaml', 'b/.swap.yml']) await writeFile(join(dir, f), 'format: 1\n');
    expect(await expandFiles([dir])).toEqual([join(dir, 'a.yaml'), join(dir, 'b/c.YML')]);
  });

  it('follows links to directories, and takes each directory once however it is reached (a link back up included)', async () => {
    await mkdir(join(dir, 'real'));
    await mkdir(join(dir, 'top'));
    await writeFile(join(dir, 'real/a.yaml'), 'format: 1\n');
    await symlink(join(dir, 'real'), join(dir, 'top/linked'));
    await symlink(dir, join(dir, 'real/loop'));
    expect(await expandFiles([join(dir, 'top')])).toEqual([join(dir, 'top/linked/a.yaml')]);
  });

  it('takes a file once, however often and by whatever way it is named', async () => {
    await mkdir(join(dir, 'd'));
    await writeFile(join(dir, 'd/a.yaml'), 'format: 1\n');
    await symlink(join(dir, 'd/a.yaml'), join(dir, 'd/b.yaml'));
    const a = join(dir, 'd/a.yaml');
    expect(await expandFiles([a, join(dir, 'd'), a, join(dir, 'missing.yaml'), join(dir, 'missing.yaml')])).toEqual([a, join(dir, 'missing.yaml')]);
  });

  it('keeps a file named on the command line as it is, hidden or not', async () => {
    const hidden = join(dir, '.draft.yaml');
    await writeFile(hidden, 'format: 1\n');
    expect(await expandFiles([hidden, join(dir, 'missing.yaml')])).toEqual([hidden, join(dir, 'missing.yaml')]);
  });
});
