import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FLAVOR, GiB, IMAGES, MiB } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { recordTable } from '../composition/testing/observe.js';
import { OPTIONS } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';
import type { Flavor } from './flavor.js';
import type { InstanceLifecycle } from './instance-lifecycle.js';

const VM = vm('vm1');

const booted = async (): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }, { name: 'b', options: OPTIONS['flat/raw'] }] });
  await f.boot(VM, 'a');
  return f;
};

/** A value the types forbid, as a JavaScript caller would pass it. */
const untyped = <T>(v: unknown): T => v as T;

type Call = (l: InstanceLifecycle) => Promise<E.Either<{ readonly code: string; readonly path?: string }, unknown>>;

const BAD_CALLS: readonly (readonly [string, Call, string, string])[] = [
  ['a flavor with a negative swap', (l) => l.move(VM, 'b', 'resize', { ...FLAVOR, swap: -1 })(), 'INVALID_SIZE', 'flavor.swap'],
  ['a flavor with a swap mkswap cannot make', (l) => l.move(VM, 'b', 'resize', { ...FLAVOR, swap: 16 * 1024 })(), 'INVALID_SIZE', 'flavor.swap'],
  ['an evacuation whose facts have such a swap', (l) => l.evacuate(VM, 'b', { image: null, flavor: { ...FLAVOR, swap: 512 } })(), 'INVALID_SIZE', 'flavor.swap'],
  ['a flavor with a fraction of a byte', (l) => l.move(VM, 'b', 'resize', { ...FLAVOR, ephemeral: 1.5 * GiB + 0.5 })(), 'INVALID_SIZE', 'flavor.ephemeral'],
  ['a flavor root that is not a number', (l) => l.move(VM, 'b', 'resize', { ...FLAVOR, root: Number.NaN })(), 'INVALID_SIZE', 'flavor.root'],
  ['a flavor with a live migration', (l) => l.move(VM, 'b', 'live-migrate', FLAVOR)(), 'UNSUPPORTED_OPERATION', 'flavor'],
  ['a move of no kind there is', (l) => l.move(VM, 'b', untyped('teleport'))(), 'UNSUPPORTED_OPERATION', 'kind'],
  ['a confirm mode there is not', (l) => l.move(VM, 'b', 'resize', undefined, untyped('later'))(), 'UNSUPPORTED_OPERATION', 'confirm'],
  ['a conversion to no backend there is', (l) => l.convert(VM, 'root', untyped('zfs'), 'raw')(), 'UNSUPPORTED_OPERATION', 'backend'],
  ['a conversion of no disk there is', (l) => l.convert(VM, untyped('disk.eph0'), 'flat', 'raw')(), 'UNSUPPORTED_OPERATION', 'disk'],
  ['an unshelve with no flavor', (l) => l.unshelve(VM, 'b', untyped(undefined), null, false)(), 'INVALID_SIZE', 'flavor'],
  ['an instance id that is a path', (l) => l.hardReboot(untyped('vm1/../vm2'))(), 'INVALID_NAME', 'instance'],
  ['an instance id that is a number', (l) => l.delete(untyped(5))(), 'INVALID_NAME', 'instance'],
  ['a rebuild from an image id that is a path', (l) => l.rebuild(VM, untyped('../../etc/passwd'))(), 'INVALID_NAME', 'image'],
  ['a rescue image id that is a URL', (l) => l.rescue(VM, untyped('http://evil/x'))(), 'INVALID_NAME', 'image'],
  ['an evacuation whose facts name an image id that is a path', (l) => l.evacuate(VM, 'b', { image: untyped('a/../../b'), flavor: FLAVOR })(), 'INVALID_NAME', 'facts.image'],
  ['an unshelve from an image id that is a path', (l) => l.unshelve(VM, 'b', FLAVOR, untyped('/etc/shadow'), false)(), 'INVALID_NAME', 'shelvedImage'],
];

describe('lifecycle arguments the types state but a caller can break', () => {
  for (const [what, call, code, path] of BAD_CALLS) {
    it(`refuses ${what} with ${code} at ${path}, touching nothing`, async () => {
      const f = await booted();
      const before = await recordTable(f, VM);
      const mark = f.mark();
      const r = await call(f.lifecycle());
      expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual([code, path]);
      expect(f.commandsSince(mark)).toEqual([]);
      expect(await recordTable(f, VM)).toEqual(before);
      expect(await f.hostOf(VM)).toBe('a');
    });
  }

  it('refuses a boot whose flavor has a negative swap, with nothing registered', async () => {
    const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
    const flavor: Flavor = { ...FLAVOR, swap: -1 };
    const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor })();
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['INVALID_SIZE', 'flavor.swap']);
    expect(E.isLeft(await f.repository.getInstance(VM)())).toBe(true);
    expect(f.cluster.commands()).toEqual([]);
  });

  it('refuses a boot from an image id that is a path, with nothing registered', async () => {
    const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
    const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: untyped('../../etc/passwd'), flavor: FLAVOR })();
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['INVALID_NAME', 'image']);
    expect(E.isLeft(await f.repository.getInstance(VM)())).toBe(true);
    expect(f.cluster.commands()).toEqual([]);
  });

  it('refuses, in the image backend, a disk the source does not make and a bad size even where a record exists', async () => {
    const f = await booted();
    const backend = f.host('a').backend;
    const results = [
      await backend.createFromFunc({ instance: VM, disk: untyped('root'), func: { kind: 'blank' }, size: GiB })(),
      await backend.createFromImage({ instance: VM, disk: untyped('swap'), imageId: img(IMAGES.qcow2) })(),
      await backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: -7 })(),
      await backend.createFromFunc({ instance: untyped('../x'), disk: 'swap', func: { kind: 'swap' }, size: 512 * MiB })(),
      await backend.createFromImage({ instance: VM, disk: 'rescue', imageId: untyped('../../etc/passwd') })(),
    ];
    expect(results.map((r) => (E.isLeft(r) ? `${r.left.code} ${r.left.path ?? ''}` : 'ok'))).toEqual([
      'UNSUPPORTED_OPERATION disk', 'UNSUPPORTED_OPERATION disk', 'INVALID_SIZE size', 'INVALID_NAME instance', 'INVALID_NAME imageId',
    ]);
  });
});
