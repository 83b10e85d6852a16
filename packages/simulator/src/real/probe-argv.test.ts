import type { Argv } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { probedImage } from './probe-argv.js';

const argv = (s: string): Argv => s.split(' ') as unknown as Argv;

describe('probedImage', () => {
  it.each([
    ['qemu-img info --output=json /d/disk', '/d/disk'],
    ['qemu-img convert -O raw /d/src /d/dst', '/d/src'],
    ['qemu-img convert -n -O raw /d/src /d/dst', '/d/src'],
    ['qemu-img convert -c -O qcow2 /d/src /d/dst', '/d/src'],
    ['qemu-img resize /d/disk 1073741824', '/d/disk'],
    ['qemu-img create -f qcow2 -b /d/base /d/disk 1073741824', '/d/base'],
    ['qemu-img create -f qcow2 -o backing_file=/d/base /d/disk', '/d/base'],
    ['qemu-img dd -O raw if=/d/src of=/d/dst', '/d/src'],
    ['qemu-img check /d/disk', '/d/disk'],
    ['qemu-img commit -d /d/disk', '/d/disk'],
    ['qemu-img bench -c 10 /d/disk', '/d/disk'],
    ['qemu-io -c read 0 512 /d/disk', '/d/disk'],
    ['prlimit --cpu=30 --as=1073741824 -- qemu-img info --output=json /d/disk', '/d/disk'],
  ])('finds the probe in `%s`', (line, image) => {
    expect(probedImage(argv(line))).toBe(image);
  });

  it.each([
    'qemu-img info -f raw --output=json /d/disk',
    'qemu-img convert -f raw -O qcow2 /d/src /d/dst',
    'qemu-img convert -n -f qcow2 -O raw /d/src /d/dst',
    'qemu-img resize -f raw /d/disk 1073741824',
    'qemu-img create -f qcow2 -b /d/base -F raw /d/disk 1073741824',
    'qemu-img create -f qcow2 -o backing_file=/d/base,backing_fmt=raw /d/disk',
    'qemu-img create -f raw /d/disk 1073741824',
    'qemu-img dd -f raw -O raw if=/d/src of=/d/dst',
    'qemu-img commit -f qcow2 -d /d/disk',
    'qemu-img bench -f qcow2 -c 10 /d/disk',
    'prlimit --cpu=30 --as=1073741824 -- qemu-img info -f qcow2 --output=json /d/disk',
    'qemu-io -f qcow2 -c write 0 512 /d/disk',
    'mkfs -t ext4 -F -L ephemeral0 /d/disk',
    'genisoimage -o /d/disk.config -V config-2 /d/disk.config.d',
  ])('finds no probe in `%s`', (line) => {
    expect(probedImage(argv(line))).toBeNull();
  });
});
