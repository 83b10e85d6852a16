import { describe, expect, it } from 'vitest';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { outcome } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS } from '../composition/testing/options.js';
import { vm } from '../testing/names.js';

const VM = vm('vm1');

describe('qemu-img info of a disk a guest writes', () => {
  for (const name of BACKEND_OPTIONS) {
    it(`runs under CPU and address-space limits, as any untrusted image does (SECURITY rule 4), on ${name}`, async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS[name] }, { name: 'b', options: OPTIONS['qcow2/default'] }] });
      await f.boot(VM, 'a');
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'resize')())).toBe('ok');
      expect(outcome(await f.lifecycle().snapshot(VM, 'snap1')())).toBe('ok');
      const infos = f.cluster.commands().filter((c) => c.argv[0] === 'qemu-img' && c.argv[1] === 'info');
      expect(infos.length).toBeGreaterThan(0);
      expect(infos.filter((c) => c.limits === null).map((c) => c.argv.join(' '))).toEqual([]);
    });
  }
});
