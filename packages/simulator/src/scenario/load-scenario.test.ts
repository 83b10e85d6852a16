import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from './load-scenario.js';

const example = readFileSync(new URL('./testing/format-document-example.yaml', import.meta.url), 'utf8');
const load = (text: string) => loadScenario(text, 'x.yaml');
const problem = (text: string) => {
  const r = load(text);
  return E.isLeft(r) ? r.left.path : 'ok';
};
const base = (steps: string, extra = '') => `format: 1
name: t
hosts:
  - name: a
  - name: b
    config: { images_type: lvm, images_volume_group: vg }
images:
  - { id: cirros, disk_format: qcow2, virtual_size: 1GiB }
flavors:
  small: { root: 1GiB, swap: 512MiB }
steps:
${steps}
${extra}`;

describe('loadScenario', () => {
  it('accepts the format document’s example exactly as written', () => {
    const r = load(example);
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) {
      expect(r.right.steps.map((s) => s.op)).toEqual(['boot', 'guest_write', 'resize']);
      expect(r.right.flavors?.['small']).toEqual({ root: 1024 ** 3, ephemeral: 1024 ** 3, swap: 512 * 1024 ** 2 });
      expect(r.right.hostOptions.get('compute-2')?.useCowImages).toBe(true);
    }
  });

  describe('when a scenario is written the ways the format document allows', () => {
    it('reads backend raw as flat, in a convert and in a disk expectation', () => {
      const r = load(base('  - convert: { instance: vm1, disk: root, backend: raw, format: raw }', 'expect:\n  disks:\n    - { instance: vm1, disk: root, backend: raw }'));
      expect(E.isRight(r) && r.right.steps[0]).toMatchObject({ op: 'convert', backend: 'flat' });
      expect(E.isRight(r) && r.right.expect?.disks?.[0]?.backend).toBe('flat');
    });
    it('reads provenance derived-from-legacy as derived', () => {
      const r = load(base('  - reboot: { instance: vm1 }', 'expect:\n  disks:\n    - { instance: vm1, disk: root, provenance: derived-from-legacy }'));
      expect(E.isRight(r) && r.right.expect?.disks?.[0]?.provenance).toBe('derived');
      expect(problem(base('  - reboot: { instance: vm1 }', 'expect:\n  disks:\n    - { instance: vm1, disk: root, provenance: legacy }'))).toBe('expect.disks[0].provenance');
    });
    it('takes sizes in PiB', () => {
      const r = load(base('  - reboot: { instance: vm1 }').replace('swap: 512MiB', 'swap: 2PiB'));
      expect(E.isRight(r) && r.right.flavors?.['small']?.swap).toBe(2 * 1024 ** 5);
    });
    it('lets later steps boot, rebuild and rescue from an image a snapshot uploaded, not earlier ones', () => {
      const later = `  - boot: { instance: vm1, host: a, image: cirros, flavor: small }
  - snapshot: { instance: vm1, image_id: snap1 }
  - boot: { instance: vm2, host: a, image: snap1, flavor: small }
  - rebuild: { instance: vm1, image: snap1 }
  - rescue: { instance: vm1, image: snap1 }`;
      expect(problem(base(later))).toBe('ok');
      expect(problem(base('  - boot: { instance: vm2, host: a, image: snap1, flavor: small }\n  - snapshot: { instance: vm2, image_id: snap1 }'))).toBe('steps[0].boot.image');
    });
    it('takes a name or a description written as a number or a boolean, as the text written', () => {
      const r = load(base('  - reboot: { instance: vm1 }').replace('name: t', 'name: 2016\ndescription: 12.50'));
      expect(E.isRight(r) && [r.right.name, r.right.description]).toEqual(['2016', '12.50']);
      expect(problem(base('  - reboot: { instance: vm1 }').replace('name: t', 'name: t\ndescription: true'))).toBe('ok');
    });
  });

  describe('when a key is unknown', () => {
    it('names the key and its path', () => {
      expect(problem(base('  - resize: { instance: vm1, to: b, flavour: small }'))).toBe('steps[0].resize.flavour');
      expect(problem(base('  - reboot: { instance: vm1 }', 'colour: red'))).toBe('colour');
      expect(problem(base('  - teleport: { instance: vm1 }'))).toBe('steps[0].teleport');
    });
  });

  describe('when a value is wrong', () => {
    it('names the step of a bad size', () => {
      const r = load(base('  - reboot: { instance: vm1 }').replace('swap: 512MiB', 'swap: 512MB'));
      expect(E.isLeft(r) && r.left.path).toBe('flavors.small.swap');
    });
    it('refuses an inconsistent host (lvm without a volume group)', () => {
      const r = load(base('  - reboot: { instance: vm1 }').replace('images_volume_group: vg', 'use_cow_images: false'));
      expect(E.isLeft(r) && r.left.path).toBe('hosts[1].config.images_volume_group');
    });
    it('refuses unknown hosts, images, flavors and crash indices, naming the step', () => {
      expect(problem(base('  - boot: { instance: vm1, host: c, image: cirros, flavor: small }'))).toBe('steps[0].boot.host');
      expect(problem(base('  - boot: { instance: vm1, host: a, image: debian, flavor: small }'))).toBe('steps[0].boot.image');
      expect(problem(base('  - boot: { instance: vm1, host: a, image: cirros, flavor: big }'))).toBe('steps[0].boot.flavor');
      expect(problem(base('  - crash: { host: a, during: 0 }'))).toBe('steps[0].crash.during');
      expect(problem(base('  - boot: { instance: vm1, host: a, image: cirros, flavor: small }\n  - reboot: {}'))).toBe('steps[1].reboot.instance');
    });
    it('refuses image ids that are not ids and hostile targets no header can name, naming the key', () => {
      const withImage = (image: string) => base('  - reboot: { instance: vm1 }').replace('  - { id: cirros, disk_format: qcow2, virtual_size: 1GiB }', image);
      expect(problem(withImage('  - { id: "-o", disk_format: raw }'))).toBe('images[0].id');
      expect(problem(withImage('  - { id: "../../x", disk_format: raw }'))).toBe('images[0].id');
      expect(problem(withImage('  - { id: k, disk_format: raw, kernel_id: "json:{}" }'))).toBe('images[0].kernel_id');
      expect(problem(withImage('  - { id: k, disk_format: ami, kernel_id: vmlinuz }'))).toBe('images[0].kernel_id');
      expect(problem(withImage('  - { id: k, disk_format: vmdk, virtual_size: 2199023321088 }'))).toBe('images[0].virtual_size');
      expect(problem(withImage('  - { id: k, disk_format: vmdk, virtual_size: 2TiB }'))).toBe('ok');
      expect(problem(withImage('  - { id: k, disk_format: ami, ramdisk_id: initrd }\n  - { id: vmlinuz, disk_format: aki }'))).toBe('images[0].ramdisk_id');
      expect(problem(withImage('  - { id: k, disk_format: ami, kernel_id: vmlinuz, ramdisk_id: initrd }\n  - { id: vmlinuz, disk_format: aki }\n  - { id: initrd, disk_format: ari }'))).toBe('ok');
      expect(problem(withImage(`  - { id: k, disk_format: raw, content: qcow2-backing-host-file, target: /${'a'.repeat(1023)} }`))).toBe('images[0].target');
      expect(problem(base('  - snapshot: { instance: vm1, image_id: "../snap" }'))).toBe('steps[0].snapshot.image_id');
      const write = (target: string) => base(`  - guest_write: { instance: vm1, disk: root, content: qcow2-data-file, target: "${target}" }`);
      expect(problem(write(`/${'a'.repeat(1022)}`))).toBe('ok');
      expect(problem(write(`/${'a'.repeat(1023)}`))).toBe('steps[0].guest_write.target');
      expect(problem(write('etc/shadow'))).toBe('steps[0].guest_write.target');
    });
    it('refuses expectations no run could meet or that say two things, naming the key', () => {
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }';
      expect(problem(base(boot, 'expect: { probes: -1 }'))).toBe('expect.probes');
      expect(problem(base(boot, 'expect: { leaks: { min: 1.5 } }'))).toBe('expect.leaks.min');
      expect(problem(base(boot, 'expect_legacy: { probes: { min: -2 } }'))).toBe('expect_legacy.probes.min');
      expect(problem(base(boot, 'expect: { steps: [ { index: 0, outcome: ok, code: X } ] }'))).toBe('expect.steps[0].code');
      expect(problem(base(boot, "expect: { steps: [ { index: 0, outcome: error, code: '' } ] }"))).toBe('expect.steps[0].code');
      expect(problem(base(boot, 'expect_legacy: { steps: [ { index: 3, outcome: error } ] }'))).toBe('expect_legacy.steps[0].index');
      expect(problem(base(boot, 'expect: { probes: 0, leaks: { min: 0 }, steps: [ { index: 0, outcome: error, code: X } ] }'))).toBe('ok');
      expect(problem(base(boot, 'expect: { steps: [ { index: 0, outcome: ok }, { index: 0, outcome: error } ] }'))).toBe('expect.steps[1].index');
      expect(problem(base(boot, 'expect: { disks: [ { instance: vm1, disk: root, absent: true, backend: flat } ] }'))).toBe('expect.disks[0].absent');
      expect(problem(base(boot, 'expect: { disks: [ { instance: vm1, disk: root, absent: false, backend: flat } ] }'))).toBe('ok');
    });
    it('refuses a step naming a disk no instance can have, and says why a crash or a batch is refused', () => {
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }';
      expect(problem(base(`${boot}
  - delete_disk_file: { instance: vm1, disk: eph0 }`))).toBe('steps[1].delete_disk_file.disk');
      expect(problem(base(`${boot}
  - guest_write: { instance: vm1, disk: disk.eph0, content: benign }`))).toBe('steps[1].guest_write.disk');
      expect(problem(base(`${boot}
  - convert: { instance: vm1, disk: Root, backend: flat, format: raw }`))).toBe('steps[1].convert.disk');
      expect(problem(base(`${boot}
  - guest_write: { instance: vm1, disk: ephemeral7, content: benign }`))).toBe('ok');
      const last = load(base(`${boot}
  - crash: { host: a, during: 2 }`));
      expect(E.isLeft(last) && last.left.message).toMatch(/this crash is the last step/);
      const batch = load(base('  - online_migrate: { batch: 2.5 }'));
      expect(E.isLeft(batch) && batch.left.message).toMatch(/expected a whole number in plain digits, got 2\.5$/);
    });
    it('says what was found where a number, a count or a mapping was expected', () => {
      const message = (text: string) => {
        const r = load(text);
        return E.isLeft(r) ? `${r.left.path}: ${r.left.message}` : 'ok';
      };
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }';
      expect(message(base(`${boot}\n  - reboot: { instance: vm1 }\n  - crash: { host: a, during: "1" }`))).toMatch(/^steps\[2\]\.crash\.during: .*expected a whole number, got "1"$/);
      expect(message(base(boot, 'expect: { leaks: 1.5 }'))).toMatch(/^expect\.leaks: .*expected a whole number or \{ min: N \}, got 1\.5$/);
      expect(message(base(boot, 'expect: { leaks: { most: 1 } }'))).toMatch(/^expect\.leaks\.most: .*unknown key "most"$/);
      expect(message(`format: 1\nname: t\nhosts:\n  - name: a\n    config:\n`)).toMatch(/^hosts\[0\]\.config: .*expected a mapping, got null$/);
    });
    it('says what was expected in the words of the format, never io-ts type names, and shows numbers as written', () => {
      const message = (text: string) => {
        const r = load(text);
        return E.isLeft(r) ? `${r.left.path}: ${r.left.message}` : 'ok';
      };
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }';
      expect(message(base(boot, 'expect: { steps: null }'))).toMatch(/^expect\.steps: .*expected a list, got null$/);
      expect(message(base(boot).replace('hosts:\n  - name: a\n  - name: b\n    config: { images_type: lvm, images_volume_group: vg }', 'hosts: { a: {} }'))).toMatch(/^hosts: .*expected a list, got \{"a":\{\}\}$/);
      expect(message(base(boot).replace('flavors:\n  small: { root: 1GiB, swap: 512MiB }', 'flavors: [small]'))).toMatch(/^flavors: .*expected a mapping, got \["small"\]$/);
      expect(message(base(boot).replace('flavors:\n  small: { root: 1GiB, swap: 512MiB }', 'flavors: 1.5'))).toMatch(/^flavors: .*expected a mapping, got 1\.5$/);
      expect(message(base(boot).replace('  - name: a\n', '  - name: a\n    secrets: /etc/shadow\n'))).toMatch(/^hosts\[0\]\.secrets: .*expected a list, got "\/etc\/shadow"$/);
      expect(message(base(boot).replace('format: 1', 'format: 1.0'))).toMatch(/^format: .*got 1\.0$/);
      expect(message(base(`${boot}\n  - online_migrate: { batch: 0x2 }`))).toMatch(/^steps\[1\]\.online_migrate\.batch: .*expected a whole number in plain digits, got 0x2$/);
      expect(message('format: 1\nname: t\nhosts: [{ name: a }]\nsteps: { a: 1.5 }\n')).toMatch(/^steps: .*expected a list, got \{"a":1\.5\}$/);
      expect(message(base(boot).replace('small: { root: 1GiB, swap: 512MiB }', 'small: !!omap [ root: 1GiB ]'))).toMatch(/^flavors\.small: .*expected a mapping/);
      expect(message(base(boot).replace('  - name: a\n', '  - name: a\n    config: !!timestamp 2001-12-14\n'))).toMatch(/^hosts\[0\]\.config: .*expected a mapping/);
      expect(message(base(boot).replace('name: t', 'name: !!binary aGVsbG8='))).toMatch(/^name: .*expected a string, got binary data$/);
      expect(message(base(boot).replace('swap: 512MiB', 'swap: 1.5'))).toMatch(/^flavors\.small\.swap: .*invalid size 1\.5:/);
      expect(message(base(`${boot}\n  - 1.5`))).toMatch(/^steps\[1\]: .*a step is a map with one key, the step kind; got 1\.5$/);
      // A quoted number is a string, and is shown as one.
      expect(message(base(boot, 'expect: { leaks: "1" }'))).toMatch(/got "1"$/);
    });
    it('merges a mapping with `<<`, as YAML 1.1 does, and still refuses a key it does not know', () => {
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: big }';
      const r = load(base(boot).replace('small: { root: 1GiB, swap: 512MiB }', 'small: &small { root: 1GiB, swap: 512MiB }\n  big: { <<: *small, root: 2GiB }'));
      expect(E.isRight(r) && r.right.flavors?.['big']).toEqual({ root: 2 ** 31, swap: 2 ** 29 });
      expect(problem(base(boot).replace('small: { root: 1GiB, swap: 512MiB }', 'small: &small { root: 1GiB, size: 1 }\n  big: { <<: *small }'))).toBe('flavors.small.size');
    });
    it('reads a number not in decimal digits as its text where a string or a name goes, as YAML reads an unquoted word', () => {
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: "1.5" }';
      const r = load(base(boot).replace('name: t', 'name: 2.0\ndescription: 1e3').replace('small: { root: 1GiB, swap: 512MiB }', '1.5: { root: 1GiB }\n  2.50: { root: 2GiB }'));
      expect(E.isRight(r) && [r.right.name, r.right.description, Object.keys(r.right.flavors ?? {})]).toEqual(['2.0', '1e3', ['1.5', '2.50']]);
    });
    it('speaks of the scenario file, not of the YAML library, for several documents and collection keys', () => {
      const warn = vi.spyOn(process, 'emitWarning');
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }';
      const two = load(`${base(boot)}\n---\n${base(boot)}`);
      expect(E.isLeft(two) && two.left.message).toMatch(/\(yaml\): a scenario file holds one YAML document; this one holds several/);
      expect(E.isLeft(two) && two.left.message).not.toContain('parseAllDocuments');
      const complex = load(base(boot, '? [a, b]\n: 1'));
      expect(E.isLeft(complex) && complex.left.message).toMatch(/unknown key/);
      expect(warn).not.toHaveBeenCalled();
      warn.mockRestore();
    });
    it('refuses duplicate images, host names that are not names, secrets that are not absolute paths and disks no instance has, naming the key', () => {
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }';
      expect(problem(base(boot).replace('images:\n', 'images:\n  - { id: cirros, disk_format: raw, virtual_size: 2GiB }\n'))).toBe('images[1].id');
      expect(problem(base(boot).replace('  - name: a\n', '  - name: ""\n'))).toBe('hosts[0].name');
      expect(problem(base(boot).replace('  - name: a\n', '  - name: a\n    secrets: [/etc/shadow, etc/passwd]\n'))).toBe('hosts[0].secrets[1]');
      expect(problem(base(boot, 'expect: { disks: [ { instance: vm1, disk: bogus } ] }'))).toBe('expect.disks[0].disk');
      expect(problem(base(boot, 'expect_legacy: { disks: [ { instance: vm1, disk: ../root } ] }'))).toBe('expect_legacy.disks[0].disk');
      expect(problem(base(boot, 'expect: { disks: [ { instance: vm1, disk: ephemeral3, absent: true } ] }'))).toBe('ok');
      expect(problem(base(boot, 'expect: { disks: [ { instance: vm1, disk: root }, { instance: vm2, disk: root }, { instance: vm1, disk: root, absent: true } ] }'))).toBe('expect.disks[2]');
      expect(problem(base(boot, 'expect_legacy: { disks: [ { instance: vm1, disk: swap, host: a }, { instance: vm1, disk: swap, host: a } ] }'))).toBe('expect_legacy.disks[1]');
      expect(problem(base(boot, 'expect: { disks: [ { instance: vm1, disk: root, host: c } ] }'))).toBe('expect.disks[0].host');
    });
    it('refuses secrets that cannot all be files: not plain, twice, one inside another, or holding the instances directory', () => {
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }';
      const secrets = (list: string) => problem(base(boot).replace('  - name: a\n', `  - name: a\n    secrets: ${list}\n`));
      for (const list of ['[/etc/../etc/shadow]', '[/etc//shadow]', '[/etc/./shadow]', '[/etc/shadow/]', '[/etc/shadow, /etc/shadow]', '[/etc/shadow, /etc/shadow/x]', '[/etc/x/y, /etc/x]', '[/var/lib/nova]', '[/var/lib/nova/instances/vm1]', '[/var/lib/nova/instances/vm1/disk]', '[/var/lib/nova/instances/_base]', '[/var/lib/nova/instances/snapshots/x]', '[/dev/vg0/vm1_disk]']) {
        expect(secrets(list), list).toMatch(/^hosts\[0\]\.secrets\[[01]\]$/);
      }
      // Another tenant's instance (one the scenario never boots) may hold a secret: its disk is one.
      expect(secrets('["/etc/sh adow", /etc/shadow, /var/lib/nova/instances/_base/x, /dev/vg0/lv, /var/lib/nova/instances/victim/disk, /var/lib/nova/instances/disk.info, /dev/vg0/victim_disk, /dev/vg0/vm1_2_disk]')).toBe('ok');
    });
    it("refuses a secret where the library's base-image cache keeps a file it made (it trusts those), not at the classic driver's names", () => {
      const steps = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }\n  - snapshot: { instance: vm1, image_id: snap1 }';
      const secrets = (list: string) => problem(base(steps).replace('  - name: a\n', `  - name: a\n    secrets: ${list}\n`));
      // SHA-256 of "cirros" and of "snap1", cut to 40 hex digits; the swap template of 512 MiB in bytes.
      for (const name of ['772187acc33620e4840d92741205e56ea7544173', '772187acc33620e4840d92741205e56ea7544173.part', '772187acc33620e4840d92741205e56ea7544173.conv', 'c3ff832377ee3e0bcdd66aa561bdfa33138cafb5', 'swap_536870912b']) {
        expect(secrets(`[/etc/shadow, /var/lib/nova/instances/_base/${name}]`), name).toBe('hosts[0].secrets[1]');
      }
      // A shelved instance's image, cached by its unshelve; a file under an entry's name, which would make it a directory.
      const shelving = `${steps}\n  - shelve: { instance: vm1 }\n  - unshelve: { instance: vm1, host: a }\n  - shelve: { instance: vm1 }`;
      const shelvedSecret = (name: string) => problem(base(shelving).replace('  - name: a\n', `  - name: a\n    secrets: [/var/lib/nova/instances/_base/${name}]\n`));
      for (const id of ['vm1-shelved', 'vm1-shelved-2']) expect(shelvedSecret(createHash('sha256').update(id).digest('hex').slice(0, 40)), id).toBe('hosts[0].secrets[0]');
      expect(shelvedSecret(createHash('sha256').update('vm1-shelved-3').digest('hex').slice(0, 40))).toBe('ok');
      expect(shelvedSecret(`${createHash('sha256').update('cirros').digest('hex').slice(0, 40)}/x`)).toBe('hosts[0].secrets[0]');
      // The classic driver's entry (SHA-1 of "cirros") and template names, and another image's entry, are any host file to the library.
      expect(secrets('[/var/lib/nova/instances/_base/b931697135326754611a326506cbf74d295e7404, /var/lib/nova/instances/_base/swap_512, /var/lib/nova/instances/_base/d9298a10d1b0735837dc4bd85dac641b0f3cef27]')).toBe('ok');
    });
    it('takes a flavor without a root as root 0 (the image size)', () => {
      expect(problem(base('  - boot: { instance: vm1, host: a, volume: true, flavor: nothing }').replace('flavors:\n', 'flavors:\n  nothing: { ephemeral: 1GiB }\n'))).toBe('ok');
    });
    it('refuses a boot from both an image and a volume', () => {
      expect(problem(base('  - boot: { instance: vm1, host: a, image: cirros, volume: true, flavor: small }'))).toBe('steps[0].boot.volume');
    });
    it('refuses a reconfigure that would leave its host inconsistent, naming the step', () => {
      expect(problem(base('  - reconfigure: { host: a, config: { images_type: lvm } }'))).toBe('steps[0].reconfigure.config.images_volume_group');
      expect(problem(base('  - reconfigure: { host: a, config: { images_type: rbd } }'))).toBe('steps[0].reconfigure.config.images_rbd_pool');
      // A reconfigure changes only the keys it names: the volume group named earlier still holds.
      expect(problem(base('  - reconfigure: { host: a, config: { images_volume_group: vg2 } }\n  - reconfigure: { host: a, config: { images_type: lvm } }'))).toBe('ok');
    });
    it('refuses sizes that are not exact byte counts', () => {
      expect(problem(base('  - reboot: { instance: vm1 }').replace('swap: 512MiB', 'swap: 1EiB'))).toBe('flavors.small.swap');
    });
    it('refuses sizes with spaces and float literals, and float literals wherever an integer goes', () => {
      for (const bad of ["'512 MiB'", "' 512MiB'", "'512MiB '", '5.36870912e8', '536870912.0', '0x20000000']) {
        expect(problem(base('  - reboot: { instance: vm1 }').replace('swap: 512MiB', `swap: ${bad}`)), bad).toBe('flavors.small.swap');
      }
      expect(problem(base('  - reboot: { instance: vm1 }').replace('swap: 512MiB', 'swap: 536870912'))).toBe('ok');
      expect(problem(base('  - online_migrate: { batch: 2.0 }'))).toBe('steps[0].online_migrate.batch');
    });
    it('refuses a step with two kinds', () => {
      expect(problem(base('  - { reboot: { instance: vm1 }, delete: { instance: vm1 } }'))).toBe('steps[0]');
    });
    it('refuses YAML errors and the wrong format version', () => {
      expect(problem('format: 1\nname: [')).toBe('(yaml)');
      expect(problem(base('  - reboot: { instance: vm1 }').replace('format: 1', 'format: 2'))).toBe('format');
    });
    it('refuses more than 100 aliases (an alias bomb) as invalid YAML instead of failing', () => {
      const many = base(`  - &r { reboot: { instance: vm1, hard: true } }\n${'  - *r\n'.repeat(100)}`);
      const r = load(many);
      expect(E.isLeft(r) && `${r.left.path}: ${r.left.message}`).toMatch(/^\(yaml\): .*alias/i);
    });
    it('names an alias that stands inside the value its anchor names, by its key path', () => {
      const inList = load('format: 1\nname: t\nhosts: &h\n  - name: a\n    config: *h\nsteps: []\n');
      expect(E.isLeft(inList) && [inList.left.path, inList.left.message]).toEqual(['hosts[0].config', expect.stringContaining('alias *h stands inside the value its anchor &h names')]);
      const inMap = load(base('  - reboot: &s { instance: vm1, hard: *s }'));
      expect(E.isLeft(inMap) && inMap.left.path).toBe('steps[0].reboot.hard');
      const merged = load('format: 1\nname: t\nhosts:\n  - &h { name: a, <<: *h }\nsteps: []\n');
      expect(E.isLeft(merged) && merged.left.path).toBe('hosts[0].<<');
      // An alias of a sibling is an ordinary reuse, and one of an anchor redefined inside names the inner node.
      expect(E.isRight(load(base('  - reboot: &s { instance: vm1 }\n  - reboot: *s')))).toBe(true);
      const inner = load('format: 1\nname: t\nhosts: &a\n  - &a { name: a }\n  - { name: b, config: *a }\nsteps: []\n');
      expect(E.isLeft(inner) && [inner.left.path, inner.left.message.includes('stands inside')]).toEqual(['hosts[1].config.name', false]);
    });
    it('names a file that is no scenario without quoting what it holds', () => {
      const shadow = 'root:$6$salt$secrethash:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\n';
      const r = load(shadow);
      expect(E.isLeft(r) && r.left.path).toMatch(/^(\(root\)|format)$/);
      expect(E.isLeft(r) && r.left.message).not.toContain('secrethash');
      const keyed = load('root: $6$salt$secrethash\n');
      expect(E.isLeft(keyed) && keyed.left.message).not.toContain('secrethash');
      expect(E.isLeft(keyed) && keyed.left.path).toBe('format');
      expect(E.isLeft(load('- root\n- daemon\n')) && 'listed').toBe('listed');
      for (const scalar of ['1.5\n', '2001-12-14\n', '!!set { a }\n']) {
        const r2 = load(scalar);
        expect(E.isLeft(r2) && `${r2.left.path}: ${r2.left.message}`, scalar).toMatch(/^\(root\): .*not a scenario/);
      }
    });
    it('refuses an image smaller than 64KiB, where its content kind would not fit', () => {
      const boot = '  - boot: { instance: vm1, host: a, image: cirros, flavor: small }';
      for (const size of ['0', '1', '512', '65535']) {
        expect(problem(base(boot).replace('images:\n', `images:\n  - { id: tiny, disk_format: raw, virtual_size: ${size} }\n`)), size).toBe('images[0].virtual_size');
      }
      expect(problem(base(boot).replace('images:\n', 'images:\n  - { id: tiny, disk_format: raw, virtual_size: 64KiB }\n'))).toBe('ok');
    });
    it('refuses a number past the largest exact integer, shown as written', () => {
      expect(problem(base('  - online_migrate: { batch: 99999999999999999999 }'))).toBe('steps[0].online_migrate.batch');
      const message = (text: string) => {
        const r = load(text);
        return E.isLeft(r) ? `${r.left.path}: ${r.left.message}` : 'ok';
      };
      expect(message(base('  - online_migrate: { batch: 9007199254740993 }'))).toMatch(/batch: .*expected a whole number below 2\^53, got 9007199254740993$/);
      expect(message(base('  - reboot: { instance: vm1 }').replace('swap: 512MiB', 'swap: 9007199254740993'))).toMatch(/^flavors\.small\.swap: .*invalid size 9007199254740993:/);
      expect(message(base('  - online_migrate: { batch: 9007199254740991 }'))).toBe('ok');
      // An int, as the format says: 0 migrates nothing; a count below it is none.
      expect(message(base('  - online_migrate: { batch: 0 }'))).toBe('ok');
      expect(problem(base('  - online_migrate: { batch: -1 }'))).toBe('steps[0].online_migrate.batch');
      expect(message(base('  - online_migrate: { batch: -1 }'))).toMatch(/batch must be a whole number of rows, 0 or more$/);
      // Free text keeps what was written, digits past 2^53 too.
      const long = load(base('  - reboot: { instance: vm1 }').replace('name: t', 'name: 9007199254740993'));
      expect(E.isRight(long) && long.right.name).toBe('9007199254740993');
    });
  });
});
