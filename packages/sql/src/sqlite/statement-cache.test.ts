import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachingStatements } from './statement-cache.js';

describe('cachingStatements', () => {
  let raw: Database.Database;
  beforeEach(() => {
    raw = new Database(':memory:');
    raw.exec('CREATE TABLE t (n INTEGER)');
  });
  afterEach(() => {
    if (raw.open) raw.close();
  });

  it('prepares a text once and runs it with each call’s parameters', () => {
    const db = cachingStatements(raw);
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    expect(db.prepare('INSERT INTO t (n) VALUES (?)')).toBe(insert);
    for (const n of [1, 2, 3]) db.prepare('INSERT INTO t (n) VALUES (?)').run([n]);
    expect(db.prepare('SELECT n FROM t WHERE n >= ? ORDER BY n').all([2])).toEqual([{ n: 2 }, { n: 3 }]);
  });

  it('forgets the least recently used text beyond its size', () => {
    const db = cachingStatements(raw, 2);
    const a = db.prepare('SELECT 1');
    const b = db.prepare('SELECT 2');
    expect(db.prepare('SELECT 1')).toBe(a);
    db.prepare('SELECT 3');
    expect(db.prepare('SELECT 1')).toBe(a);
    expect(db.prepare('SELECT 2')).not.toBe(b);
  });

  it('prepares a text again while its cached statement is iterating', () => {
    const db = cachingStatements(raw);
    raw.exec('INSERT INTO t (n) VALUES (1), (2)');
    const select = db.prepare('SELECT n FROM t ORDER BY n');
    const seen: unknown[] = [];
    for (const row of select.iterate([])) seen.push(row, db.prepare('SELECT n FROM t ORDER BY n').all([]));
    expect(seen).toEqual([{ n: 1 }, [{ n: 1 }, { n: 2 }], { n: 2 }, [{ n: 1 }, { n: 2 }]]);
  });

  it('sees a table changed after its statement was cached', () => {
    const db = cachingStatements(raw);
    expect(db.prepare('SELECT * FROM t').all([])).toEqual([]);
    raw.exec('ALTER TABLE t ADD COLUMN m INTEGER DEFAULT 7; INSERT INTO t (n) VALUES (1)');
    expect(db.prepare('SELECT * FROM t').all([])).toEqual([{ n: 1, m: 7 }]);
  });

  it('closes the database', () => {
    const db = cachingStatements(raw);
    db.prepare('SELECT 1');
    db.close();
    expect(raw.open).toBe(false);
  });
});
