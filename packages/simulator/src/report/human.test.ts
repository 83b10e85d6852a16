import 'reflect-metadata';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { replay } from '../replay/replay.js';
import { loadScenario } from '../scenario/load-scenario.js';
import { inMemoryRepository } from '../world/world.js';
import { renderHuman } from './human.js';

/** A scenario named `name` with one raw host whose first step boots vm1; more steps may follow. */
const oneHost = (name: string): string => `format: 1
name: ${name}
hosts:
  - { name: a, config: { images_type: raw } }
images:
  - { id: cirros, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
steps:
  - boot: { instance: vm1, host: a, image: cirros, flavor: small }`;

describe('renderHuman', () => {
  it('lines up step names and mode columns past step 9, however long an error code is', async () => {
    const reboots = Array.from({ length: 10 }, () => '  - reboot: { instance: vm1, hard: true }').join('\n');
    const s = loadScenario(`${oneHost('long')}
${reboots}
  - live_migrate: { instance: vm1, to: a }
`, 'long.yaml');
    if (E.isLeft(s)) throw new Error(s.left.message);
    const runs = [];
    for (const mode of ['metadata', 'legacy'] as const) runs.push(await replay(s.right, { mode, repository: inMemoryRepository(), legacyDriver: (w) => new LegacyDriver(w) }));
    const lines = renderHuman('long.yaml', runs).split('\n');
    const stepLines = lines.filter((l) => / (boot|reboot|live_migrate) /.test(l));
    expect(stepLines).toHaveLength(12);
    // Every step name starts in one column, and so does each mode's outcome.
    expect(new Set(stepLines.map((l) => l.search(/[a-z]/)))).toHaveLength(1);
    const header = lines[1] ?? '';
    const legacyAt = header.indexOf('legacy');
    for (const l of stepLines) expect(l.slice(legacyAt - 1, legacyAt), l).toBe(' ');
    expect(stepLines.at(-1)).toMatch(/^ {2}11 live_migrate +error UNABLE_TO_MIGRATE_TO_SELF +error UNABLE_TO_MIGRATE_TO_SELF/);
    // Under the table, each failed step's message, per mode, so the cause is seen without --json.
    for (const mode of ['metadata', 'legacy']) {
      expect(lines.filter((l) => l.startsWith(`  · [${mode}] step 11 live_migrate: UNABLE_TO_MIGRATE_TO_SELF: `) && l.length > 60), mode).toHaveLength(1);
    }
  });

  it('lists five leaks of a run and counts the rest, so none goes unseen', async () => {
    const writes = Array.from({ length: 7 }, (_, i) => `  - boot: { instance: vm${i}, host: a, image: cirros, flavor: small }
  - guest_write: { instance: vm${i}, disk: root, content: qcow2-backing-host-file, target: /etc/shadow }
  - rescue: { instance: vm${i}, image: cirros }`).join('\n');
    const s = loadScenario(`format: 1
name: leaky
hosts:
  - { name: a, config: { images_type: raw, use_cow_images: false }, secrets: [/etc/shadow] }
images:
  - { id: cirros, disk_format: raw, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB }
steps:
${writes}
`, 'leaky.yaml');
    if (E.isLeft(s)) throw new Error(s.left.message);
    const run = await replay(s.right, { mode: 'legacy', repository: inMemoryRepository(), legacyDriver: (w) => new LegacyDriver(w) });
    expect(run.leaks.length).toBeGreaterThan(5);
    const lines = renderHuman('leaky.yaml', [run]).split('\n');
    expect(lines.filter((l) => l.startsWith('  ! [legacy] leak of a:/etc/shadow into guest a:'))).toHaveLength(5);
    expect(lines).toContain(`  ! [legacy] … and ${run.leaks.length - 5} more leaks (--json lists them all)`);
  });

  it('shows control characters and line-reordering marks of an author\'s text as escapes, never raw', async () => {
    const s = loadScenario(`${oneHost('"\\e[31mRED\\u202e"')}\n`, 'odd.yaml');
    if (E.isLeft(s)) throw new Error(s.left.message);
    const run = await replay(s.right, { mode: 'metadata', repository: inMemoryRepository(), legacyDriver: (w) => new LegacyDriver(w) });
    const out = renderHuman('odd.yaml', [run]);
    expect(out.split('\n')[0]).toBe('\\u001b[31mRED\\u202e (odd.yaml)');
    expect(out.includes('\u001b') || out.includes('\u202e')).toBe(false);
  });
});
