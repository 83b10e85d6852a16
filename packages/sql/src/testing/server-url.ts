/**
 * Where tests and benchmarks find their database servers: the environment
 * (`DISK_LEDGER_PG_URL`, `DISK_LEDGER_MYSQL_URL`), else the file
 * tools/db/start.sh writes. Test and tool support.
 */
import { readFileSync } from 'node:fs';

/** The file tools/db/start.sh writes. */
export const ENV_FILE = '/tmp/disk-ledger-db.env';

/** The server dialects. */
export type ServerDialect = 'postgres' | 'mysql';

/** The variable naming each server's URL. */
export const VARIABLE: Readonly<Record<ServerDialect, string>> = { postgres: 'DISK_LEDGER_PG_URL', mysql: 'DISK_LEDGER_MYSQL_URL' };

const fromFile = (name: string): string | undefined => {
  let text: string;
  try {
    text = readFileSync(ENV_FILE, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const match = /^(?:export\s+)?([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] === name) return match[2]?.replace(/^['"]|['"]$/g, '');
  }
  return undefined;
};

/** The URL of the server for `dialect`, if one is configured. */
export const serverUrl = (dialect: ServerDialect): string | undefined => {
  const name = VARIABLE[dialect];
  const value = process.env[name] ?? fromFile(name);
  return value === undefined || value === '' ? undefined : value;
};

