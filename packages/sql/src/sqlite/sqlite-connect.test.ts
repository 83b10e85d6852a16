import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../open-database.js';

describe('SQLite connections while another connection holds the file locked', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dl-sqlite-busy-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('wait for the lock, setting up their session too, instead of failing at once', async () => {
    const path = join(dir, 'ledger.db');
    const made = await openDatabase(path)();
    if (E.isLeft(made)) throw new Error(made.left.message);
    await made.right.close();
    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        holder.exec('COMMIT');
        holder.close();
        resolve();
      }, 1500),
    );
    const opened = await openDatabase(path, { migrate: 'require' })();
    await released;
    expect(E.isRight(opened) || opened.left.message).toBe(true);
    if (E.isRight(opened)) {
      expect(E.isRight(await opened.right.repository.listUnpopulated(10)())).toBe(true);
      await opened.right.close();
    }
  });
});
