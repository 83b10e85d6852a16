import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../fake-cluster.js';
import { GiB, MiB, fails, failure, lvAt, ok, standardHosts } from '../testing/run-command.js';

const CONF = ['--config', 'global { activation = 0 }'] as const;
const lvsArgv = (spec: string, conf: readonly string[] = []) =>
  ['lvs', ...conf, '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,vg_name,lv_size', spec] as const;

describe('emulated LVM', () => {
  describe.each([
    ['without lvmconf', [] as readonly string[]],
    ['with --config activation = 0', CONF],
  ])('when run %s', (_name, conf) => {
    it('creates, reports, extends and removes a logical volume', async () => {
      const c = new FakeCluster(standardHosts);
      expect(await ok(c, 'h1', ['lvcreate', ...conf, '-y', '-L', `${GiB}b`, '-n', 'vm1_disk', 'vg0'])).toBe('  Logical volume "vm1_disk" created.\n');
      const report: unknown = JSON.parse(await ok(c, 'h1', lvsArgv('vg0/vm1_disk', conf)));
      expect(report).toEqual({ report: [{ lv: [{ lv_name: 'vm1_disk', vg_name: 'vg0', lv_size: String(GiB) }] }] });
      await ok(c, 'h1', ['lvextend', ...conf, '-L', `${2 * GiB}b`, 'vg0/vm1_disk']);
      expect(c.diskAt('h1', lvAt('vg0', 'vm1_disk'))).toMatchObject({ host: 'h1', location: 'vg0/vm1_disk', containerFormat: 'raw', virtualSize: 2 * GiB });
      expect(await ok(c, 'h1', ['lvremove', ...conf, '-f', 'vg0/vm1_disk'])).toBe('  Logical volume "vm1_disk" successfully removed.\n');
      expect(c.diskAt('h1', lvAt('vg0', 'vm1_disk'))).toBeNull();
    });
  });

  describe('when a size is not a whole number of extents', () => {
    it('rounds it up to 4 MiB extents as LVM does', async () => {
      const c = new FakeCluster(standardHosts);
      const r = await c.executor('h1').run({ argv: ['lvcreate', '-y', '-L', '1000b', '-n', 'tiny', 'vg0'] })();
      expect(r).toMatchObject({ right: { stderr: '  Rounding up size to full physical extent 4.00 MiB\n' } });
      expect(c.diskAt('h1', lvAt('vg0', 'tiny'))?.length).toBe(4 * MiB);
    });
  });

  describe('when asked for a volume group', () => {
    const vgsArgv = (vg: string, conf: readonly string[] = []) =>
      ['vgs', ...conf, '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'vg_name,vg_extent_size', vg] as const;
    it('reports its extent size, with or without lvmconf', async () => {
      const c = new FakeCluster({ hosts: [{ name: 'h1', volumeGroups: ['vg0', { name: 'vg32', extentSize: 32 * MiB }] }] });
      expect(JSON.parse(await ok(c, 'h1', vgsArgv('vg0')))).toEqual({ report: [{ vg: [{ vg_name: 'vg0', vg_extent_size: String(4 * MiB) }] }] });
      expect(JSON.parse(await ok(c, 'h1', vgsArgv('vg32', CONF)))).toEqual({ report: [{ vg: [{ vg_name: 'vg32', vg_extent_size: String(32 * MiB) }] }] });
    });
    it('fails with exit 5 for a group the host lacks', async () => {
      expect(failure(await fails(new FakeCluster(standardHosts), 'h1', vgsArgv('vgX')))).toMatchObject({ exitCode: 5, stderr: expect.stringContaining('Volume group "vgX" not found') });
    });
  });

  describe('when the volume is missing or already there', () => {
    it('fails with exit 5 and LVM messages', async () => {
      const c = new FakeCluster(standardHosts);
      expect(failure(await fails(c, 'h1', lvsArgv('vg0/nope')))).toEqual({ tag: 'CommandFailed', exitCode: 5, stderr: '  Failed to find logical volume "vg0/nope"\n' });
      expect(failure(await fails(c, 'h1', ['lvremove', '-f', 'vg0/nope'])).exitCode).toBe(5);
      expect(failure(await fails(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'x', 'vgX'])).stderr).toContain('Volume group "vgX" not found');
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'x', 'vg0']);
      expect(failure(await fails(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'x', 'vg0']))).toEqual({
        tag: 'CommandFailed',
        exitCode: 5,
        stderr: '  Logical Volume "x" already exists in volume group "vg0"\n',
      });
    });

    it('refuses to extend to the same or a smaller size', async () => {
      const c = new FakeCluster(standardHosts);
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'x', 'vg0']);
      expect(failure(await fails(c, 'h1', ['lvextend', '-L', `${GiB}b`, 'vg0/x'])).stderr).toContain('matches existing size');
      expect(failure(await fails(c, 'h1', ['lvextend', '-L', `${MiB * 8}b`, 'vg0/x'])).stderr).toContain('not larger than existing size');
    });

    it('runs out of space in a small volume group', async () => {
      const c = new FakeCluster({ hosts: [{ name: 'h1', volumeGroups: [{ name: 'vg0', capacity: GiB }] }] });
      await ok(c, 'h1', ['lvcreate', '-y', '-L', `${GiB}b`, '-n', 'a', 'vg0']);
      expect(failure(await fails(c, 'h1', ['lvcreate', '-y', '-L', `${MiB * 4}b`, '-n', 'b', 'vg0'])).stderr).toContain('insufficient free space');
    });

    it('fails with exit 3 on a size LVM cannot parse', async () => {
      const c = new FakeCluster(standardHosts);
      expect(failure(await fails(c, 'h1', ['lvcreate', '-y', '-L', 'big', '-n', 'x', 'vg0'])).exitCode).toBe(3);
    });
  });

  describe('when the argv is not one of docs/commands.md', () => {
    it.each([
      [['lvcreate', '-L', '1024b', '-n', 'x', 'vg0']],
      [['lvcreate', '-y', '-L', '1024', '-n', 'x', 'vg0']],
      [['lvcreate', '-y', '-L', '1G', '-n', 'x', 'vg0']],
      [['lvcreate', '--config', 'devices { filter = [] }', '-y', '-L', '1024b', '-n', 'x', 'vg0']],
      [['lvcreate', '-y', '-L', '1024b', '-n', 'x', '-Z', 'n', 'vg0']],
      [['lvremove', 'vg0/x']],
      [['lvs', 'vg0/x']],
      [['lvs', '--reportformat', 'json', '--units', 'm', '--nosuffix', '-o', 'lv_name,vg_name,lv_size', 'vg0/x']],
      [['vgcreate', 'vg1', '/dev/loop0']],
      [['vgs', 'vg0']],
      [['vgs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'vg_name,vg_size', 'vg0']],
    ] as const)('answers %j with COMMAND_UNSUPPORTED', async (argv) => {
      expect(await fails(new FakeCluster(standardHosts), 'h1', argv)).toMatchObject({ _tag: 'CommandUnsupported' });
    });
  });
});
