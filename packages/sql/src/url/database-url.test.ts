import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactUrl } from './database-url.js';

const target = (url: string): unknown => {
  const parsed = parseDatabaseUrl(url);
  return E.isRight(parsed) ? parsed.right : parsed.left.code;
};

describe('parseDatabaseUrl', () => {
  describe('when the URL names SQLite', () => {
    it('accepts memory, absolute, URL-absolute, relative and plain paths', () => {
      expect(target('sqlite::memory:')).toMatchObject({ dialect: 'sqlite', path: ':memory:' });
      expect(target(':memory:')).toMatchObject({ dialect: 'sqlite', path: ':memory:' });
      expect(target('sqlite:/var/lib/ledger.db')).toMatchObject({ dialect: 'sqlite', path: '/var/lib/ledger.db' });
      expect(target('sqlite:///var/lib/ledger.db')).toMatchObject({ dialect: 'sqlite', path: '/var/lib/ledger.db' });
      expect(target('sqlite:data/ledger.db')).toMatchObject({ dialect: 'sqlite', path: 'data/ledger.db' });
      expect(target('/var/lib/ledger.db')).toMatchObject({ dialect: 'sqlite', path: '/var/lib/ledger.db' });
      expect(target('ledger.db')).toMatchObject({ dialect: 'sqlite', path: 'ledger.db' });
    });
    it('decodes %-escapes of the URL form, and takes a plain path as it is', () => {
      expect(target('sqlite:///tmp/p%20q.db')).toMatchObject({ dialect: 'sqlite', path: '/tmp/p q.db' });
      expect(target('/tmp/p%20q?.db')).toMatchObject({ dialect: 'sqlite', path: '/tmp/p%20q?.db' });
    });
  });

  describe('when the URL names a server', () => {
    it('accepts postgres, postgresql, mysql and mariadb, and speaks mysql:// to both of the latter', () => {
      expect(target('postgres://u@db:5432/nova')).toMatchObject({ dialect: 'postgres', url: 'postgres://u@db:5432/nova' });
      expect(target('postgresql://db/nova')).toMatchObject({ dialect: 'postgres' });
      expect(target('mysql://u:p@db/nova')).toMatchObject({ dialect: 'mysql', url: 'mysql://u:p@db/nova', redacted: 'mysql://u:***@db/nova' });
      expect(target('mariadb://u@db:3306/nova')).toMatchObject({ dialect: 'mysql', url: 'mysql://u@db:3306/nova' });
    });
    it('names the host and database the drivers read, and refuses a URL whose text seems to name another', () => {
      expect(target('postgres://u:p%2F%40q@db.example:5432/nova')).toMatchObject({ redacted: 'postgres://u:***@db.example:5432/nova' });
      for (const ambiguous of ['postgres://u:p@ss/w@127.0.0.1:1/x', 'mysql://u:p@ss/w@127.0.0.1:1/x']) {
        const parsed = parseDatabaseUrl(ambiguous);
        expect(parsed, ambiguous).toMatchObject({ left: { code: 'DATABASE_URL_INVALID' } });
        expect(E.isLeft(parsed) && parsed.left.message).toContain('ambiguous');
      }
    });
  });

  describe('when a server URL lacks the ":" after its scheme', () => {
    it('refuses it as such, with no password in it too, rather than open a relative SQLite file of that name', () => {
      for (const typo of ['postgres//db/nova', 'postgres/db/nova', 'postgresql//h/x', 'mysql2//u@h/db', 'mariadb/h/db', 'sqlite3//x.db', 'sqlite//x.db']) {
        const parsed = parseDatabaseUrl(typo);
        expect(E.isLeft(parsed) && parsed.left.message, typo).toContain('lacks the ":" after its scheme');
      }
      // A relative path whose first directory merely starts like a scheme is a path.
      expect(parseDatabaseUrl('postgresdata/x.db')).toMatchObject({ right: { dialect: 'sqlite', path: 'postgresdata/x.db' } });
    });
  });

  describe('when the URL is bad', () => {
    it('answers DATABASE_URL_INVALID naming the URL without its password', () => {
      for (const bad of ['postgres:/admin:secret@db1/nova', 'postgresql:admin:secret@db1/nova', 'mariadb:/admin:secret@db1/nova', 'mysql//admin:secret@db1/nova', 'POSTGRES//u:secret@h/x', 'postgres/u:secret@h/db', 'mysql2//u:secret@h/db', 'data/u:secret@h/db', 'sqlite:memory:', 'sqlite:memory', 'sqlite::memory', ':memory', '', 'sqlite:', 'sqlite://host/x.db', 'oracle://u:secret@db/x', 'postgres:nova', 'mysql://u:secret@/x', 'postgres://u:secret@db:99999999/x', 'postgres://u:secret@db:5432/', 'postgres://u:secret@db', 'mysql://u:secret@db:3306/', 'sqlite:/tmp/q.db?mode=ro', 'sqlite:/tmp/%zz.db', 'sqlite:/tmp/a%00b.db']) {
        const parsed = parseDatabaseUrl(bad);
        expect(E.isLeft(parsed), bad).toBe(true);
        if (E.isLeft(parsed)) {
          expect(parsed.left.code).toBe('DATABASE_URL_INVALID');
          expect(parsed.left.message).not.toContain('secret');
          expect(parsed.left.url).not.toContain('secret');
        }
      }
    });
  });
});

describe('redactUrl', () => {
  it('hides a password and leaves the rest', () => {
    expect(redactUrl('postgres://nova:s3cr%40t@db:5432/nova')).toBe('postgres://nova:***@db:5432/nova');
    expect(redactUrl('postgres://nova@db/nova')).toBe('postgres://nova@db/nova');
    expect(redactUrl('sqlite:/x.db')).toBe('sqlite:/x.db');
  });
  it('hides a password holding "/", "#" or "@" unencoded, whole, though the URL then does not parse', () => {
    expect(redactUrl('postgres://admin:Pa/ss#w0rd@db.example:5432/nova')).toBe('postgres://admin:***@db.example:5432/nova');
    expect(redactUrl('postgresql://nouser:Top@Secret@127.0.0.1:1/nova')).toBe('postgresql://nouser:***@127.0.0.1:1/nova');
    expect(redactUrl('mysql://disk_ledger:S3c/ret@127.0.0.1:40849/db')).toBe('mysql://disk_ledger:***@127.0.0.1:40849/db');
    const bad = parseDatabaseUrl('postgres://admin:Pa/ss#w0rd@db.example:5432/nova');
    expect(E.isLeft(bad) && bad.left.message).not.toContain('Pa/ss');
  });
  it('hides a password given as a query parameter', () => {
    expect(redactUrl('postgres://u@db/x?password=s3cret')).toBe('postgres://u@db/x?password=***');
    expect(redactUrl('postgres://u@db/x?sslmode=require&PASSWORD=a&b=c')).toBe('postgres://u@db/x?sslmode=require&PASSWORD=***&b=c');
    expect(redactUrl('mysql://u:p@db/x?password=q')).toBe('mysql://u:***@db/x?password=***');
  });
});
