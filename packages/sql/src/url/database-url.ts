/**
 * Which database a connection URL names:
 *
 * | URL | database |
 * | --- | --- |
 * | `sqlite::memory:`, `:memory:` | SQLite, in memory |
 * | `sqlite:/abs/path`, `sqlite:///abs/path`, `sqlite:relative/path` | SQLite file (%-escapes decoded; no query) |
 * | a plain path (`/var/lib/x.db`, `x.db`) | SQLite file |
 * | `postgres://…/db`, `postgresql://…/db` | PostgreSQL |
 * | `mysql://…/db`, `mariadb://…/db` | MariaDB / MySQL |
 *
 * Anything else is a `DatabaseUrlInvalid` value naming the URL with its
 * password replaced by `***`, as every message about a URL does.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '@disk-ledger/domain';

/** A connection URL that names no database this package can open. */
export interface DatabaseUrlInvalid extends DomainError<'DatabaseUrlInvalid', 'DATABASE_URL_INVALID'> {
  /** The URL, password redacted. */
  readonly url: string;
}

/** Where to connect. */
export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly path: string; readonly redacted: string }
  | { readonly dialect: 'postgres'; readonly url: string; readonly redacted: string }
  | { readonly dialect: 'mysql'; readonly url: string; readonly redacted: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** `url` with any password replaced by `***` (also when it does not parse as a URL). */
export const redactUrl = (url: string): string => {
  // The password runs to the last "@": it may hold "/", "#" or "@" itself, unencoded, in a URL that then does not parse.
  // Also without "//" or its ":" (`postgres:/u:pw@h/db`, `mysql//u:pw@h/db`): a mistyped URL still holds a password.
  const m = /^([A-Za-z][A-Za-z0-9+.-]*(?::\/*|\/{1,2}))([\s\S]*)$/.exec(url);
  let out = url;
  if (m !== null) {
    const [, scheme = '', rest = ''] = m;
    const at = rest.lastIndexOf('@');
    const colon = at < 0 ? -1 : rest.slice(0, at).indexOf(':');
    if (colon >= 0) out = `${scheme}${rest.slice(0, colon)}:***${rest.slice(at)}`;
  }
  return redactQuery(out);
};

/** `url` with the value of a `password` query parameter replaced by `***`. */
const redactQuery = (url: string): string => url.replace(/([?&]password=)[^&#]*/gi, '$1***');

const invalid = (url: string, why: string): E.Either<DatabaseUrlInvalid, never> => {
  const redacted = redactUrl(url);
  return E.left({
    _tag: 'DatabaseUrlInvalid',
    code: 'DATABASE_URL_INVALID',
    url: redacted,
    path: 'url',
    message: `database URL ${JSON.stringify(redacted)} ${why}`,
  });
};

const sqlitePath = (url: string, rest: string): E.Either<DatabaseUrlInvalid, DatabaseTarget> => {
  // `sqlite:///abs` is the URL form of `sqlite:/abs`; an authority (`sqlite://host/x`) means nothing here.
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === ':memory:') return E.right({ dialect: 'sqlite', path, redacted: url });
  // SQLite would make a file of that name: `sqlite::memory` or `sqlite:memory:` (one colon short or misplaced) would
  // quietly give a fresh database on disk.
  if (path.startsWith(':') || /^memory:?$/i.test(path)) return invalid(url, 'names a file beginning with ":" (for a database in memory, write sqlite::memory: or :memory:)');
  if (path.length === 0) return invalid(url, 'names no SQLite file (use sqlite::memory: or sqlite:/path/to/file)');
  if (rest.startsWith('//') && !path.startsWith('/')) return invalid(url, 'has a host part, which SQLite has no use for (use sqlite:/abs/path or sqlite:rel/path)');
  if (path.includes('\0')) return invalid(url, 'contains a NUL character');
  if (url === rest) return E.right({ dialect: 'sqlite', path, redacted: url });
  // In the URL form a query (`?mode=ro`) or an escape (`%20`) means something to a reader; taken as part of the file
  // name, it would open a new, writable, empty database. A file whose name holds them is given as a plain path.
  if (/[?#]/.test(path)) return invalid(url, 'has a query or fragment, which is not read (give a file name holding "?" or "#" as a plain path)');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return invalid(url, 'has an invalid %-escape');
  }
  if (decoded.includes('\0')) return invalid(url, 'contains a NUL character');
  return E.right({ dialect: 'sqlite', path: decoded, redacted: url });
};

const server = (url: string, dialect: 'postgres' | 'mysql', wire: string): E.Either<DatabaseUrlInvalid, DatabaseTarget> => {
  let parsed: URL;
  try {
    parsed = new URL(wire);
  } catch {
    return invalid(url, 'is not a valid URL');
  }
  if (parsed.hostname === '') return invalid(url, 'names no host');
  if (parsed.port !== '' && !/^\d+$/.test(parsed.port)) return invalid(url, 'has an invalid port');
  // The drivers take the host from before the first "/", so this URL's text seems to name another server than the one contacted.
  if (parsed.pathname.includes('@')) return invalid(url, 'is ambiguous: it has an "@" after its host (write "/" and "@" in a password as %2F and %40)');
  // Without one, the server picks a default database (PostgreSQL: the user's), and the schema would be made there.
  if (parsed.pathname.replace(/^\/+/, '') === '') return invalid(url, `names no database (${dialect}://user@host:port/<database>)`);
  return E.right({ dialect, url: wire, redacted: shown(url, parsed) });
};

/**
 * `url` as its parse reads it, the way the drivers read it, password
 * redacted. Redacting the text alone could mislead: in
 * `postgres://u:p@ss/w@db.example/x` the host is `ss` and the rest is the
 * database's name, yet the text seems to name `db.example`.
 */
const shown = (url: string, parsed: URL): string => {
  const scheme = SCHEME.exec(url)?.[0] ?? '';
  const user = parsed.username === '' && parsed.password === '' ? '' : `${parsed.username}${parsed.password === '' ? '' : ':***'}@`;
  return redactQuery(`${scheme}//${user}${parsed.host}${parsed.pathname}${parsed.search}${parsed.hash}`);
};

/** Parse a connection URL (see the module comment for the accepted forms). */
export const parseDatabaseUrl = (url: string): E.Either<DatabaseUrlInvalid, DatabaseTarget> => {
  const trimmed = url.trim();
  if (trimmed.length === 0) return invalid(url, 'is empty');
  if (trimmed === ':memory:') return E.right({ dialect: 'sqlite', path: ':memory:', redacted: trimmed });
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  // A server URL without the ":" after its scheme would be a relative SQLite path, made anew, holding its password.
  if (scheme === undefined && /^(?:postgres(?:ql)?|mysql2?|mariadb|sqlite3?)\/{1,2}/i.test(trimmed)) return invalid(trimmed, 'lacks the ":" after its scheme (postgres://, mysql://, sqlite:///path)');
  if (scheme === undefined && /\/[^/]*:[^/]*@/.test(trimmed)) return invalid(trimmed, 'looks like a URL with a password, not a SQLite path (postgres://user:password@host/db)');
  // A one-letter "scheme" is a Windows drive (C:\db.sqlite): a path.
  if (scheme === undefined || scheme.length === 1) return sqlitePath(trimmed, trimmed);
  const rest = trimmed.slice(scheme.length + 1);
  switch (scheme) {
    case 'sqlite':
    case 'sqlite3':
      return sqlitePath(trimmed, rest);
    case 'postgres':
    case 'postgresql':
      return rest.startsWith('//') ? server(trimmed, 'postgres', trimmed) : invalid(trimmed, 'must start with postgres://');
    case 'mysql':
    case 'mariadb':
      return rest.startsWith('//') ? server(trimmed, 'mysql', `mysql:${rest}`) : invalid(trimmed, 'must start with mysql:// or mariadb://');
    default:
      return invalid(trimmed, `has unsupported scheme "${scheme}:" (use sqlite:, postgres://, postgresql://, mysql:// or mariadb://)`);
  }
};
