import type { HostPath } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { GiB } from '../composition/testing/catalogue.js';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { persistBeforeCreateProblems } from '../composition/testing/observe.js';
import { OPTIONS } from '../composition/testing/options.js';
import { vm } from './names.js';

const VM = vm('vm1');

const booted = async (name: keyof typeof OPTIONS = 'lvm'): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }] });
  await f.boot(VM, 'a');
  return f;
};

describe('the invariant check', () => {
  describe('when everything holds', () => {
    it('reports nothing', async () => {
      expect(await (await booted()).violations()).toEqual([]);
    });
  });

  describe('when the host and the records disagree', () => {
    it('reports a disk without a record', async () => {
      const f = await booted();
      await f.store.saveRecords(VM, [{ disk: 'swap', driverInfo: null }])();
      expect(await f.violations()).toEqual(['disk without a record: a:lv:vg0/vm1_disk.swap']);
    });
    it('reports a ready record without its disk', async () => {
      const f = await booted();
      await f.lose(VM, 'root');
      expect((await f.violations()).join()).toContain('no disk at a:lv:vg0/vm1_disk');
    });
    it('reports another size and another format than recorded', async () => {
      const f = await booted('qcow2/default');
      f.cluster.writeFixture('a', '/var/lib/nova/instances/vm1/disk', { format: 'raw', virtualSize: 3 * GiB });
      const found = (await f.violations()).join('\n');
      expect(found).toContain('the host holds raw');
      expect(found).toContain(`the host holds ${3 * GiB} bytes`);
    });
    it('reports a probe and a stray staging file', async () => {
      const f = await booted('flat/raw');
      await f.cluster.executor('a').run({ argv: ['qemu-img', 'info', '/var/lib/nova/instances/vm1/disk'] })();
      await f.host('a').files.writeTextAtomic('/var/lib/nova/instances/vm1/disk.migrate' as HostPath, 'x')();
      f.cluster.writeFixture('a', '/var/lib/nova/instances/vm1/disk.eph0.migrate', { format: 'raw', virtualSize: GiB });
      const found = (await f.violations()).join('\n');
      expect(found).toContain('format probe');
      expect(found).toContain('stray staging file a:/var/lib/nova/instances/vm1/disk.eph0.migrate');
    });
  });

  describe('when a command writes a disk before its record', () => {
    it('the log check names the command', async () => {
      const f = await booted('flat/raw');
      await f.cluster.executor('a').run({ argv: ['qemu-img', 'create', '-f', 'raw', '/var/lib/nova/instances/vm1/disk.eph1', '1024'] })();
      expect(persistBeforeCreateProblems(f)).toHaveLength(1);
    });
  });
});
