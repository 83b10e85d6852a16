import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostPath } from '@disk-ledger/domain';
import { parseSecretMarker } from '@disk-ledger/fake';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plantSecrets } from './secrets.js';
import { SiteLayout } from './site-layout.js';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dl-secrets-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('plantSecrets', () => {
  it("writes every host a file for each secret any host names, each holding a unique marker naming host and path", async () => {
    const set = await plantSecrets(SiteLayout.at(root as HostPath), [{ name: 'c1', secrets: ['/etc/shadow'] }, { name: 'c2', secrets: ['/etc/shadow', '/root/.ssh/id_rsa'] }]);
    expect(set.all.map((s) => `${s.host}:${s.path}`)).toEqual(['c1:/etc/shadow', 'c1:/root/.ssh/id_rsa', 'c2:/etc/shadow', 'c2:/root/.ssh/id_rsa']);
    const [first, , second] = set.all;
    expect(await readFile(`${root}/hosts/c1/fs/etc/shadow`, 'utf8')).toBe(`${first?.marker}\n`);
    expect(parseSecretMarker(first?.marker ?? '')).toEqual({ host: 'c1', path: '/etc/shadow' });
    expect(first?.marker).not.toBe(second?.marker);
    // The marker is in the content only: a path never holds it.
    expect(first?.file.includes(first.marker)).toBe(false);
  });

  it('finds exactly the secrets whose marker occurs in some bytes', async () => {
    const set = await plantSecrets(SiteLayout.at(root as HostPath), [{ name: 'c1', secrets: ['/etc/shadow', '/etc/ssh/key'] }]);
    const [shadow, key] = set.all;
    const bytes = Buffer.concat([Buffer.alloc(70_000), Buffer.from(`xx${key?.marker}\n`), Buffer.alloc(10)]);
    expect(set.foundIn(bytes)).toEqual([{ secret: key, marker: key?.marker }]);
    expect(set.foundIn(new Uint8Array(100))).toEqual([]);
    expect(set.foundIn(Buffer.from(`${shadow?.marker}${key?.marker}`))).toHaveLength(2);
  });

  it('gives every file a new marker of the same length at each rotation, and still finds the old ones, as what they are', async () => {
    const set = await plantSecrets(SiteLayout.at(root as HostPath), [{ name: 'c1', secrets: ['/etc/shadow'] }]);
    const [shadow] = set.all;
    const file = `${root}/hosts/c1/fs/etc/shadow`;
    const before = await readFile(file, 'utf8');
    set.rotate();
    const after = await readFile(file, 'utf8');
    expect(after).not.toBe(before);
    expect(after).toHaveLength(before.length);
    expect(parseSecretMarker(after.trim())).toEqual({ host: 'c1', path: '/etc/shadow' });
    // A copy made before the rotation holds the old marker; a read since, the new one: both are found, each as itself.
    expect(set.foundIn(Buffer.from(before))).toEqual([{ secret: shadow, marker: shadow?.marker }]);
    expect(set.foundIn(Buffer.from(after))).toEqual([{ secret: shadow, marker: after.trim() }]);
    // Bytes holding both an old copy and a fresh read show the read, once.
    expect(set.foundIn(Buffer.from(`${before}${after}`))).toEqual([{ secret: shadow, marker: after.trim() }]);
  });

  it('rotates at every step, each rotation finding the file as the last one left it', async () => {
    const set = await plantSecrets(SiteLayout.at(root as HostPath), [{ name: 'c1', secrets: ['/etc/shadow'] }]);
    const [shadow] = set.all;
    const file = `${root}/hosts/c1/fs/etc/shadow`;
    set.rotate();
    const first = await readFile(file, 'utf8');
    set.rotate();
    const second = await readFile(file, 'utf8');
    expect(second).not.toBe(first);
    expect(set.foundIn(Buffer.from(first))).toEqual([{ secret: shadow, marker: first.trim() }]);
    expect(set.foundIn(Buffer.from(second))).toEqual([{ secret: shadow, marker: second.trim() }]);
  });

  it('leaves a secret file alone once a step has replaced it (a cache entry fetched onto its path)', async () => {
    const set = await plantSecrets(SiteLayout.at(root as HostPath), [{ name: 'c1', secrets: ['/etc/shadow'] }]);
    const file = `${root}/hosts/c1/fs/etc/shadow`;
    await writeFile(file, 'an image the classic driver cached here');
    set.rotate();
    expect(await readFile(file, 'utf8')).toBe('an image the classic driver cached here');
  });
});
