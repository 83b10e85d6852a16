/**
 * A kysely `Dialect` whose driver hands out wrapped connections: the one
 * seam through which this package observes (round-trip counting) or adjusts
 * (SQLite's busy retry) every statement, without the repository knowing.
 * Transaction control goes through the wrapped connection too, so `begin`
 * and `commit` are seen like any statement; only release gets the driver's
 * own connection back.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** What a wrapper does around one statement. */
export interface ConnectionWrapper {
  executeQuery<R>(inner: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<R>>;
  streamQuery?<R>(inner: DatabaseConnection, query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>>;
}

class WrappedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly wrapper: ConnectionWrapper,
  ) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.wrapper.executeQuery<R>(this.inner, compiledQuery);
  }

  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.wrapper.streamQuery === undefined
      ? this.inner.streamQuery<R>(compiledQuery, chunkSize)
      : this.wrapper.streamQuery<R>(this.inner, compiledQuery, chunkSize);
  }
}

/** Whether a driver's error says its connection is gone (mysql2 marks those `fatal`; pg says so in words). */
const connectionLost = (e: unknown): boolean => {
  if (typeof e !== 'object' || e === null) return false;
  const { fatal, code, message } = e as { readonly fatal?: unknown; readonly code?: unknown; readonly message?: unknown };
  if (fatal === true || code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET' || code === 'EPIPE') return true;
  return typeof message === 'string' && /Connection terminated|is not queryable/.test(message);
};

class WrappingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly wrapper: ConnectionWrapper,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new WrappedConnection(await this.inner.acquireConnection(), this.wrapper);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(connection);
    } catch (e) {
      // kysely throws a failed rollback in place of the error that made it roll back, so a lost connection read
      // "connection is in closed state". On a lost connection the server has rolled the transaction back: the cause is
      // what the caller sees. Any other failure leaves the transaction open on a live connection, and is thrown.
      if (!connectionLost(e)) throw e;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    if (this.inner.savepoint === undefined) throw new Error('this dialect has no savepoints');
    await this.inner.savepoint(connection, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    if (this.inner.rollbackToSavepoint === undefined) throw new Error('this dialect has no savepoints');
    await this.inner.rollbackToSavepoint(connection, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    if (this.inner.releaseSavepoint === undefined) throw new Error('this dialect has no savepoints');
    await this.inner.releaseSavepoint(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection instanceof WrappedConnection ? connection.inner : connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect`, with every statement of its connections passed through `wrapper`. */
export const wrapConnections = (dialect: Dialect, wrapper: ConnectionWrapper): Dialect => ({
  createDriver: (): Driver => new WrappingDriver(dialect.createDriver(), wrapper),
  createQueryCompiler: (): QueryCompiler => dialect.createQueryCompiler(),
  createAdapter: (): DialectAdapter => dialect.createAdapter(),
  createIntrospector: (db: Parameters<Dialect['createIntrospector']>[0]): DatabaseIntrospector => dialect.createIntrospector(db),
});
