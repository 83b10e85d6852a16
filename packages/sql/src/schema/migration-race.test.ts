import { describe, expect, it } from 'vitest';
import { mysqlFlavour } from '../mysql/mysql-flavour.js';
import { postgresFlavour } from '../postgres/postgres-flavour.js';
import { sqliteFlavour } from '../sqlite/sqlite-flavour.js';
import { isMigrationRace } from './migrate.js';

const failure = (fields: Record<string, unknown>): Error => Object.assign(new Error(String(fields.message ?? 'failed')), fields);

describe('isMigrationRace', () => {
  it('takes what a concurrent migration makes a statement fail with as worth another run', () => {
    expect(isMigrationRace(postgresFlavour, failure({ code: '23505' }))).toBe(true);
    expect(isMigrationRace(postgresFlavour, failure({ code: '42P07' }))).toBe(true);
    expect(isMigrationRace(postgresFlavour, failure({ code: '42701' }))).toBe(true);
    expect(isMigrationRace(postgresFlavour, failure({ code: '40P01' }))).toBe(true);
    expect(isMigrationRace(mysqlFlavour, failure({ errno: 1050 }))).toBe(true);
    expect(isMigrationRace(mysqlFlavour, failure({ errno: 1060 }))).toBe(true);
    expect(isMigrationRace(mysqlFlavour, failure({ errno: 1213 }))).toBe(true);
    expect(isMigrationRace(sqliteFlavour, failure({ code: 'SQLITE_ERROR', message: 'table instances already exists' }))).toBe(true);
    expect(isMigrationRace(sqliteFlavour, failure({ code: 'SQLITE_ERROR', message: 'duplicate column name: driver_info' }))).toBe(true);
  });

  it('does not run again for a server that does not answer, a lock held past the wait, or bad credentials', () => {
    expect(isMigrationRace(postgresFlavour, new Error('timeout expired'))).toBe(false);
    expect(isMigrationRace(postgresFlavour, failure({ code: 'ECONNREFUSED', errno: -111 }))).toBe(false);
    expect(isMigrationRace(postgresFlavour, failure({ code: '28P01' }))).toBe(false);
    expect(isMigrationRace(mysqlFlavour, failure({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }))).toBe(false);
    expect(isMigrationRace(mysqlFlavour, failure({ code: 'ETIMEDOUT' }))).toBe(false);
    expect(isMigrationRace(sqliteFlavour, failure({ code: 'SQLITE_BUSY', message: 'database is locked' }))).toBe(false);
    expect(isMigrationRace(sqliteFlavour, failure({ code: 'SQLITE_ERROR', message: 'no such table: instances' }))).toBe(false);
    expect(isMigrationRace(sqliteFlavour, 'not an error')).toBe(false);
  });
});
