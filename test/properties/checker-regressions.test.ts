import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { load, replayChecked } from './generated-replay.js';

/** Counterexamples the deep runs found, kept as fixed cases: each replays with every invariant holding. */
describe('security suite counterexamples, fixed', () => {
  it('takes a raw disk whose data is an image the classic driver imported unconverted for raw, through a shelve and an unshelve (seed 9)', async () => {
    // force_raw_images off: the classic driver imports the vmdk image into the rbd volume as it is; the guest's disk
    // holds that container as its raw data, and so does every copy the library makes of it.
    const scenario = load({
      format: 1,
      name: 'vmdk-imported-as-data',
      hosts: [
        { name: 'h0', config: { images_type: 'raw', force_raw_images: true } },
        { name: 'h1', config: { images_type: 'rbd', images_rbd_pool: 'pool-a', force_raw_images: false } },
      ],
      images: [{ id: 'img-vmdk', disk_format: 'vmdk', virtual_size: '1GiB' }],
      flavors: { bare: { root: '1GiB' } },
      steps: [
        { boot: { instance: 'vm0', host: 'h1', flavor: 'bare', image: 'img-vmdk', legacy: true } },
        { shelve: { instance: 'vm0' } },
        { unshelve: { instance: 'vm0', host: 'h0' } },
        { snapshot: { instance: 'vm0', image_id: 'snap-a' } },
      ],
    });
    expect(await replayChecked(scenario)).toBe(null);
  });

  it('takes over an instance a compute awaiting its upgrade unshelved as a qcow2 overlay on the shelved image, then rescues it (seed 9)', async () => {
    const scenario = load({
      format: 1,
      name: 'unshelved-overlay-taken-over',
      hosts: [
        { name: 'h0', config: { images_type: 'default', use_cow_images: true, force_raw_images: false } },
        { name: 'h1', config: { images_type: 'ploop' } },
      ],
      images: [{ id: 'img-raw', disk_format: 'raw', virtual_size: '1GiB' }],
      flavors: { large: { root: '2GiB', ephemeral: '512MiB', swap: '256MiB' } },
      steps: [
        { boot: { instance: 'vm0', host: 'h1', flavor: 'large', image: 'img-raw' } },
        { shelve: { instance: 'vm0' } },
        { unshelve: { instance: 'vm0', host: 'h0' } },
        { upgrade: { host: 'h0' } },
        { shelve: { instance: 'vm0' } },
        { unshelve: { instance: 'vm0', host: 'h0' } },
        { guest_write: { instance: 'vm0', disk: 'root', content: 'qcow2-backing-host-file', target: '/etc/shadow' } },
        { rescue: { instance: 'vm0', image: 'img-raw' } },
      ],
    });
    expect(await replayChecked(scenario)).toBe(null);
  });

  it("evacuates a legacy instance whose host's options moved to another volume group, leaving its volume in the old one, as a delete does (seed 21)", async () => {
    const scenario = load({
      format: 1,
      name: 'evacuated-from-reconfigured-volume-group',
      hosts: [
        { name: 'h0', config: { images_type: 'lvm', images_volume_group: 'vg0' } },
        { name: 'h2', config: { images_type: 'raw', force_raw_images: false } },
      ],
      images: [{ id: 'img-raw', disk_format: 'raw', virtual_size: '1GiB' }],
      flavors: { bare: { root: '1GiB' } },
      steps: [
        { boot: { instance: 'vm0', host: 'h0', flavor: 'bare', image: 'img-raw', legacy: true } },
        { reconfigure: { host: 'h0', config: { images_type: 'lvm', images_volume_group: 'vg1' } } },
        { evacuate: { instance: 'vm0', to: 'h2' } },
        { rescue: { instance: 'vm0', image: 'img-raw' } },
      ],
    });
    expect(await replayChecked(scenario)).toBe(null);
  });

  it('unshelves, onto its old host, a legacy instance a failed classic evacuation left without disks, whose old disk stays there (seed 22)', async () => {
    // The classic evacuation fails on its destination: the instance is there with no disk (nova's in ERROR), its old
    // disk on the source. Shelved with no root to snapshot, it unshelves without one; the old disk is classic debris.
    const scenario = load({
      format: 1,
      name: 'unshelved-after-failed-classic-evacuation',
      hosts: [
        { name: 'h0', config: { images_type: 'default', use_cow_images: false, force_raw_images: false } },
        { name: 'h1', config: { images_type: 'lvm', images_volume_group: 'vg0' } },
      ],
      images: [{ id: 'img-raw', disk_format: 'raw', virtual_size: '1GiB' }],
      flavors: { bare: { root: '1GiB' } },
      steps: [
        { boot: { instance: 'vm1', host: 'h0', flavor: 'bare', image: 'img-raw', legacy: true } },
        { evacuate: { instance: 'vm1', to: 'h1' } },
        { shelve: { instance: 'vm1' } },
        { upgrade: { host: 'h1' } },
        { unshelve: { instance: 'vm1', host: 'h0' } },
      ],
    });
    expect(await replayChecked(scenario, undefined, [{ at: 1, kind: 'command' }])).toBe(null);
  });

  it('takes over all or none of the disks of an instance a compute awaiting its upgrade unshelved, when a command fails part-way (seed 26)', async () => {
    // The first command of the take-over (the root's qemu-img info) fails: the ephemeral and swap disks were taken over
    // and the root was not, so the settle dropped the shelve intent and the resize moved the instance without its root.
    const scenario = load({
      format: 1,
      name: 'take-over-cut-by-a-failing-command',
      hosts: [
        { name: 'h0', config: { images_type: 'default', use_cow_images: false, force_raw_images: false } },
        { name: 'h1', config: { images_type: 'ploop' } },
      ],
      images: [{ id: 'img-raw', disk_format: 'raw', virtual_size: '1GiB' }],
      flavors: { large: { root: '2GiB', ephemeral: '512MiB', swap: '256MiB' }, small: { root: '1GiB', ephemeral: '512MiB', swap: '256MiB' } },
      steps: [
        { boot: { instance: 'vm1', host: 'h0', flavor: 'large', image: 'img-raw' } },
        { resize: { instance: 'vm1', to: 'h1' } },
        { shelve: { instance: 'vm1' } },
        { unshelve: { instance: 'vm1', host: 'h0' } },
        { resize: { instance: 'vm1', to: 'h1', flavor: 'small', confirm: false } },
        { upgrade: { host: 'h0' } },
        { resize: { instance: 'vm1', to: 'h1', flavor: 'small', confirm: false } },
        { confirm_resize: { instance: 'vm1' } },
      ],
    });
    expect(await replayChecked(scenario, undefined, [{ at: 4, kind: 'command' }])).toBe(null);
  });
});
