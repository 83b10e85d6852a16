import { describe, expect, it } from 'vitest';
import { InstanceLocks } from './instance-locks.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An operation that notes its start and end in `log`, with a turn of the event loop between. */
const logged = (log: string[], name: string) => async (): Promise<string> => {
  log.push(`${name} starts`);
  await tick();
  log.push(`${name} ends`);
  return name;
};

describe('InstanceLocks', () => {
  it('runs the operations of one instance one after the other, in the order they came', async () => {
    const locks = new InstanceLocks();
    const log: string[] = [];
    const op = (name: string) => logged(log, name);
    expect(await Promise.all([locks.run('vm1', op('a')), locks.run('vm1', op('b')), locks.run('vm1', op('c'))])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
  });

  it('runs operations of different instances side by side', async () => {
    const locks = new InstanceLocks();
    const log: string[] = [];
    const op = (name: string) => async (): Promise<void> => {
      log.push(`${name} starts`);
      await tick();
      log.push(`${name} ends`);
    };
    await Promise.all([locks.run('vm1', op('a')), locks.run('vm2', op('b'))]);
    expect(log.slice(0, 2)).toEqual(['a starts', 'b starts']);
  });

  it('goes on after an operation that rejects, and gives each caller its own outcome', async () => {
    const locks = new InstanceLocks();
    const failing = locks.run('vm1', () => Promise.reject(new Error('boom')));
    const after = locks.run('vm1', () => Promise.resolve('after'));
    await expect(failing).rejects.toThrow('boom');
    await expect(after).resolves.toBe('after');
  });
});
