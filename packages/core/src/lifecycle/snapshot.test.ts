import { HOSTILE_KINDS } from '@disk-ledger/domain';
import { isInjectedCrash, isSecretMarker } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { FakeFleet } from '../composition/testing/fake-fleet.js';
import { plantHostile, writeBenign } from '../composition/testing/guest.js';
import { allProblems, observe, outcome } from '../composition/testing/observe.js';
import { BACKEND_OPTIONS, OPTIONS, type OptionsName } from '../composition/testing/options.js';
import { img, vm } from '../testing/names.js';

const VM = vm('vm1');

const booted = async (name: OptionsName, host = 'a'): Promise<FakeFleet> => {
  const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }, { name: 'b', options: OPTIONS[name] }] });
  await f.boot(VM, host === 'a' ? 'a' : 'b');
  return f;
};

describe('snapshot', () => {
  describe('when snapshotting the root disk', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`uploads its data as the format written (qcow2), reading it with its recorded format, on ${name}`, async () => {
        const f = await booted(name, 'b');
        const markers = await writeBenign(f, VM);
        const o = await observe(f, VM, () => f.lifecycle().snapshot(VM, 'snap1')());
        expect(outcome(o.result)).toBe('ok');
        expect(E.isRight(o.result) && o.result.right.diskFormat).toBe('qcow2');
        expect(o.after).toEqual(o.before);
        const exports = o.commands.filter((c) => c.argv[1] === 'convert');
        const root = (await f.records(VM)).get('root');
        const recorded = root?.format === 'ploop' ? 'parallels' : root?.format;
        expect(exports.map((c) => c.argv.slice(c.argv.indexOf('-f'), c.argv.indexOf('-f') + 4))).toEqual([['-f', recorded, '-O', 'qcow2']]);
        expect(f.cluster.imageMarkers('snap1')).toContain(markers.get('root'));
        expect(await allProblems(f)).toEqual([]);
      });
    }
  });

  describe('when a host dies while the snapshot uploads', () => {
    it('leaves the staging copy until the host starts again: settle removes it, and the instance is as it was', async () => {
      const f = await booted('qcow2/default', 'b');
      const staging = `/var/lib/nova/instances/${VM}/snapshot.qcow2`;
      f.cluster.injectFault({ effect: 'crash-after', match: (argv, host) => host === 'b' && argv[1] === 'convert' });
      await expect(f.lifecycle().snapshot(VM, 'snap1')()).rejects.toSatisfy(isInjectedCrash);
      f.cluster.clearFaults();
      expect(f.cluster.host('b').fs.exists(staging)).toBe(true);
      const before = await f.records(VM);
      expect(outcome(await f.lifecycle().settle(VM)())).toBe('ok');
      expect(f.cluster.host('b').fs.exists(staging)).toBe(false);
      expect(await f.records(VM)).toEqual(before);
      expect(outcome(await f.lifecycle().hardReboot(VM)())).toBe('ok');
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when the instance came by a shared-pool move and has no directory on its host', () => {
    it('makes the directory for its staging file, and the instance can still be resized away', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['rbd/shared'] }, { name: 'b', options: OPTIONS['rbd/shared'] }, { name: 'c', options: OPTIONS['qcow2/default'] }] });
      await f.boot(VM, 'a');
      expect(outcome(await f.lifecycle().move(VM, 'b', 'live-migrate')())).toBe('ok');
      expect(f.cluster.host('b').fs.exists(`/var/lib/nova/instances/${VM}`)).toBe(false);
      expect(outcome(await f.lifecycle().snapshot(VM, 'snap1')())).toBe('ok');
      expect(outcome(await f.lifecycle().move(VM, 'c', 'resize')())).toBe('ok');
      expect(await f.hostOf(VM)).toBe('c');
      expect(await allProblems(f)).toEqual([]);
    });
  });

  describe('when a guest planted hostile headers first', () => {
    for (const name of BACKEND_OPTIONS) {
      it(`the uploaded image holds no host secret and nothing probes, on ${name}`, async () => {
        for (const kind of HOSTILE_KINDS) {
          const f = await booted(name, 'b');
          await plantHostile(f, VM, kind);
          expect(outcome(await f.lifecycle().snapshot(VM, 'snap1')())).toBe('ok');
          expect((f.cluster.imageMarkers('snap1') ?? []).filter(isSecretMarker)).toEqual([]);
          // The snapshot boots again: its declared format is what its bytes are.
          expect(outcome(await f.lifecycle().rebuild(VM, img('snap1'))())).toBe('ok');
          expect(await allProblems(f)).toEqual([]);
        }
      });
    }
  });

  describe('when the instance has no local root disk', () => {
    it('answers RECORD_MISSING', async () => {
      const f = new FakeFleet({ hosts: [{ name: 'a', options: OPTIONS['flat/raw'] }] });
      await f.boot(VM, 'a', { image: null });
      const r = await f.lifecycle().snapshot(VM, 'snap1')();
      expect(E.isLeft(r) && r.left.code).toBe('RECORD_MISSING');
    });
  });
});
