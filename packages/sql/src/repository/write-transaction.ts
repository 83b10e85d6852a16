/**
 * A write transaction on one connection, begun with the dialect's own
 * statement (SQLite needs `begin immediate` so that two processes sharing a
 * file cannot both read and then fail to upgrade to a write lock). The body
 * returns an Either: Left rolls back, Right commits; a throw rolls back and
 * rethrows for the caller's `TE.tryCatch`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { sql, type Kysely } from 'kysely';
import type { NovaTables } from '../schema/nova-tables.js';
import type { SqlFlavour } from './sql-flavour.js';

/** Run `body` in a write transaction. */
export const inWriteTransaction = <L, A>(
  db: Kysely<NovaTables>,
  flavour: SqlFlavour,
  body: (trx: Kysely<NovaTables>) => Promise<E.Either<L, A>>,
): Promise<E.Either<L, A>> =>
  db.connection().execute(async (conn) => {
    await sql.raw(flavour.beginWrite).execute(conn);
    let outcome: E.Either<L, A>;
    try {
      outcome = await body(conn);
    } catch (cause) {
      await sql.raw('rollback').execute(conn).catch(() => undefined);
      throw cause;
    }
    await sql.raw(E.isRight(outcome) ? 'commit' : 'rollback').execute(conn);
    return outcome;
  });
