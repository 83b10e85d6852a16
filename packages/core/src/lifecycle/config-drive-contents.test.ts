import type { ConfigDriveContents, DiskName, InstanceId } from '@disk-ledger/domain';
import { InjectedCrash } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { describe, expect, it } from 'vitest';
import { FLAVOR, IMAGES } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';

const VM = vm('cd1');

/** The staged files' markers a guest of the disk sees (the ISO's own marker aside). */
const fileMarkers = async (f: FakeFleet, instance: InstanceId, disk: DiskName): Promise<readonly string[]> => {
  const { host, location, meta } = await f.location(instance, disk);
  const view = f.cluster.guestView(host, location, meta.format);
  if (!view.ok) throw new Error(`${instance}/${disk} cannot be viewed`);
  return view.view.markers.filter((m) => m.startsWith('text:')).sort();
};

const twoHosts = (options: OptionsName, configDrives?: ConfigDriveContents | null): FakeFleet =>
  new FakeFleet({ hosts: [{ name: 'b', options: OPTIONS[options] }, { name: 'a', options: OPTIONS[options] }], ...(configDrives === undefined ? {} : { configDrives }) });

describe("a config drive's files", () => {
  for (const options of BACKEND_OPTIONS) {
    it(`come back when the drive is made anew (${options}): hard reboot after its loss, evacuation`, async () => {
      const f = twoHosts(options);
      await f.boot(VM, 'a');
      const booted = await fileMarkers(f, VM, 'config');
      expect(booted).toHaveLength(1);
      await f.lose(VM, 'config');
      expect(E.isRight(await f.lifecycle().hardReboot(VM)())).toBe(true);
      expect(await fileMarkers(f, VM, 'config')).toEqual(booted);
      f.cluster.setHostDown('a', true);
      expect(E.isRight(await f.lifecycle().evacuate(VM, 'b')())).toBe(true);
      expect(await f.hostOf(VM)).toBe('b');
      expect(await fileMarkers(f, VM, 'config')).toEqual(booted);
    });
  }

  it('come back through an unshelve', async () => {
    const f = twoHosts('flat/raw');
    await f.boot(VM, 'a');
    const booted = await fileMarkers(f, VM, 'config');
    const shelved = await f.lifecycle().shelve(VM)();
    if (E.isLeft(shelved)) throw new Error(shelved.left.message);
    expect(E.isRight(await f.lifecycle().unshelve(VM, 'b', FLAVOR, shelved.right, true)())).toBe(true);
    expect(await fileMarkers(f, VM, 'config')).toEqual(booted);
  });

  it('given to the boot are the ones written, not the port\'s', async () => {
    const f = twoHosts('flat/raw');
    const files = [{ path: 'openstack/latest/user_data', content: 'given' }];
    expect(E.isRight(await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true, configFiles: files })())).toBe(true);
    const other = twoHosts('flat/raw');
    await other.boot(VM, 'a');
    expect(await fileMarkers(f, VM, 'config')).toHaveLength(1);
    expect(await fileMarkers(f, VM, 'config')).not.toEqual(await fileMarkers(other, VM, 'config'));
  });

  it('without a port, a boot that names none is refused before anything is written', async () => {
    const f = twoHosts('flat/raw', null);
    const r = await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true })();
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['CONFIG_DRIVE_CONTENTS_UNAVAILABLE', `${VM}/config`]);
    expect(f.repository.events).toEqual([]);
    expect(f.cluster.commandCount).toBe(0);
  });

  it('without a port, a drive to be made anew is refused and not built empty; its record stays as it was, so other operations go on', async () => {
    const f = twoHosts('flat/raw', null);
    const files = [{ path: 'openstack/latest/meta_data.json', content: '{}' }];
    expect(E.isRight(await f.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true, configFiles: files })())).toBe(true);
    await f.lose(VM, 'config');
    const r = await f.lifecycle().hardReboot(VM)();
    expect(E.isLeft(r) && [r.left.code, r.left.message]).toEqual(['CONFIG_DRIVE_CONTENTS_UNAVAILABLE', expect.stringContaining('FleetPorts.configDrives')]);
    const { host, location } = await f.location(VM, 'config');
    expect(location.backend === 'flat' && f.cluster.host(host).fs.file(location.path)).toBeUndefined();
    expect((await f.records(VM)).get('config')?.state).toBe('ready');
    expect(E.isRight(await f.lifecycle().snapshot(VM, img('snap1'))())).toBe(true);
    // The files given again make it, with no port asked.
    const made = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'config', func: { kind: 'config-drive', files }, size: 64 * 2 ** 20 })();
    expect(E.isRight(made) && made.right.state).toBe('ready');
    expect(await fileMarkers(f, VM, 'config')).toHaveLength(1);
  });

  it('without a port, an evacuation that makes the drive anew is refused before anything is written; one that keeps it in a shared pool goes on', async () => {
    const files = [{ path: 'openstack/latest/meta_data.json', content: '{}' }];
    const flat = twoHosts('flat/raw', null);
    expect(E.isRight(await flat.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true, configFiles: files })())).toBe(true);
    flat.cluster.setHostDown('a', true);
    const writes = flat.repository.events.length;
    const r = await flat.lifecycle().evacuate(VM, 'b')();
    expect(E.isLeft(r) && r.left.code).toBe('CONFIG_DRIVE_CONTENTS_UNAVAILABLE');
    expect(flat.repository.events.length).toBe(writes);
    const pool = twoHosts('rbd/shared', null);
    expect(E.isRight(await pool.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true, configFiles: files })())).toBe(true);
    pool.cluster.setHostDown('a', true);
    expect(E.isRight(await pool.lifecycle().evacuate(VM, 'b', { image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true })())).toBe(true);
  });

  it('from a port, too large for the drive or not a list of files, are refused naming the drive, before anything is written', async () => {
    const large = twoHosts('flat/raw', { files: () => TE.right([{ path: 'openstack/latest/user_data', content: 'x'.repeat(65 * 2 ** 20) }]) });
    const r = await large.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true })();
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['INVALID_SIZE', `${VM}/config`]);
    const odd = twoHosts('flat/raw', { files: () => TE.right([null] as never) });
    const o = await odd.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true })();
    expect(E.isLeft(o) && [o.left.code, o.left.path]).toEqual(['CONFIG_DRIVE_CONTENTS_UNAVAILABLE', `${VM}/config`]);
    expect([...large.repository.events, ...odd.repository.events]).toEqual([]);
  });

  it('from a port that throws, or names a path no tool can take, are refused as values', async () => {
    const throwing = twoHosts('flat/raw', { files: () => () => Promise.reject(new Error('metadata service down')) });
    const r = await throwing.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true })();
    expect(E.isLeft(r) && [r.left.code, r.left.message]).toEqual(['CONFIG_DRIVE_CONTENTS_UNAVAILABLE', expect.stringContaining('metadata service down')]);
    const climbing = twoHosts('flat/raw', { files: () => TE.right([{ path: '../../etc/passwd', content: 'x' }]) });
    const c = await climbing.lifecycle().spawn({ instance: VM, host: 'a', image: img(IMAGES.qcow2), flavor: FLAVOR, configDrive: true })();
    expect(E.isLeft(c)).toBe(true);
    expect(climbing.repository.events).toEqual([]);
  });
});

describe('a config drive too small for its files', () => {
  it('is refused before its record is written, naming the size', async () => {
    const f = twoHosts('flat/raw');
    expect(E.isRight(await f.repository.createInstance(VM, 'a', [])())).toBe(true);
    const files = [{ path: 'openstack/latest/user_data', content: 'x'.repeat(3 * 2 ** 20) }];
    const r = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'config', func: { kind: 'config-drive', files }, size: 2 ** 20 })();
    expect(E.isLeft(r) && [r.left.code, r.left.path]).toEqual(['INVALID_SIZE', 'size']);
    expect(f.repository.events.filter((e) => e.op === 'saveRecords')).toEqual([]);
    expect(f.cluster.commandCount).toBe(0);
    const fits = await f.host('a').backend.createFromFunc({ instance: VM, disk: 'config', func: { kind: 'config-drive', files }, size: 4 * 2 ** 20 })();
    expect(E.isRight(fits)).toBe(true);
  });
});

describe('a move to a host the fleet does not have', () => {
  it('changes nothing, not even completing what an earlier request left creating', async () => {
    const f = twoHosts('flat/raw');
    await f.boot(VM, 'a', { flavor: { ...FLAVOR, swap: 0 } });
    f.cluster.injectFault({ match: (argv) => argv[0] === 'mkswap', effect: 'crash' });
    await expect(f.host('a').backend.createFromFunc({ instance: VM, disk: 'swap', func: { kind: 'swap' }, size: 64 * 2 ** 20 })()).rejects.toBeInstanceOf(InjectedCrash);
    f.cluster.clearFaults();
    expect((await f.records(VM)).get('swap')?.state).toBe('creating');
    const commands = f.cluster.commandCount;
    const r = await f.lifecycle().move(VM, 'nowhere', 'resize')();
    expect(E.isLeft(r) && r.left.code).toBe('UNKNOWN_HOST');
    expect((await f.records(VM)).get('swap')?.state).toBe('creating');
    expect(f.cluster.commandCount).toBe(commands);
  });
});
