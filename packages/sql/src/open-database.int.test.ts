import * as E from 'fp-ts/lib/Either.js';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { forEachBackend } from './testing/backends.js';
import { freshDatabase } from './testing/fresh-database.js';
import { describeWithServer } from './testing/server-env.js';

describe('openDatabase on a server that accepts connections and never answers', () => {
  const sockets: Socket[] = [];
  const silent = createServer((s) => sockets.push(s));
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  for (const scheme of ['postgres', 'mysql']) {
    it(`gives up on ${scheme} after the connect timeout, naming the database, instead of hanging`, async () => {
      const started = Date.now();
      const r = await openDatabase(`${scheme}://u:pw@127.0.0.1:${port}/x`, { connectTimeoutMs: 300 })();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(E.isLeft(r) && r.left.message).toContain(`${scheme}://u:***@127.0.0.1:${port}/x`);
    });
  }
});

describe('openDatabase with a URL option its driver refuses', () => {
  it('answers a typed error naming the database, password redacted, instead of throwing', async () => {
    const r = await openDatabase('mysql://u:pw@127.0.0.1:1/x?ssl=nonsense')();
    expect(E.isLeft(r) && r.left.code).toBe('REPOSITORY_FAILED');
    expect(E.isLeft(r) && r.left.message).toMatch(/^mysql:\/\/u:\*\*\*@127\.0\.0\.1:1\/x\?ssl=nonsense: the database driver refuses its options: .*nonsense/);
  });
});

forEachBackend('openDatabase', (backend) => {
  describe(`openDatabase on ${backend.name}`, () => {
    it('closes once, however often close is called', async () => {
      const t = await backend.open();
      await t.database.close();
      await expect(t.database.close()).resolves.toBeUndefined();
      await expect(Promise.all([t.database.close(), t.database.close()])).resolves.toEqual([undefined, undefined]);
      await t.dispose();
    });
  });
});

describeWithServer('postgres', 'openDatabase on PostgreSQL whose search_path names no existing schema', (serverUrl) => {
  it('refuses it, naming the search_path, instead of taking every schema\'s tables for its own', async () => {
    const fresh = await freshDatabase('postgres', serverUrl);
    try {
      const url = `${fresh.url}?options=${encodeURIComponent('-c search_path=no_such_schema')}`;
      for (const migrate of [true, 'require'] as const) {
        const r = await openDatabase(url, { migrate })();
        expect(E.isLeft(r) && r.left.message, String(migrate)).toContain("no schema of the connection's search_path exists");
      }
    } finally {
      await fresh.drop();
    }
  });
});
