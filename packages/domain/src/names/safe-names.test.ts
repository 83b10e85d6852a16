import { fc, it as prop } from '@fast-check/vitest';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { fileName, hostPath, imageId, instanceId, volumeName } from './safe-names.js';

const SEED = 0x5afe;
const COMPONENT = /^[A-Za-z0-9_@][A-Za-z0-9._+@-]{0,254}$/;

/** hostPath as a component-by-component check, the way the rule reads: what the one-pass check must agree with. */
const byComponent = (value: string): boolean => {
  if (value.length === 0 || value.length > 4096 || !value.startsWith('/')) return false;
  return value
    .slice(1)
    .split('/')
    .every((part) => part !== '.' && part !== '..' && COMPONENT.test(part));
};

// Paths made mostly of the characters that matter: separators, dots, safe and unsafe characters.
const pathLike = fc.string({ unit: fc.constantFrom('/', '/', '.', 'a', 'Z', '0', '_', '@', '-', '+', ' ', '\n', '\u0000', 'é'), maxLength: 24 });

describe('hostPath', () => {
  it.each(['/a', '/var/lib/nova/instances/vm-1/disk.eph0', '/@x/y+z', '/a..b'])('accepts %j when every component is safe', (p) => {
    expect(hostPath(p)).toEqual(E.right(p));
  });

  it.each([
    ['', 'must be 1-4096 characters'],
    ['a/b', 'must be absolute'],
    ['/', 'component "" is not a safe name'],
    ['/a//b', 'component "" is not a safe name'],
    ['/a/', 'component "" is not a safe name'],
    ['/a/./b', 'must not contain "." or ".." components'],
    ['/a/../b', 'must not contain "." or ".." components'],
    ['/.hidden', 'component ".hidden" is not a safe name'],
    ['/a b', 'component "a b" is not a safe name'],
    ['/a/b\n', 'component "b\\n" is not a safe name'],
  ])('refuses %j, naming why', (p, why) => {
    const r = hostPath(p);
    expect(E.isLeft(r) && r.left.message).toContain(why);
  });

  prop.prop([pathLike], { seed: SEED, numRuns: 2000 })('accepts exactly the paths whose every component is safe', (p) => {
    expect(E.isRight(hostPath(p))).toBe(byComponent(p));
  });
});

describe('the name validators', () => {
  // What each must refuse: anything that could leave its directory, pool or group, or pass for an option or a path.
  const HOSTILE = ['', '/', 'a/b', '/etc/shadow', '..', '.', 'a..b', '../x', 'x\u0000y', 'x y', 'x\ny', '$(id)', 'é'];
  it.each([
    ['fileName', fileName, ['disk', 'disk.eph0', 'disk.config', '_base', 'swap_268435456', 'a+b'], [...HOSTILE, '-x', '.hidden', 'a'.repeat(129)]],
    ['instanceId', instanceId, ['vm1', '3f2a7c1e-0d1b-4c5e-9a6f-1b2c3d4e5f60', 'vm_1'], [...HOSTILE, '-x', '_x', 'vm.1', 'a'.repeat(65)]],
    ['imageId', imageId, ['cirros', 'cirros-0.6.2', 'ns:img_1'], [...HOSTILE, '-x', 'a'.repeat(256)]],
    ['volumeName', volumeName, ['nova-vg', 'vm1_disk.eph0', 'vms'], [...HOSTILE, '-x', 'a'.repeat(129)]],
  ] as const)('%s accepts safe names and refuses the rest, naming the field', (_name, check, good, bad) => {
    for (const v of good) expect(check(v), v).toEqual(E.right(v));
    for (const v of bad) expect(check(v, 'field.path'), JSON.stringify(v)).toEqual(E.left(expect.objectContaining({ code: 'INVALID_NAME', path: 'field.path' })));
  });

  it('refuses a value that is not a string without coercing it', () => {
    for (const check of [fileName, instanceId, imageId, volumeName]) expect(E.isLeft(check(12 as unknown as string))).toBe(true);
  });
});
