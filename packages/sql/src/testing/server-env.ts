/**
 * Integration suites that need a database server: run when one is
 * configured (server-url.ts); without one, fail under CI and skip, loudly,
 * elsewhere. Test-only.
 */
import { describe, it } from 'vitest';
import { ENV_FILE, serverUrl, VARIABLE, type ServerDialect } from './server-url.js';

export type { ServerDialect } from './server-url.js';

/**
 * `describe(title, body(url))` when a server for `dialect` is configured;
 * otherwise a failing test under CI, a loud skip elsewhere.
 */
export const describeWithServer = (dialect: ServerDialect, title: string, body: (url: string) => void): void => {
  const url = serverUrl(dialect);
  if (url !== undefined) {
    describe(title, () => body(url));
    return;
  }
  const why = `no ${dialect} server: set ${VARIABLE[dialect]} or run \`bash tools/db/start.sh\` (writes ${ENV_FILE})`;
  if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
    describe(title, () => {
      it(`needs a ${dialect} server`, () => {
        throw new Error(why);
      });
    });
    return;
  }
  process.stderr.write(`\n*** SKIPPING ${title}: ${why} ***\n\n`);
  describe.skip(title, () => body(''));
};
