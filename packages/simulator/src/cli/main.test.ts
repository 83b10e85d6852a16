import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_ERROR, main } from './main.js';

/** A command line whose only command fails with a bug, not with bad input. */
const throwing = (): Command => {
  const program = new Command('disk-ledger').exitOverride();
  program
    .command('boom')
    .option('--json', 'JSON', false)
    .action(() => {
      throw new TypeError('cannot read properties of undefined');
    });
  return program;
};

const captured = (): { out: string[]; err: string[] } => {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
  return { out, err };
};

describe('main, when a command throws', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('exits 70 and says "internal error" on stderr, with the stack', async () => {
    const { out, err } = captured();
    expect(await main(['node', 'disk-ledger', 'boom'], throwing)).toBe(INTERNAL_ERROR);
    expect(out).toEqual([]);
    expect(err.join('')).toMatch(/internal error \(please report it\): TypeError: cannot read properties of undefined\n\s+at /);
  });

  it('with --json, also prints an INTERNAL_ERROR object on stdout that a script can parse', async () => {
    const { out } = captured();
    expect(await main(['node', 'disk-ledger', 'boom', '--json'], throwing)).toBe(INTERNAL_ERROR);
    expect(JSON.parse(out.join(''))).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'cannot read properties of undefined' } });
  });
});

describe('main --version', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints the package version and exits 0', async () => {
    const { out } = captured();
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    expect(await main(['node', 'disk-ledger', '--version'])).toBe(0);
    expect(out.join('')).toBe(`${version}\n`);
  });
});
