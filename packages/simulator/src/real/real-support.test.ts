import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { checkRealSupport } from './real-support.js';

const scenario = (hosts: string, steps = '  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }', images = '  - { id: cirros, disk_format: qcow2, virtual_size: 1GiB }'): Scenario => {
  const s = loadScenario(`format: 1
name: t
hosts:
${hosts}
images:
${images}
flavors:
  small: { root: 1GiB }
steps:
${steps}
`, 'x.yaml');
  if (E.isLeft(s)) throw new Error(s.left.message);
  return s.right;
};

const refusal = (s: Scenario): string => {
  const r = checkRealSupport(s);
  return E.isLeft(r) ? r.left.message : 'supported';
};

const FILE_HOSTS = `  - { name: c1, config: { images_type: raw }, secrets: [/etc/shadow] }
  - { name: c2, config: { images_type: default, use_cow_images: true } }`;

describe('checkRealSupport', () => {
  it('accepts hosts and steps that only use flat and qcow2 disks', () => {
    const s = scenario(FILE_HOSTS, `  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
  - convert: { instance: vm1, disk: root, backend: qcow2, format: qcow2 }
  - reconfigure: { host: c2, config: { images_type: raw } }`);
    expect(refusal(s)).toBe('supported');
  });

  it('refuses a host configured for lvm, naming it and the backend', () => {
    const message = refusal(scenario(`${FILE_HOSTS}\n  - { name: vgs, config: { images_type: lvm, images_volume_group: vg0 } }`));
    expect(message).toContain('host "vgs"');
    expect(message).toContain('the lvm backend is unsupported on --host real');
  });

  it('refuses a convert to rbd, naming the step', () => {
    const message = refusal(scenario(FILE_HOSTS, `  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
  - convert: { instance: vm1, disk: root, backend: rbd, format: raw }`));
    expect(message).toContain('step 1 (convert vm1/root to rbd/raw)');
    expect(message).toContain('the rbd backend is unsupported on --host real');
  });

  it('refuses a convert to the ploop format and a reconfigure to ploop', () => {
    expect(refusal(scenario(FILE_HOSTS, `  - boot: { instance: vm1, host: c1, image: cirros, flavor: small }
  - convert: { instance: vm1, disk: root, backend: ploop, format: ploop }`))).toContain('the ploop backend is unsupported');
    expect(refusal(scenario(FILE_HOSTS, '  - reconfigure: { host: c1, config: { images_type: ploop } }'))).toContain('step 0 (reconfigure host "c1" to images_type ploop)');
  });

  it('finds no scenario at all in a host name that cannot name a directory, a relative secret or one with a ".." component', () => {
    expect(() => scenario('  - { name: "a/b" }', '  - boot: { instance: vm1, host: "a/b", image: cirros, flavor: small }')).toThrow('hosts[0].name');
    expect(() => scenario('  - { name: c1, secrets: [etc/shadow] }')).toThrow('hosts[0].secrets[0]: "etc/shadow" is not an absolute host path');
    expect(() => scenario('  - { name: c1, secrets: [/etc/../shadow] }')).toThrow('hosts[0].secrets[0]: "/etc/../shadow" is not a plain absolute path');
  });

  it('refuses a host name the scenario format takes but a directory cannot be named, saying why', () => {
    const long = 'h'.repeat(150);
    expect(refusal(scenario(`  - { name: ${long}, config: { images_type: raw } }`, `  - boot: { instance: vm1, host: ${long}, image: cirros, flavor: small }`))).toMatch(/hosts\[0\]\.name: .*cannot name a directory on --host real: .*1-128/);
  });

  it('accepts secrets anywhere on the host, dot files too', () => {
    expect(refusal(scenario('  - { name: c1, config: { images_type: raw }, secrets: [/root/.ssh/id_rsa, /home/u/.bashrc, /etc/shadow] }'))).toBe('supported');
  });
});
