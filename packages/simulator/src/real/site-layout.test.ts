import type { HostPath } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { SiteLayout } from './site-layout.js';

const layout = SiteLayout.at('/tmp/dl-root' as HostPath);

describe('SiteLayout', () => {
  it('gives each host its own instances path', () => {
    expect(layout.instancesPath('c1')).toBe('/tmp/dl-root/hosts/c1/instances');
    expect(layout.instancesPath('c2')).not.toBe(layout.instancesPath('c1'));
  });

  it("maps a host's absolute paths under its own directory, and nova's instances path to the host's", () => {
    expect(layout.hostFile('c1', '/etc/shadow')).toBe('/tmp/dl-root/hosts/c1/fs/etc/shadow');
    expect(layout.hostFile('c2', '/var/lib/nova/instances/vm2/disk')).toBe('/tmp/dl-root/hosts/c2/instances/vm2/disk');
  });

  it('never lets a path climb out of the host directory', () => {
    expect(layout.hostFile('c1', '/../../../etc/passwd')).toBe('/tmp/dl-root/hosts/c1/fs/etc/passwd');
    expect(layout.hostFile('c1', '/var/lib/nova/instances/../../../../root/.ssh/id_rsa')).toBe('/tmp/dl-root/hosts/c1/fs/root/.ssh/id_rsa');
  });

  it('leaves a relative name alone: qemu resolves it beside the image naming it', () => {
    expect(layout.hostFile('c1', 'base.img')).toBe('base.img');
  });

  it('writes host paths back the way the in-memory host names them', () => {
    expect(layout.virtual('guest c1:/tmp/dl-root/hosts/c1/instances/vm1/disk')).toBe('guest c1:/var/lib/nova/instances/vm1/disk');
    expect(layout.virtual('/tmp/dl-root/hosts/c2/fs/etc/shadow')).toBe('/etc/shadow');
    expect(layout.virtual('/elsewhere/disk')).toBe('/elsewhere/disk');
  });

  it('shows nothing of the temporary root: its image store and scratch files are named, not located', () => {
    expect(layout.virtual('qemu-io -f qcow2 -c "write -q -s /tmp/dl-root/scratch/5.bin 0 262144" /tmp/dl-root/hosts/c1/instances/vm1/disk exited 1'))
      .toBe('qemu-io -f qcow2 -c "write -q -s <scratch>/5.bin 0 262144" /var/lib/nova/instances/vm1/disk exited 1');
    expect(layout.virtual("cannot read '/tmp/dl-root/images/cirros' in /tmp/dl-root")).toBe("cannot read '<images>/cirros' in <replay>");
    expect(layout.virtual('/tmp/dl-root/imagesx/a')).toBe('<replay>/imagesx/a');
  });

  it('refuses a host name that is not a file name, as a bug of the caller', () => {
    expect(() => layout.instancesPath('../c1')).toThrow(/unreachable/);
  });
});
