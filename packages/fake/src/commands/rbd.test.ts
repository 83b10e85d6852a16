import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../fake-cluster.js';
import { DIR, GiB, fails, failure, fileAt, ok, rbdAt, standardHosts } from '../testing/run-command.js';

const cluster = (): FakeCluster =>
  new FakeCluster({ hosts: [...standardHosts.hosts, { name: 'h3', rbdPools: ['other'] }] });

describe('emulated rbd', () => {
  describe('when managing an image', () => {
    it('creates, inspects, grows and removes it', async () => {
      const c = cluster();
      expect(await ok(c, 'h1', ['rbd', 'create', '--size', `${GiB}B`, 'pool0/vm1_disk'])).toBe('');
      const info: unknown = JSON.parse(await ok(c, 'h1', ['rbd', 'info', '--format', 'json', 'pool0/vm1_disk']));
      expect(info).toMatchObject({ name: 'vm1_disk', size: GiB, object_size: 4194304, format: 2 });
      await ok(c, 'h1', ['rbd', 'resize', '--size', `${2 * GiB}B`, 'pool0/vm1_disk']);
      expect(c.diskAt('h1', rbdAt('pool0', 'vm1_disk'))?.virtualSize).toBe(2 * GiB);
      await ok(c, 'h1', ['rbd', 'rm', 'pool0/vm1_disk']);
      expect(c.diskAt('h1', rbdAt('pool0', 'vm1_disk'))).toBeNull();
    });

    it('prints info as JSON.stringify prints every field, in rbd\'s order', async () => {
      const c = cluster();
      await ok(c, 'h1', ['rbd', 'create', '--size', `${GiB + 1}B`, 'pool0/vm1_disk']);
      const out = await ok(c, 'h1', ['rbd', 'info', '--format', 'json', 'pool0/vm1_disk']);
      const info = JSON.parse(out) as { readonly id: string };
      const stamp = 'Thu Jan  1 00:00:00 1970';
      expect(out).toBe(
        `${JSON.stringify({
          name: 'vm1_disk', id: info.id, size: GiB + 1, objects: 257, order: 22, object_size: 4194304, snapshot_count: 0,
          block_name_prefix: `rbd_data.${info.id}`, format: 2, features: ['layering', 'exclusive-lock', 'object-map', 'fast-diff', 'deep-flatten'],
          op_features: [], flags: [], create_timestamp: stamp, access_timestamp: stamp, modify_timestamp: stamp,
        })}\n`,
      );
    });

    it('imports a raw file byte for byte, header included', async () => {
      const c = cluster();
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/disk`, String(GiB)]);
      c.guestWrite('h1', fileAt(`${DIR}/disk`), 'raw', { kind: 'qcow2-data-file', target: '/etc/shadow' });
      await ok(c, 'h1', ['rbd', 'import', '--image-format', '2', `${DIR}/disk`, 'pool0/vm1_disk']);
      expect(c.diskAt('h2', rbdAt('pool0', 'vm1_disk'))).toMatchObject({ length: GiB, plantedHeader: { kind: 'qcow2-data-file' }, secrets: [] });
      expect(c.leaks()).toEqual([]);
    });
  });

  describe("when a command names its client (nova's rbd_user and images_rbd_ceph_conf)", () => {
    const CONF = '/etc/ceph/nova.conf';
    const withConf = (): FakeCluster => {
      const c = cluster();
      c.writeFixture('h1', CONF, { format: 'raw', virtualSize: 4096 });
      return c;
    };

    it('takes --id and --conf before the subcommand, and qemu rbd: addresses with :id= and :conf=', async () => {
      const c = withConf();
      await ok(c, 'h1', ['rbd', '--id', 'nova', '--conf', CONF, 'create', '--size', `${GiB}B`, 'pool0/vm1_disk']);
      expect(JSON.parse(await ok(c, 'h1', ['rbd', '--conf', CONF, 'info', '--format', 'json', 'pool0/vm1_disk']))).toMatchObject({ size: GiB });
      const q = JSON.parse(await ok(c, 'h1', ['qemu-img', 'info', '-f', 'raw', '--output=json', `rbd:pool0/vm1_disk:id=nova:conf=${CONF}`])) as Record<string, unknown>;
      expect(q['virtual-size']).toBe(GiB);
      await ok(c, 'h1', ['qemu-img', 'convert', '-f', 'raw', '-O', 'raw', `rbd:pool0/vm1_disk:conf=${CONF}:id=nova`, `${DIR}/copy`]);
      expect(c.diskAt('h1', fileAt(`${DIR}/copy`))?.length).toBe(GiB);
      await ok(c, 'h1', ['rbd', '--id', 'nova', '--conf', CONF, 'rm', 'pool0/vm1_disk']);
      expect(c.diskAt('h1', rbdAt('pool0', 'vm1_disk'))).toBeNull();
    });

    it('fails as the real tools do when the configuration file is not on the host, doing nothing', async () => {
      const c = withConf();
      await ok(c, 'h1', ['rbd', 'create', '--size', `${GiB}B`, 'pool0/vm1_disk']);
      expect(failure(await fails(c, 'h2', ['rbd', '--conf', CONF, 'rm', 'pool0/vm1_disk']))).toEqual({
        tag: 'CommandFailed', exitCode: 1, stderr: `global_init: unable to open config file from search list ${CONF}\n`,
      });
      const addr = `rbd:pool0/vm1_disk:conf=${CONF}`;
      expect(failure(await fails(c, 'h2', ['qemu-img', 'info', '-f', 'raw', '--output=json', addr]))).toEqual({
        tag: 'CommandFailed', exitCode: 1, stderr: `qemu-img: Could not open '${addr}': error reading conf file ${CONF}: No such file or directory\n`,
      });
      expect(c.diskAt('h1', rbdAt('pool0', 'vm1_disk'))?.virtualSize).toBe(GiB);
    });

    it('does not emulate other rbd: options or a repeated one', async () => {
      const c = withConf();
      for (const addr of ['rbd:pool0/vm1_disk:keyring=/etc/shadow', `rbd:pool0/vm1_disk:id=a:id=b`, 'rbd:pool0/vm1_disk:id=', `rbd:pool0/vm1_disk:conf=/etc/c@x/ceph.conf`]) {
        expect((await fails(c, 'h1', ['qemu-img', 'info', '-f', 'raw', '--output=json', addr]))._tag, addr).toBe('CommandUnsupported');
      }
      expect((await fails(c, 'h1', ['rbd', '--id', '--conf', 'info', 'pool0/x']))._tag).toBe('CommandUnsupported');
    });
  });

  describe('when hosts share a pool', () => {
    it('shows an image made on one host to the others naming the pool, not to a host that does not', async () => {
      const c = cluster();
      await ok(c, 'h1', ['rbd', 'create', '--size', `${GiB}B`, 'pool0/shared']);
      expect(JSON.parse(await ok(c, 'h2', ['rbd', 'info', '--format', 'json', 'pool0/shared']))).toMatchObject({ size: GiB });
      expect(failure(await fails(c, 'h3', ['rbd', 'info', '--format', 'json', 'pool0/shared']))).toEqual({
        tag: 'CommandFailed',
        exitCode: 2,
        stderr: "rbd: error opening pool 'pool0': (2) No such file or directory\n",
      });
    });
  });

  describe('when the tool fails', () => {
    it('exits with the errno: 2 missing, 17 existing, 22 shrinking', async () => {
      const c = cluster();
      expect(failure(await fails(c, 'h1', ['rbd', 'info', '--format', 'json', 'pool0/nope']))).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('No such file or directory') });
      expect(failure(await fails(c, 'h1', ['rbd', 'rm', 'pool0/nope'])).exitCode).toBe(2);
      await ok(c, 'h1', ['rbd', 'create', '--size', `${GiB}B`, 'pool0/x']);
      expect(failure(await fails(c, 'h1', ['rbd', 'create', '--size', `${GiB}B`, 'pool0/x'])).exitCode).toBe(17);
      expect(failure(await fails(c, 'h1', ['rbd', 'resize', '--size', '1024B', 'pool0/x'])).exitCode).toBe(22);
      expect(failure(await fails(c, 'h1', ['rbd', 'import', '--image-format', '2', '/nope', 'pool0/y'])).exitCode).toBe(2);
    });
  });

  describe('when qemu-img opens an image that is not there', () => {
    it("says what qemu 7.2's rbd driver says: the image whose header it could not read, or the pool it could not open", async () => {
      const c = cluster();
      expect(failure(await fails(c, 'h1', ['qemu-img', 'info', '-f', 'raw', '--output=json', 'rbd:pool0/nope']))).toMatchObject({
        exitCode: 1,
        stderr: "qemu-img: Could not open 'rbd:pool0/nope': error reading header from nope: No such file or directory\n",
      });
      expect(failure(await fails(c, 'h3', ['qemu-img', 'info', '-f', 'raw', '--output=json', 'rbd:pool0/nope']))).toMatchObject({
        exitCode: 1,
        stderr: "qemu-img: Could not open 'rbd:pool0/nope': error opening pool pool0: No such file or directory\n",
      });
      await ok(c, 'h1', ['qemu-img', 'create', '-f', 'raw', `${DIR}/disk`, String(GiB)]);
      expect(failure(await fails(c, 'h1', ['qemu-img', 'convert', '-n', '-f', 'raw', '-O', 'raw', `${DIR}/disk`, 'rbd:pool0/nope'])).stderr).toBe(
        "qemu-img: Could not open 'rbd:pool0/nope': error reading header from nope: No such file or directory\n",
      );
    });
  });

  describe('when the argv is not one of docs/commands.md', () => {
    it.each([
      [['rbd', 'create', '--size', '1024', 'pool0/x']],
      [['rbd', 'create', '--size', '1024B', '--image-feature', 'layering', 'pool0/x']],
      [['rbd', 'import', `${DIR}/disk`, 'pool0/x']],
      [['rbd', 'info', 'pool0/x']],
      [['rbd', 'resize', '--size', '1024B', '--allow-shrink', 'pool0/x']],
      [['rbd', 'snap', 'create', 'pool0/x@s']],
    ] as const)('answers %j with COMMAND_UNSUPPORTED', async (argv) => {
      expect(await fails(cluster(), 'h1', argv)).toMatchObject({ _tag: 'CommandUnsupported' });
    });
  });
});
