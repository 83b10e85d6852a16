/**
 * The README's embedding example, as written, in a child process on this
 * machine: real qemu-img, a SQLite file, three host directories. Only its
 * paths move into a temporary directory and its `declare`d image service
 * becomes a real directory of images; each lifecycle call it makes must
 * succeed, and it must type-check against the packages as they are.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'test-results', `readme-${process.pid}`);

/** The first ```ts block under `## Embedding`. */
const embeddingExample = (readme: string): string => {
  const section = readme.slice(readme.indexOf('## Embedding'));
  const start = section.indexOf('```ts\n');
  const end = section.indexOf('\n```', start + 6);
  if (start < 0 || end < 0) throw new Error('README: no ts example under ## Embedding');
  return section.slice(start + 6, end + 1);
};

/** The first ```ts block under `### On the in-memory host`. */
const inMemoryExample = (readme: string): string => embeddingExample(readme.slice(readme.indexOf('### On the in-memory host')).replace('### On the in-memory host', '## Embedding'));

const DECLARED = 'declare const glance: ImageService;';
const DECLARED_METADATA = 'declare const metadata: ConfigDriveContents;';

/** An image service over a directory: `cirros` is a real 1 GiB qcow2 made by qemu-img; uploads are kept beside it. */
const GLANCE = `import { copyFile, stat } from 'node:fs/promises';
import * as TE from 'fp-ts/lib/TaskEither.js';
const images = new Map([['cirros', { file: process.env.CIRROS, diskFormat: 'qcow2', virtualSize: 2 ** 30 }]]);
const meta = (id, i, size) => ({ id, diskFormat: i.diskFormat, containerFormat: 'bare', size, virtualSize: i.virtualSize, kernelId: null, ramdiskId: null });
const failed = (message) => ({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message });
export const directoryImages = {
  show: (id) => async () => { const i = images.get(id); return i === undefined ? { _tag: 'Left', left: failed('no image ' + id) } : { _tag: 'Right', right: meta(id, i, (await stat(i.file)).size) }; },
  download: (id, dest) => TE.tryCatch(() => copyFile(images.get(id).file, dest), (e) => failed(String(e))),
  upload: (m, src) => TE.tryCatch(async () => { const file = src + '.uploaded'; await copyFile(src, file); images.set(m.id, { file, diskFormat: m.diskFormat, virtualSize: null }); return meta(m.id, images.get(m.id), (await stat(file)).size); }, (e) => failed(String(e))),
};
`;

/** Every lifecycle call the example makes must succeed: a Left ends the process with its code. */
const CHECKED = `import { Fleet as CheckedFleet } from '@disk-ledger/core/composition';
const lifecycleOf = CheckedFleet.prototype.lifecycle;
CheckedFleet.prototype.lifecycle = function () {
  const l = lifecycleOf.call(this);
  return new Proxy(l, { get: (t, k) => { const v = Reflect.get(t, k); return typeof v !== 'function' ? v : (...a) => { const task = v.apply(t, a); return async () => { const r = await task(); if (r._tag === 'Left') { console.error('lifecycle.' + String(k) + ' failed: ' + r.left.code + ': ' + r.left.message); process.exit(3); } return r; }; }; } });
};
`;

const localised = (code: string): string =>
  code.replaceAll('/srv/', `${DIR}/srv/`).replace('/var/lib/disk-ledger/nova.sqlite', `${DIR}/nova.sqlite`);

let example = '';

beforeAll(async () => {
  await mkdir(DIR, { recursive: true });
  example = embeddingExample(await readFile(join(ROOT, 'README.md'), 'utf8'));
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', join(DIR, 'cirros.qcow2'), '1G']);
});
afterAll(async () => {
  await rm(DIR, { recursive: true, force: true });
});

describe("the README's embedding example", () => {
  it('declares the image service it leaves to the reader, and names paths this test can move', () => {
    expect(example).toContain(DECLARED);
    expect(example).toContain(DECLARED_METADATA);
    expect(example).toContain("openDatabase('/var/lib/disk-ledger/nova.sqlite')");
    expect(example).toContain('/srv/');
  });

  it('type-checks against the packages as they are', async () => {
    await writeFile(join(DIR, 'example.mts'), example);
    await writeFile(join(DIR, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false }, files: ['example.mts'] }));
    const r = await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(DIR, 'tsconfig.json')], { cwd: DIR }).then(() => 'ok', (e: { stdout?: string }) => e.stdout ?? String(e));
    expect(r).toBe('ok');
  });

  it('runs to the end on real qemu-img and SQLite, every lifecycle call succeeding, and leaves no disk behind', async () => {
    await writeFile(join(DIR, 'glance.mjs'), GLANCE);
    await writeFile(join(DIR, 'checked.mjs'), CHECKED);
    const body = localised(example)
      .replace(DECLARED, "import { directoryImages } from './glance.mjs';\nconst glance: ImageService = directoryImages;")
      .replace(DECLARED_METADATA, "const metadata: ConfigDriveContents = { files: (i) => async () => ({ _tag: 'Right', right: [{ path: 'openstack/latest/meta_data.json', content: JSON.stringify({ uuid: i }) }] }) };");
    await writeFile(join(DIR, 'run.mts'), `import './checked.mjs';\n${body}`);
    const r = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(DIR, 'run.mts')], { cwd: DIR, env: { ...process.env, CIRROS: join(DIR, 'cirros.qcow2') } }).then(
      (out) => ({ code: 0, stderr: out.stderr }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, stderr: e.stderr ?? '' }),
    );
    expect(r, r.stderr).toEqual({ code: 0, stderr: '' });
    // The instance was deleted at the end: no host directory holds anything of it.
    const left = await run('find', [join(DIR, 'srv'), '-path', '*6f1c2a9e*']);
    expect(left.stdout.split('\n').filter((l) => l !== '')).toEqual([]);
  });
});

describe("the README's in-memory example", () => {
  it('type-checks and runs, printing every record of the boot and no probe or leak', async () => {
    const code = inMemoryExample(await readFile(join(ROOT, 'README.md'), 'utf8'));
    expect(code).toContain('fakeHostModule');
    await writeFile(join(DIR, 'in-memory.mts'), code);
    await writeFile(join(DIR, 'tsconfig.in-memory.json'), JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false }, files: ['in-memory.mts'] }));
    const checked = await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(DIR, 'tsconfig.in-memory.json')], { cwd: DIR }).then(() => 'ok', (e: { stdout?: string }) => e.stdout ?? String(e));
    expect(checked).toBe('ok');
    const out = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(DIR, 'in-memory.mts')], { cwd: DIR });
    expect(out.stdout.trim().split('\n')).toEqual([
      'root qcow2 qcow2 2147483648 disk',
      'ephemeral0 qcow2 qcow2 1073741824 disk.eph0',
      'swap qcow2 qcow2 536870912 disk.swap',
      'config flat raw 67108864 disk.config',
      'probes 0 leaks 0',
    ]);
  });
});
