/**
 * The real site on this machine's qemu-img: secrets as files, guest writes
 * and views as real bytes, uploads searched for secrets, the catalogue as
 * real images. Sizes are small; every disk is sparse.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DiskLocation, HostPath, ImageId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { RealSite } from './real-site.js';

const MiB = 1024 ** 2;

const scenario = (extraHosts = '', images = ''): Scenario => {
  const s = loadScenario(`format: 1
name: site-test
hosts:
  - { name: c1, config: { images_type: raw }, secrets: [/etc/shadow] }
  - { name: c2, config: { images_type: qcow2 }, secrets: [/etc/shadow] }
${extraHosts}
images:
  - { id: plain, disk_format: qcow2, virtual_size: 64MiB }
${images}
flavors:
  small: { root: 64MiB }
steps: []
`, 'site-test.yaml');
  if (E.isLeft(s)) throw new Error(s.left.message);
  return s.right;
};

let open: RealSite | null = null;
const openSite = async (s: Scenario = scenario()): Promise<RealSite> => {
  const site = await RealSite.open(s);
  if (E.isLeft(site)) throw new Error(site.left.message);
  open = site.right;
  return site.right;
};
afterEach(async () => {
  await open?.close();
  open = null;
});

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/** A fresh raw disk of instance vm1 on c1, made through the host's counted executor. */
const rawDisk = async (site: RealSite): Promise<DiskLocation & { readonly backend: 'flat' }> => {
  const dir = `${site.instancesPath('c1')}/vm1`;
  const mk = await site.files('c1').mkdirp(dir as HostPath)();
  expect(E.isRight(mk)).toBe(true);
  const path = `${dir}/disk` as HostPath;
  const made = await site.executor('c1').run({ argv: ['qemu-img', 'create', '-f', 'raw', path, String(64 * MiB)] })();
  expect(E.isRight(made)).toBe(true);
  return { backend: 'flat', path };
};

const PLANTED = { kind: 'qcow2-backing-host-file', target: '/etc/shadow' } as const;

describe('RealSite', () => {
  it("gives every host its own instances path and secret files, and removes them all on close", async () => {
    const site = await openSite();
    const c1 = site.instancesPath('c1');
    expect(c1).not.toBe(site.instancesPath('c2'));
    expect(await exists(c1)).toBe(true);
    const root = dirname(dirname(dirname(c1)));
    expect(await readFile(`${root}/hosts/c2/fs/etc/shadow`, 'utf8')).toMatch(/^SECRET:c2:\/etc\/shadow:\d+\n$/);
    await site.close();
    open = null;
    expect(await exists(root)).toBe(false);
  });

  it('refuses a scenario that needs lvm before making anything', async () => {
    const r = await RealSite.open(scenario('  - { name: c3, config: { images_type: lvm, images_volume_group: vg0 } }'));
    expect(E.isLeft(r) && r.left.message).toContain('the lvm backend is unsupported on --host real');
  });

  it('shows a planted backing file only to a VM that opens the raw disk as qcow2: a probe per start, one leak per disk', async () => {
    const site = await openSite();
    const disk = await rawDisk(site);
    expect(await site.guestWrite('c1', disk, 'raw', PLANTED)).toEqual({ ok: true });
    expect(await site.guestView('c1', disk, 'raw')).toEqual({ ok: true });
    expect(site.leaks()).toEqual([]);
    expect(site.probes()).toEqual([]);
    site.setStep(4);
    expect(await site.guestView('c1', disk, 'qcow2')).toEqual({ ok: true });
    expect(await site.guestView('c1', disk, 'qcow2')).toEqual({ ok: true });
    expect(site.leaks()).toMatchObject([{ step: 4, secret: '/etc/shadow', secretHost: 'c1', into: 'guest c1:/var/lib/nova/instances/vm1/disk', via: 'guest-view' }]);
    // Each start of the VM detects the backing file's format again, as on the in-memory host.
    expect(site.probes()).toEqual([1, 2].map(() => ({ step: 4, host: 'c1', argv: null, image: '/etc/shadow' })));
    expect(site.commandCount).toBe(1);
  });

  it('writes through a qcow2 container into the guest data, not its header', async () => {
    const site = await openSite();
    const path = `${site.instancesPath('c2')}/disk.qcow2` as HostPath;
    await site.executor('c2').run({ argv: ['qemu-img', 'create', '-f', 'qcow2', path, String(64 * MiB)] })();
    const disk: DiskLocation = { backend: 'qcow2', path };
    expect(await site.guestWrite('c2', disk, 'qcow2', PLANTED)).toEqual({ ok: true });
    const info = JSON.parse(execFileSync('qemu-img', ['info', '-f', 'qcow2', '--output=json', path], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(info['backing-filename']).toBeUndefined();
    expect(await site.guestWrite('c2', disk, 'raw', PLANTED)).toEqual({ ok: true });
    expect((await site.guestWrite('c1', disk, 'vmdk', PLANTED)).ok).toBe(false);
  });

  it('cuts a header longer than a small disk at its end, as a guest can write no further, through either format', async () => {
    const site = await openSite();
    const raw = `${site.instancesPath('c1')}/small.raw` as HostPath;
    const qcow2 = `${site.instancesPath('c1')}/small.qcow2` as HostPath;
    for (const [path, format] of [[raw, 'raw'], [qcow2, 'qcow2']] as const) {
      await site.executor('c1').run({ argv: ['qemu-img', 'create', '-f', format, path, String(64 * 1024)] })();
      expect(await site.guestWrite('c1', { backend: 'flat', path }, format, PLANTED)).toEqual({ ok: true });
      const info = JSON.parse(execFileSync('qemu-img', ['info', '-f', format, '--output=json', path], { encoding: 'utf8' })) as Record<string, unknown>;
      expect(info['virtual-size']).toBe(64 * 1024);
    }
    expect(statSync(raw).size).toBe(64 * 1024);
  });

  it("finds a secret's bytes in an upload, and records the probe of the command that copied them", async () => {
    const site = await openSite();
    const disk = await rawDisk(site);
    await site.guestWrite('c1', disk, 'raw', PLANTED);
    const out = `${site.instancesPath('c1')}/snap.raw` as HostPath;
    site.setStep(2);
    const copied = await site.executor('c1').run({ argv: ['qemu-img', 'convert', '-O', 'raw', disk.path, out] })();
    expect(E.isRight(copied)).toBe(true);
    const uploaded = await site.imageService('c1').upload({ id: 'snap1' as ImageId, diskFormat: 'raw', containerFormat: 'bare' }, out)();
    expect(E.isRight(uploaded) && uploaded.right.virtualSize).toBe(64 * MiB);
    expect(site.probes().map((p) => p.argv?.slice(0, 3).join(' '))).toEqual(['qemu-img convert -O']);
    expect(site.leaks()).toMatchObject([{ step: 2, secret: '/etc/shadow', into: 'image snap1', via: 'upload' }]);
    const again = await site.imageService('c2').upload({ id: 'snap1' as ImageId, diskFormat: 'raw', containerFormat: 'bare' }, out)();
    expect(E.isLeft(again) && again.left.code).toBe('IMAGE_SERVICE_FAILED');
  });

  it("serves a hostile catalogue image as real bytes pointing at the downloading host's own secret", async () => {
    const site = await openSite(scenario('', '  - { id: evil, disk_format: raw, virtual_size: 64MiB, content: raw-with-qcow2-header, target: /etc/shadow }'));
    const dest = `${site.instancesPath('c2')}/evil.part` as HostPath;
    expect(E.isRight(await site.imageService('c2').download('evil' as ImageId, dest)())).toBe(true);
    const info = JSON.parse(execFileSync('qemu-img', ['info', '-f', 'qcow2', '--output=json', dest], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(String(info['backing-filename'])).toMatch(/\/hosts\/c2\/fs\/etc\/shadow$/);
    const meta = await site.imageService('c2').show('evil' as ImageId)();
    expect(E.isRight(meta) && meta.right).toMatchObject({ diskFormat: 'raw', size: 64 * MiB, virtualSize: 64 * MiB });
    const missing = await site.imageService('c2').show('nope' as ImageId)();
    expect(E.isLeft(missing) && missing.left.code).toBe('IMAGE_NOT_FOUND');
    const twice = await site.imageService('c2').download('evil' as ImageId, dest)();
    expect(E.isLeft(twice) && twice.left.code).toBe('FS_EXISTS');
  });

  it('serves a benign qcow2 image that qemu-img checks clean, its guest data marked with the image id', async () => {
    const site = await openSite();
    const dest = `${site.instancesPath('c1')}/plain.qcow2` as HostPath;
    await site.imageService('c1').download('plain' as ImageId, dest)();
    expect(execFileSync('qemu-img', ['check', '-f', 'qcow2', dest], { encoding: 'utf8' })).toContain('No errors were found');
    const head = `${dest}.head`;
    execFileSync('qemu-img', ['dd', '-f', 'qcow2', '-O', 'raw', 'bs=64', 'count=1', `if=${dest}`, `of=${head}`]);
    expect(await readFile(head, 'utf8')).toMatch(/^disk-ledger benign data image:plain\n/);
  });
});
